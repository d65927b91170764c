import { baseArgs, named, ofType, planStack, T, withPatch } from "../helpers/stack";
import { autoScalingGroupArgs, instanceRequirements, instanceTypeArchitecture, launchTemplateArgs, parseStackSpec } from "../../packages/lbstack/src";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333";

describe("HTTPS with a certificate", () => {
    test("listens on 443 with a TLS 1.3 policy and redirects port 80 to HTTPS; the security group opens both", async () => {
        const run = await planStack(withPatch(baseArgs(), { loadBalancer: { listener: { certificateArn: CERT } } }), { preview: false });
        expect(named(run.resources, "app-lb-listener").inputs).toMatchObject({ port: 443, protocol: "HTTPS", certificateArn: CERT, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
        expect(named(run.resources, "app-lb-redirect").inputs).toMatchObject({
            port: 80, protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        });
        const ports = ofType(run.resources, T.ingress).filter((r) => r.parent === "app-lb").map((r) => r.inputs.fromPort as number).sort((a, b) => a - b);
        expect(ports).toEqual([80, 443]);
        await expect(new Promise((resolve) => run.stack.url.apply(resolve))).resolves.toBe("https://app-lb-lb.mock.elb.amazonaws.com");
    });
});

describe("routes", () => {
    test("become listener rules with path, host and header conditions forwarding to one group", async () => {
        const run = await planStack(withPatch(baseArgs(), { routes: [
            { target: "backup", paths: ["/backup/*"] },
            { target: "backup", headers: { "X-Backup": ["1", "true"] }, hosts: ["api.example.com"], priority: 5 },
        ] }), { preview: false });
        const rules = ofType(run.resources, T.rule);
        expect(rules.map((r) => r.name)).toEqual(["app-lb-route-0", "app-lb-route-1"]);
        expect(rules[0].inputs).toMatchObject({
            listenerArn: "arn:mock:aws:lb/listener:Listener/app-lb-listener", priority: 100,
            conditions: [{ pathPattern: { values: ["/backup/*"] } }],
            actions: [{ type: "forward", targetGroupArn: "arn:mock:aws:lb/targetGroup:TargetGroup/app-lb-backup" }],
        });
        expect(rules[1].inputs).toMatchObject({
            priority: 5,
            conditions: [{ hostHeader: { values: ["api.example.com"] } }, { httpHeader: { httpHeaderName: "X-Backup", values: ["1", "true"] } }],
        });
    });

    test("automatic priorities skip the ones given explicitly", () => {
        const spec = parseStackSpec(withPatch(baseArgs(), { routes: [{ target: "backup", paths: ["/a"], priority: 110 }, { target: "backup", paths: ["/b"] }, { target: "primary", paths: ["/c"] }] }));
        expect(spec.routes.map((r) => r.priority)).toEqual([110, 111, 120]);
    });
});

describe("your own VPC", () => {
    test("uses the given subnets (public for the ALB, private for the groups) and registers no VPC", async () => {
        const network = { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0000000a", "subnet-0000000b"], privateSubnetIds: ["subnet-0000000c", "subnet-0000000d"] };
        const run = await planStack(withPatch(baseArgs(), { network }), { preview: false });
        expect(ofType(run.resources, T.vpc)).toHaveLength(0);
        expect(named(run.resources, "app-lb-lb").inputs.subnets).toEqual(network.publicSubnetIds);
        expect(named(run.resources, "app-primary-asg").inputs.vpcZoneIdentifiers).toEqual(network.privateSubnetIds);
        expect(named(run.resources, "app-lb-primary").inputs.vpcId).toBe(network.vpcId);
    });

    test("only an internal load balancer without allowedCidrs looks up your VPC's CIDR", async () => {
        const network = { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0000000a", "subnet-0000000b"], privateSubnetIds: ["subnet-0000000c", "subnet-0000000d"] };
        const lookups = (run: { calls: { token: string }[] }) => run.calls.filter((c) => c.token === "aws:ec2/getVpc:getVpc").length;
        expect(lookups(await planStack(withPatch(baseArgs(), { network }), { preview: false }))).toBe(0);
        expect(lookups(await planStack(withPatch(baseArgs(), { network, loadBalancer: { internal: true } }), { preview: false }))).toBe(1);
        expect(lookups(await planStack(withPatch(baseArgs(), { network, loadBalancer: { internal: true, allowedCidrs: ["10.1.0.0/16"] } }), { preview: false }))).toBe(0);
    });

    test("an internal load balancer goes in the private subnets and admits only the VPC's CIDR by default", async () => {
        const run = await planStack(withPatch(baseArgs(), { network: { cidrBlock: "10.20.0.0/16" }, loadBalancer: { internal: true } }), { preview: false });
        expect(named(run.resources, "app-lb-lb").inputs).toMatchObject({ internal: true, subnets: ["subnet-private-0", "subnet-private-1"] });
        expect(ofType(run.resources, T.ingress).filter((r) => r.parent === "app-lb").map((r) => r.inputs.cidrIpv4)).toEqual(["10.20.0.0/16"]);
    });

    test("allowedCidrs replaces the world with the given sources, IPv6 included", async () => {
        const run = await planStack(withPatch(baseArgs(), { loadBalancer: { allowedCidrs: ["203.0.113.0/24", "2001:db8::/32"] } }), { preview: false });
        const rules = ofType(run.resources, T.ingress).filter((r) => r.parent === "app-lb").map((r) => r.inputs);
        expect(rules).toEqual([
            expect.objectContaining({ cidrIpv4: "203.0.113.0/24", fromPort: 80 }),
            expect.objectContaining({ cidrIpv6: "2001:db8::/32", fromPort: 80 }),
        ]);
    });
});

describe("a network load balancer", () => {
    test("uses TCP target groups with TCP health checks and no ALB-only settings", async () => {
        const run = await planStack(withPatch(baseArgs(), { loadBalancer: { type: "network" } }), { preview: false });
        expect(named(run.resources, "app-lb-lb").inputs).toMatchObject({ loadBalancerType: "network", enableCrossZoneLoadBalancing: false });
        expect(named(run.resources, "app-lb-lb").inputs.dropInvalidHeaderFields).toBeUndefined();
        const tg = named(run.resources, "app-lb-primary").inputs as any;
        expect(tg).toMatchObject({ protocol: "TCP", healthCheck: { protocol: "TCP", interval: 10 } });
        expect(tg.healthCheck.path).toBeUndefined();
        expect(tg.slowStart).toBeUndefined();
        expect(named(run.resources, "app-lb-listener").inputs).toMatchObject({ protocol: "TCP", port: 80 });
    });
});

describe("per-group overrides and transforms", () => {
    test("a group's instance override changes only that group's launch template", async () => {
        const run = await planStack(withPatch(baseArgs(), { backup: { instance: { storage: { sizeGiB: 50, type: "io2", iops: 5000 }, architecture: "arm64" } } }), { preview: false });
        expect((named(run.resources, "app-backup-lt").inputs as any).blockDeviceMappings[0].ebs).toMatchObject({ volumeSize: 50, volumeType: "io2", iops: 5000 });
        expect((named(run.resources, "app-primary-lt").inputs as any).blockDeviceMappings[0].ebs).toMatchObject({ volumeSize: 20, volumeType: "gp3" });
        expect(run.calls.filter((c) => c.token === "aws:ssm/getParameter:getParameter").map((c) => c.inputs.name)).toEqual([
            "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
            "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
        ]);
        const req = (named(run.resources, "app-backup-asg").inputs as any).mixedInstancesPolicy.launchTemplate.overrides[0].instanceRequirements;
        expect(req.cpuManufacturers).toEqual(["amazon-web-services"]);
    });

    test("transform changes the underlying resource's args (object merge and function)", async () => {
        const run = await planStack({ ...baseArgs(), transform: {
            launchTemplate: (args) => { args.keyName = "ops"; },
            loadBalancer: { enableDeletionProtection: true },
        } }, { preview: false });
        expect(named(run.resources, "app-primary-lt").inputs.keyName).toBe("ops");
        expect(named(run.resources, "app-backup-lt").inputs.keyName).toBe("ops");
        expect(named(run.resources, "app-lb-lb").inputs.enableDeletionProtection).toBe(true);
    });

    test("a transform that changes options changes only its own resource", async () => {
        const run = await planStack({ ...baseArgs(), transform: { securityGroup: (_args, opts) => { opts.protect = true; } } }, { preview: false });
        expect(named(run.resources, "app-primary-sg").options.protect).toBe(true);
        expect(named(run.resources, "app-backup-sg").options.protect).toBe(true);
        for (const sibling of ["app-primary-role", "app-primary-lt", "app-primary-profile", "app-backup-lt"]) {
            expect(named(run.resources, sibling).options.protect).toBeUndefined();
        }
    });

    test("nodes give direct access to the children", async () => {
        const run = await planStack(baseArgs(), { preview: false });
        const n = run.stack.nodes;
        await expect(new Promise((r) => n.primary.autoScalingGroup.maxSize.apply(r))).resolves.toBe(6);
        await expect(new Promise((r) => n.loadBalancer.targetGroups.backup.arn.apply(r))).resolves.toBe("arn:mock:aws:lb/targetGroup:TargetGroup/app-lb-backup");
    });
});

describe("pure spec-to-args helpers", () => {
    const spec = (patch: unknown) => parseStackSpec(withPatch(baseArgs(), patch)).groups.primary;
    const inputs = { imageId: "ami-0123456789abcdef0", securityGroupId: "sg-1", instanceProfileArn: "arn:aws:iam::1:instance-profile/p", tags: { a: "b" } };

    test("one pinned type goes into the launch template and the group launches it directly", () => {
        const g = spec({ instance: { instanceTypes: ["m7i.large"] } });
        expect(launchTemplateArgs(g.instance, inputs).instanceType).toBe("m7i.large");
        const asg = autoScalingGroupArgs(g, { subnetIds: ["s1", "s2"], targetGroupArn: "tg", launchTemplateId: "lt-1", launchTemplateVersion: "3", tags: {} });
        expect(asg.launchTemplate).toEqual({ id: "lt-1", version: "3" });
        expect(asg.mixedInstancesPolicy).toBeUndefined();
    });

    test("several pinned types become mixed-instances overrides in priority order", () => {
        const g = spec({ instance: { instanceTypes: ["m7i.large", "m6i.large"] } });
        const asg = autoScalingGroupArgs(g, { subnetIds: [], targetGroupArn: "tg", launchTemplateId: "lt-1", launchTemplateVersion: "3", tags: {} }) as any;
        expect(asg.mixedInstancesPolicy.launchTemplate.overrides).toEqual([{ instanceType: "m7i.large" }, { instanceType: "m6i.large" }]);
        expect(asg.mixedInstancesPolicy.instancesDistribution.onDemandAllocationStrategy).toBe("prioritized");
        expect(launchTemplateArgs(g.instance, inputs).instanceType).toBeUndefined();
    });

    test("instance requirements carry ranges, bandwidths and memory in MiB", () => {
        const g = spec({ instance: { vcpus: { min: 2, max: 8 }, memoryGiB: { min: 3.5 }, networkBandwidthGbps: { min: 5 }, ebsBandwidthMbps: { min: 1000, max: 5000 }, burstable: "included" } });
        expect(instanceRequirements(g.instance)).toEqual({
            vcpuCount: { min: 2, max: 8 }, memoryMib: { min: 3584 }, cpuManufacturers: ["intel", "amd"], burstablePerformance: "included",
            instanceGenerations: ["current"], networkBandwidthGbps: { min: 5 }, baselineEbsBandwidthMbps: { min: 1000, max: 5000 },
        });
    });

    test("storage IOPS and throughput, user data in base64, dedicated tenancy, opt-out of encryption", () => {
        const g = spec({ instance: { storage: { sizeGiB: 100, iops: 6000, throughputMiBps: 500, encrypted: false }, userData: "#!/bin/bash\necho hi", tenancy: "dedicated", metadataHopLimit: 2 } });
        const lt = launchTemplateArgs(g.instance, inputs) as any;
        expect(lt.blockDeviceMappings[0].ebs).toEqual({ volumeSize: 100, volumeType: "gp3", iops: 6000, throughput: 500, encrypted: "false", deleteOnTermination: "true" });
        expect(Buffer.from(lt.userData, "base64").toString()).toBe("#!/bin/bash\necho hi");
        expect(lt.placement).toEqual({ tenancy: "dedicated" });
        expect(lt.metadataOptions.httpPutResponseHopLimit).toBe(2);
    });

    test("instance type families map to their architecture", () => {
        const arch = Object.fromEntries(["m7g.large", "c7gn.xlarge", "r6gd.large", "t4g.micro", "is4gen.large", "hpc7g.4xlarge", "g5.xlarge", "g4dn.xlarge", "m7i-flex.large", "m7a.large", "c5.large"]
            .map((t) => [t, instanceTypeArchitecture(t)]));
        expect(arch).toEqual({
            "m7g.large": "arm64", "c7gn.xlarge": "arm64", "r6gd.large": "arm64", "t4g.micro": "arm64", "is4gen.large": "arm64", "hpc7g.4xlarge": "arm64",
            "g5.xlarge": "x86_64", "g4dn.xlarge": "x86_64", "m7i-flex.large": "x86_64", "m7a.large": "x86_64", "c5.large": "x86_64",
        });
    });

    test("a pinned AMI id is used as given, with no lookup", async () => {
        const run = await planStack(withPatch(baseArgs(), { instance: { image: { amiId: "ami-0123456789abcdef0" } } }), { preview: false });
        expect(named(run.resources, "app-primary-lt").inputs.imageId).toBe("ami-0123456789abcdef0");
        expect(run.calls.filter((c) => c.token === "aws:ssm/getParameter:getParameter")).toEqual([]);
    });
});
