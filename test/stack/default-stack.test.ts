import { baseArgs, named, ofType, planStack, T } from "../helpers/stack";
import type { PlanRun } from "../../packages/lbstack/src/plan/mock-runtime";

/** What the smallest valid stack registers, and the values users rely on. */
describe("a stack built from the defaults", () => {
    let run: PlanRun;
    beforeAll(async () => {
        run = await planStack(baseArgs(), { preview: false });
    });

    test("registers a VPC, an ALB with one listener, two target groups, two launch templates, two groups and the security groups", () => {
        const count = (type: string) => ofType(run.resources, type).length;
        expect(count(T.vpc)).toBe(1);
        expect(count(T.lb)).toBe(1);
        expect(count(T.listener)).toBe(1);
        expect(count(T.tg)).toBe(2);
        expect(count(T.lt)).toBe(2);
        expect(count(T.asg)).toBe(2);
        expect(ofType(run.resources, T.sg).map((r) => r.name).sort()).toEqual(["app-backup-sg", "app-lb-sg", "app-primary-sg"]);
        expect(count(T.rule)).toBe(0);
    });

    test("adds CPU target tracking per group, and monitoring: topic and key, six alarms, a refresh-failed rule, a dashboard and an access-log bucket", () => {
        const under = (parent: string, type: string) => run.resources.filter((r) => r.parent === parent && r.type === type).map((r) => r.name).sort();
        expect(ofType(run.resources, "aws:autoscaling/policy:Policy").map((r) => r.name).sort()).toEqual(["app-backup-cpu-target", "app-primary-cpu-target"]);
        expect(named(run.resources, "app-monitoring")).toMatchObject({ type: "lbstack:index:Monitoring", parent: "app" });
        expect(under("app-monitoring", "aws:cloudwatch/metricAlarm:MetricAlarm")).toEqual([
            "app-monitoring-5xx-rate", "app-monitoring-backup-no-healthy-hosts", "app-monitoring-backup-unhealthy-hosts",
            "app-monitoring-p99-latency", "app-monitoring-primary-no-healthy-hosts", "app-monitoring-primary-unhealthy-hosts",
        ]);
        for (const [type, names] of [
            ["aws:sns/topic:Topic", ["app-monitoring-topic"]],
            ["aws:kms/key:Key", ["app-monitoring-topic-key"]],
            ["aws:cloudwatch/eventRule:EventRule", ["app-monitoring-refresh-failed"]],
            ["aws:cloudwatch/dashboard:Dashboard", ["app-monitoring-dashboard"]],
            ["aws:s3/bucket:Bucket", ["app-monitoring-access-logs"]],
        ] as const) expect(under("app-monitoring", type)).toEqual(names);
        expect(named(run.resources, "app-primary-asg").inputs.instanceRefresh).toMatchObject({ strategy: "Rolling", preferences: { minHealthyPercentage: 90, maxHealthyPercentage: 110 } });
    });

    test("parents every resource under the stack component", () => {
        const byName = new Map(run.resources.map((r) => [r.name, r]));
        for (const r of run.resources) {
            let cur = r;
            while (cur.parent !== null) cur = byName.get(cur.parent)!;
            expect(cur.name).toBe("app");
        }
        expect(named(run.resources, "app").type).toBe("lbstack:index:LoadBalancedStack");
        expect(named(run.resources, "app-primary").type).toBe("lbstack:index:AppGroup");
        expect(named(run.resources, "app-lb").type).toBe("lbstack:index:LoadBalancer");
    });

    test("creates the VPC through awsx with 2 AZs and a single NAT gateway", () => {
        expect(named(run.resources, "app-network-vpc").inputs).toMatchObject({
            cidrBlock: "10.0.0.0/16", numberOfAvailabilityZones: 2, natGateways: { strategy: "Single" },
        });
    });

    test("target groups carry the fast health check defaults: 10 s interval, 5 s timeout, thresholds 2/2, 30 s drain", () => {
        for (const name of ["app-lb-primary", "app-lb-backup"]) {
            expect(named(run.resources, name).inputs).toMatchObject({
                port: 80, protocol: "HTTP", targetType: "instance", deregistrationDelay: 30,
                healthCheck: { enabled: true, path: "/", interval: 10, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200", port: "traffic-port" },
            });
        }
    });

    test("the listener forwards to both target groups with weights 90/10", () => {
        const listener = named(run.resources, "app-lb-listener");
        expect(listener.inputs).toMatchObject({ port: 80, protocol: "HTTP" });
        expect((listener.inputs as any).defaultActions).toEqual([{
            type: "forward",
            forward: { targetGroups: [
                { arn: "arn:mock:aws:lb/targetGroup:TargetGroup/app-lb-primary", weight: 90 },
                { arn: "arn:mock:aws:lb/targetGroup:TargetGroup/app-lb-backup", weight: 10 },
            ] },
        }]);
    });

    test("the ALB is internet-facing in the public subnets, drops invalid headers and mitigates desync", () => {
        expect(named(run.resources, "app-lb-lb").inputs).toMatchObject({
            loadBalancerType: "application", internal: false, dropInvalidHeaderFields: true,
            desyncMitigationMode: "defensive", idleTimeout: 60, enableDeletionProtection: false,
            subnets: ["subnet-public-0", "subnet-public-1"], securityGroups: ["app-lb-sg-id"],
        });
    });

    test("launch templates require IMDSv2, encrypt a 20 GiB gp3 root volume and give no public IP", () => {
        for (const role of ["primary", "backup"]) {
            const lt = named(run.resources, `app-${role}-lt`).inputs as any;
            expect(lt.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" });
            expect(lt.blockDeviceMappings).toEqual([{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }]);
            expect(lt.networkInterfaces[0]).toMatchObject({ associatePublicIpAddress: "false", securityGroups: [`app-${role}-sg-id`] });
            expect(lt.iamInstanceProfile).toEqual({ arn: `arn:mock:aws:iam/instanceProfile:InstanceProfile/app-${role}-profile` });
            expect(lt.instanceType).toBeUndefined();
        }
    });

    test("the AMI is the latest Amazon Linux 2023 looked up at deploy time, never a resolve:ssm: reference", () => {
        const lookups = run.calls.filter((c) => c.token === "aws:ssm/getParameter:getParameter").map((c) => c.inputs.name);
        expect(lookups).toEqual([
            "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
            "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
        ]);
        for (const lt of ofType(run.resources, T.lt)) {
            expect(JSON.stringify(lt.inputs.imageId ?? "")).not.toContain("resolve:ssm");
        }
    });

    test("groups use ELB health checks with a grace period, pin the template version and select types by attributes", () => {
        const asg = named(run.resources, "app-primary-asg");
        expect(asg.inputs).toMatchObject({
            minSize: 2, maxSize: 6, desiredCapacity: 2, healthCheckType: "ELB", healthCheckGracePeriod: 120,
            vpcZoneIdentifiers: ["subnet-private-0", "subnet-private-1"],
            targetGroupArns: ["arn:mock:aws:lb/targetGroup:TargetGroup/app-lb-primary"],
        });
        const mip = (asg.inputs as any).mixedInstancesPolicy;
        expect(mip.launchTemplate.launchTemplateSpecification).toEqual({ launchTemplateId: "app-primary-lt-id", version: "1" });
        expect(mip.launchTemplate.overrides).toEqual([{ instanceRequirements: {
            vcpuCount: { min: 2, max: 2 }, memoryMib: { min: 4096, max: 4096 }, cpuManufacturers: ["intel", "amd"],
            burstablePerformance: "excluded", instanceGenerations: ["current"],
        } }]);
        expect(asg.options.ignoreChanges).toEqual(["desiredCapacity"]);
        expect(named(run.resources, "app-backup-asg").inputs).toMatchObject({ minSize: 1, maxSize: 3, desiredCapacity: 1 });
    });

    test("the load balancer opens only its listener port; instances accept only the load balancer", () => {
        const lbIngress = ofType(run.resources, T.ingress).filter((r) => r.parent === "app-lb");
        expect(lbIngress.map((r) => r.inputs)).toEqual([expect.objectContaining({ securityGroupId: "app-lb-sg-id", cidrIpv4: "0.0.0.0/0", fromPort: 80, toPort: 80, ipProtocol: "tcp" })]);
        for (const role of ["primary", "backup"]) {
            const ingress = ofType(run.resources, T.ingress).filter((r) => r.parent === `app-${role}`);
            expect(ingress.map((r) => r.inputs)).toEqual([expect.objectContaining({
                securityGroupId: `app-${role}-sg-id`, referencedSecurityGroupId: "app-lb-sg-id", fromPort: 80, toPort: 80, ipProtocol: "tcp",
            })]);
            expect(ingress[0].inputs.cidrIpv4).toBeUndefined();
            const egress = ofType(run.resources, T.egress).filter((r) => r.parent === `app-${role}`).map((r) => r.inputs);
            expect(egress).toEqual(expect.arrayContaining([
                expect.objectContaining({ securityGroupId: "app-lb-sg-id", referencedSecurityGroupId: `app-${role}-sg-id`, fromPort: 80 }),
                expect.objectContaining({ securityGroupId: `app-${role}-sg-id`, cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443 }),
            ]));
            expect(egress).toHaveLength(2);
        }
    });

    test("instances get an SSM role instead of SSH keys", () => {
        expect(named(run.resources, "app-primary-ssm").inputs.policyArn).toBe("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
        expect((named(run.resources, "app-primary-lt").inputs as any).keyName).toBeUndefined();
    });

    test("every security group and rule has a description", () => {
        for (const r of [...ofType(run.resources, T.sg), ...ofType(run.resources, T.ingress), ...ofType(run.resources, T.egress)]) {
            expect(typeof r.inputs.description).toBe("string");
        }
    });
});
