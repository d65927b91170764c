import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * `lbstack plan` on the root project, run the way a user runs it: the built CLI in a child
 * process (`npm test` builds first). Five runs in all, started together in beforeAll; every
 * test reads their results.
 */

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "packages/lbstack/dist/cli/main.js");
const FIXTURES = path.join(ROOT, "test/fixtures");
const UNKNOWN = { $unknown: "known after deploy" };

interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
}

function lbstack(...args: string[]): Promise<CliRun> {
    return new Promise((resolve) => {
        execFile(process.execPath, [CLI, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
            resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
        });
    });
}

interface PlanJson {
    resources: { type: string; name: string; parent: string | null; custom: boolean; inputs: Record<string, any>; options: Record<string, unknown> }[];
    outputs: Record<string, unknown>;
    figures: Record<string, any>;
    warnings: { stack: string; code: string; path: string; message: string }[];
}

const diagramFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lbstack-plan-")), "architecture.md");
let json: CliRun;
let figuresRun: CliRun;
let text: CliRun;
let invalid: CliRun;
let missingProject: CliRun;
let plan: PlanJson;

beforeAll(async () => {
    [json, figuresRun, text, invalid, missingProject] = await Promise.all([
        lbstack("plan", "--json"),
        lbstack("plan", "--json", "--stack-config", path.join(FIXTURES, "Pulumi.figures.yaml"), "--config", "stack.backup.capacity.max=4"),
        lbstack("plan", "--diagram", diagramFile),
        lbstack("plan", "--stack-config", path.join(FIXTURES, "Pulumi.bad-timeout.yaml")),
        lbstack("plan", "--dir", path.join(FIXTURES, "no-such-project")),
    ]);
    plan = JSON.parse(json.stdout);
}, 60000);

/** The default stack's resources as sorted `[type, name]` pairs: adding or removing one must be a decision. */
const DEFAULT_RESOURCES: [string, string][] = [
    ["aws:autoscaling/group:Group", "app-backup-asg"],
    ["aws:autoscaling/group:Group", "app-primary-asg"],
    ["aws:autoscaling/policy:Policy", "app-backup-cpu-target"],
    ["aws:autoscaling/policy:Policy", "app-primary-cpu-target"],
    ["aws:cloudwatch/dashboard:Dashboard", "app-monitoring-dashboard"],
    ["aws:cloudwatch/eventRule:EventRule", "app-failover-alarm-events"],
    ["aws:cloudwatch/eventRule:EventRule", "app-monitoring-refresh-failed"],
    ["aws:cloudwatch/eventTarget:EventTarget", "app-failover-alarm-target"],
    ["aws:cloudwatch/eventTarget:EventTarget", "app-monitoring-refresh-failed-target"],
    ["aws:cloudwatch/logGroup:LogGroup", "app-failover-logs"],
    ["aws:cloudwatch/metricAlarm:MetricAlarm", "app-failover-backup-no-healthy"],
    ["aws:cloudwatch/metricAlarm:MetricAlarm", "app-failover-primary-no-healthy"],
    ["aws:cloudwatch/metricAlarm:MetricAlarm", "app-failover-stopped"],
    ["aws:cloudwatch/metricAlarm:MetricAlarm", "app-monitoring-5xx-rate"],
    ["aws:cloudwatch/metricAlarm:MetricAlarm", "app-monitoring-backup-no-healthy-hosts"],
    ["aws:cloudwatch/metricAlarm:MetricAlarm", "app-monitoring-backup-unhealthy-hosts"],
    ["aws:cloudwatch/metricAlarm:MetricAlarm", "app-monitoring-p99-latency"],
    ["aws:cloudwatch/metricAlarm:MetricAlarm", "app-monitoring-primary-no-healthy-hosts"],
    ["aws:cloudwatch/metricAlarm:MetricAlarm", "app-monitoring-primary-unhealthy-hosts"],
    ["aws:ec2/launchTemplate:LaunchTemplate", "app-backup-lt"],
    ["aws:ec2/launchTemplate:LaunchTemplate", "app-primary-lt"],
    ["aws:ec2/securityGroup:SecurityGroup", "app-backup-sg"],
    ["aws:ec2/securityGroup:SecurityGroup", "app-lb-sg"],
    ["aws:ec2/securityGroup:SecurityGroup", "app-primary-sg"],
    ["aws:iam/instanceProfile:InstanceProfile", "app-backup-profile"],
    ["aws:iam/instanceProfile:InstanceProfile", "app-primary-profile"],
    ["aws:iam/role:Role", "app-backup-role"],
    ["aws:iam/role:Role", "app-failover-role"],
    ["aws:iam/role:Role", "app-failover-scheduler-role"],
    ["aws:iam/role:Role", "app-primary-role"],
    ["aws:iam/rolePolicy:RolePolicy", "app-failover-policy"],
    ["aws:iam/rolePolicy:RolePolicy", "app-failover-scheduler-policy"],
    ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-backup-ssm"],
    ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-primary-ssm"],
    ["aws:kms/key:Key", "app-monitoring-topic-key"],
    ["aws:lambda/function:Function", "app-failover-function"],
    ["aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "app-failover-async"],
    ["aws:lambda/permission:Permission", "app-failover-alarm-invoke"],
    ["aws:lb/listener:Listener", "app-lb-listener"],
    ["aws:lb/loadBalancer:LoadBalancer", "app-lb-lb"],
    ["aws:lb/targetGroup:TargetGroup", "app-lb-backup"],
    ["aws:lb/targetGroup:TargetGroup", "app-lb-primary"],
    ["aws:s3/bucket:Bucket", "app-monitoring-access-logs"],
    ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "app-monitoring-access-logs-lifecycle"],
    ["aws:s3/bucketOwnershipControls:BucketOwnershipControls", "app-monitoring-access-logs-ownership"],
    ["aws:s3/bucketPolicy:BucketPolicy", "app-monitoring-access-logs-policy"],
    ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "app-monitoring-access-logs-public-access"],
    ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "app-monitoring-access-logs-encryption"],
    ["aws:scheduler/schedule:Schedule", "app-failover-schedule"],
    ["aws:sns/topic:Topic", "app-monitoring-topic"],
    ["aws:sns/topicPolicy:TopicPolicy", "app-monitoring-topic-policy"],
    ["aws:ssm/parameter:Parameter", "app-failover-state"],
    ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "app-backup-egress"],
    ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "app-backup-lb-to-app"],
    ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "app-primary-egress"],
    ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "app-primary-lb-to-app"],
    ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "app-backup-app-from-lb"],
    ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "app-lb-listener-in-0"],
    ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "app-primary-app-from-lb"],
    ["awsx:ec2:Vpc", "app-network-vpc"],
    ["lbstack:index:AppGroup", "app-backup"],
    ["lbstack:index:AppGroup", "app-primary"],
    ["lbstack:index:FailoverController", "app-failover"],
    ["lbstack:index:LoadBalancedStack", "app"],
    ["lbstack:index:LoadBalancer", "app-lb"],
    ["lbstack:index:Monitoring", "app-monitoring"],
    ["lbstack:index:Network", "app-network"],
];

describe("lbstack plan --json on the root project with no config", () => {
    test("exits 0 and prints only the JSON report on stdout", () => {
        expect(json.code).toBe(0);
        expect(() => JSON.parse(json.stdout)).not.toThrow();
        expect(Object.keys(plan)).toEqual(expect.arrayContaining(["resources", "figures", "warnings"]));
    });

    test("registers exactly the default stack's resources (type and name)", () => {
        const pairs = plan.resources.map((r) => [r.type, r.name]).sort(([t1, n1], [t2, n2]) => t1.localeCompare(t2) || n1.localeCompare(n2));
        expect(pairs).toEqual(DEFAULT_RESOURCES);
    });

    test("gives every resource its type, name, parent name and inputs; children name their parent", () => {
        for (const r of plan.resources) {
            expect(r).toEqual(expect.objectContaining({ type: expect.any(String), name: expect.any(String), inputs: expect.any(Object) }));
        }
        const parentOf = (name: string) => plan.resources.find((r) => r.name === name)?.parent;
        expect(parentOf("app")).toBeNull();
        expect(parentOf("app-lb")).toBe("app");
        expect(parentOf("app-lb-listener")).toBe("app-lb");
        expect(parentOf("app-primary-asg")).toBe("app-primary");
    });

    test("marks values only AWS knows as unknown instead of inventing them", () => {
        const listener = plan.resources.find((r) => r.name === "app-lb-listener")!;
        expect(listener.inputs.loadBalancerArn).toEqual(UNKNOWN);
        expect(listener.inputs.port).toBe(80);
        expect(plan.resources.find((r) => r.name === "app-primary-lt")!.inputs.imageId).toEqual(UNKNOWN);
        expect(plan.outputs).toEqual({ url: UNKNOWN, dnsName: UNKNOWN, primaryGroupName: UNKNOWN, backupGroupName: UNKNOWN });
    });

    test("builds the documented default: 2 vCPU / 4 GiB, encrypted 20 GiB gp3, /health, demo server per group, access logs deleted on destroy", () => {
        const lt = plan.resources.find((r) => r.name === "app-primary-lt")!.inputs;
        // The README's `pulumi destroy # delete everything` holds only if the access-log bucket may be emptied.
        expect(plan.resources.find((r) => r.name === "app-monitoring-access-logs")!.inputs.forceDestroy).toBe(true);
        expect(lt.blockDeviceMappings[0].ebs).toMatchObject({ volumeSize: 20, volumeType: "gp3", encrypted: "true" });
        expect(plan.resources.find((r) => r.name === "app-lb-primary")!.inputs.healthCheck.path).toBe("/health");
        for (const group of ["primary", "backup"]) {
            const script = Buffer.from(plan.resources.find((r) => r.name === `app-${group}-lt`)!.inputs.userData, "base64").toString("utf8");
            expect(script).toContain(`FALLBACK_GROUP = "${group}"`);
            expect(script).toContain("systemctl enable --now lbstack-demo.service");
        }
    });

    test("reports the default figures: 20 s detection and recovery, 30 s drain, 2–6 and 1–3 instances, 90/10", () => {
        expect(plan.figures.groups.primary).toMatchObject({
            failureDetectionSeconds: 20, recoverySeconds: 20, drainSeconds: 30,
            capacity: { min: 2, max: 6 }, vcpus: { min: 4, max: 12 }, memoryGiB: { min: 8, max: 24 },
        });
        expect(plan.figures.groups.backup).toMatchObject({ capacity: { min: 1, max: 3 }, vcpus: { min: 2, max: 6 }, memoryGiB: { min: 4, max: 12 } });
        expect(plan.figures.traffic).toEqual({ primary: 90, backup: 10 });
        expect(plan.figures.resourceCount).toBe(DEFAULT_RESOURCES.length);
    });

    test("warns about the defaults that are not production settings, each naming its field", () => {
        expect(plan.warnings.map((w) => w.path)).toEqual(expect.arrayContaining([
            "network.natGateways", "loadBalancer.deletionProtection", "loadBalancer.allowedCidrs", "loadBalancer.listener.protocol",
        ]));
        for (const w of plan.warnings) expect(w).toEqual({ stack: "app", code: expect.any(String), path: expect.any(String), message: expect.any(String) });
    });
});

describe("lbstack plan with a stack config file and a --config path", () => {
    test("computes the figures of the configured values", () => {
        expect(figuresRun.stderr).toBe("");
        expect(figuresRun.code).toBe(0);
        const figures = JSON.parse(figuresRun.stdout).figures;
        // primary: interval 15 × unhealthy 3 = 45, × healthy 4 = 60; 3–9 instances of 2–4 vCPU and 4–16 GiB.
        // Scale out cold: launch 45 + boot 60 + warmup 120 + 60 = 285 (warm pool start 30 instead of 105: 210);
        // deploy: 3 instances one at a time (90–110 % of 3) × (285 + 45 drain) = 990.
        expect(figures.groups.primary).toEqual({
            failureDetectionSeconds: 45, recoverySeconds: 60, drainSeconds: 45,
            capacity: { min: 3, max: 9 }, vcpus: { min: 6, max: 36 }, memoryGiB: { min: 12, max: 144 },
            deploySeconds: 990, scaleOutSeconds: { cold: 285, warm: 210, expected: 285 },
        });
        // backup: 5 × 2 both ways, no drain; max 4 from --config; memory has no max, so 4 × 0.5.
        expect(figures.groups.backup).toEqual({
            failureDetectionSeconds: 10, recoverySeconds: 10, drainSeconds: 0,
            capacity: { min: 1, max: 4 }, vcpus: { min: 1, max: 4 }, memoryGiB: { min: 0.5, max: 2 },
            deploySeconds: 235, scaleOutSeconds: { cold: 235, warm: 160, expected: 235 },
        });
        expect(figures.traffic).toEqual({ primary: 66.7, backup: 33.3 });
    });
});

describe("lbstack plan with an invalid value", () => {
    test("exits 2 with one 'path (value): message' line per problem on stderr, naming the field", () => {
        expect(invalid.code).toBe(2);
        const lines = invalid.stderr.trimEnd().split("\n");
        for (const line of lines) expect(line).toMatch(/^[\w.[\]]+ \(.+\): \S.*$/);
        expect(lines).toContain("primary.healthCheck.timeoutSeconds (400): must be between 2 and 120 seconds");
    });

    test("prints nothing on stdout", () => {
        expect(invalid.stdout).toBe("");
    });
});

describe("lbstack plan when the project cannot be loaded", () => {
    test("exits 1 with the cause on stderr and nothing on stdout", () => {
        expect(missingProject.code).toBe(1);
        expect(missingProject.stderr).toContain(`cannot read the project file ${path.join(FIXTURES, "no-such-project", "Pulumi.yaml")}`);
        expect(missingProject.stdout).toBe("");
    });
});

describe("lbstack plan for people (no --json) with --diagram", () => {
    test("prints the resource tree by parent, the figures table and one line per warning", () => {
        expect(text.code).toBe(0);
        const lines = text.stdout.split("\n");
        const indent = (name: string) => {
            const line = lines.find((l) => l.trimEnd().endsWith(` ${name}`))!;
            return line.length - line.trimStart().length;
        };
        expect(indent("app-lb")).toBeGreaterThan(indent("app"));
        expect(indent("app-lb-listener")).toBeGreaterThan(indent("app-lb"));
        expect(lines.find((l) => l.trimEnd().endsWith(" app-lb-listener"))).toContain("aws:lb/listener:Listener");
        expect(lines).toContainEqual(expect.stringMatching(/^failure detection \(s\)\s+20\s+20$/));
        expect(lines).toContainEqual(expect.stringMatching(/^traffic \(%\)\s+90\s+10$/));
        expect(lines.filter((l) => l.startsWith("warning: app: "))).toHaveLength(JSON.parse(json.stdout).warnings.length);
    });

    test("writes a Mermaid flowchart from clients through listener, weighted target groups and groups, in the VPC", () => {
        const diagram = fs.readFileSync(diagramFile, "utf8");
        expect(diagram.startsWith("```mermaid\nflowchart LR\n")).toBe(true);
        expect(diagram).toContain("VPC (new) 10.0.0.0/16");
        expect(diagram).toContain('s0_listener -->|"default: weight 90 (90%)"| s0_primary_tg');
        expect(diagram).toContain("2–6 instances × 2 vCPU / 4 GiB");
    });
});
