import * as fs from "fs";
import * as path from "path";
import { EXAMPLES, listenerWeights, ofType, PlanJson, planExample, resource } from "./plan-examples";

/**
 * Every example in the gallery, planned through the real `lbstack plan --json` as a user would
 * run it, and checked for what makes it that example. The plans run in parallel child processes
 * (one Pulumi mock runtime each) in beforeAll.
 */

const T = {
    vpc: "awsx:ec2:Vpc",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    controller: "lbstack:index:FailoverController",
    lambda: "aws:lambda/function:Function",
    schedule: "aws:scheduler/schedule:Schedule",
    hook: "aws:autoscaling/lifecycleHook:LifecycleHook",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
} as const;

const AMI = { current: "ami-0123456789abcdef0", canary: "ami-0fedcba9876543210" };
const CANARY_AMIS = [`image=${AMI.current}`, `canaryImage=${AMI.canary}`];
const OWN_NETWORK = {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    privateSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
};
const CERTIFICATE = "arn:aws:acm:us-east-1:111122223333:certificate/8b9e7c1a-2f4d-4e6b-9a3c-5d7e1f2a4b6c";

/** Every plan the tests read, by label: [example, --config flags]. */
const RUNS = {
    quickstart: ["quickstart", []],
    canary50: ["weighted-canary", [...CANARY_AMIS, "canaryWeight=50"]],
    promoted: ["weighted-canary", [...CANARY_AMIS, "canaryWeight=100", "promoted=true"]],
    routes: ["backup-routes", []],
    ownVpc: ["existing-vpc", [
        `vpcId=${OWN_NETWORK.vpcId}`,
        ...OWN_NETWORK.publicSubnetIds.map((s, i) => `publicSubnetIds[${i}]=${s}`),
        ...OWN_NETWORK.privateSubnetIds.map((s, i) => `privateSubnetIds[${i}]=${s}`),
    ]],
    https: ["https", [`certificateArn=${CERTIFICATE}`]],
    activePassive: ["active-passive", []],
    pinned: ["active-passive", ["pin=backup"]],
    scheduled: ["scheduled-scaling", []],
} as const satisfies Record<string, readonly [string, readonly string[]]>;

type Label = keyof typeof RUNS;
const plans = {} as Record<Label, PlanJson>;
let badCanaryWeight: Error | undefined;

beforeAll(async () => {
    const labels = Object.keys(RUNS) as Label[];
    const results = await Promise.all(labels.map((label) => planExample(RUNS[label][0], [...RUNS[label][1]])));
    labels.forEach((label, i) => { plans[label] = results[i]; });
    badCanaryWeight = await planExample("weighted-canary", ["canaryWeight=150"]).then(() => undefined, (e: Error) => e);
}, 60000);

/** The user data of a launch template, decoded. */
function userData(plan: PlanJson, name: string): string {
    return Buffer.from(resource(plan, name).inputs.userData as string, "base64").toString("utf8");
}

function healthCheckPaths(plan: PlanJson): string[] {
    return ["app-lb-primary", "app-lb-backup"].map((n) => resource(plan, n).inputs.healthCheck.path);
}

describe("the gallery", () => {
    test("every example passes every mandatory lbstack policy", () => {
        const findings = (Object.keys(plans) as Label[]).flatMap((label) =>
            plans[label].policy.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${label}: ${v.policyName} on ${v.resourceName}`));
        expect(findings).toEqual([]);
        expect(Object.keys(plans).length).toBeGreaterThanOrEqual(6);
    });

    test("every example is a self-contained Pulumi project: Pulumi.yaml (nodejs), index.ts, package.json, tsconfig.json, README.md", () => {
        const examples = fs.readdirSync(EXAMPLES).filter((d) => fs.existsSync(path.join(EXAMPLES, d, "Pulumi.yaml")));
        const planned = new Set(Object.values(RUNS).map(([name]) => name));
        expect(examples.filter((e) => e !== "github-actions").sort()).toEqual([...planned].sort());
        for (const name of planned) {
            const dir = path.join(EXAMPLES, name);
            for (const file of ["index.ts", "package.json", "tsconfig.json", "README.md"]) expect(fs.existsSync(path.join(dir, file))).toBe(true);
            expect(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
            const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
            expect(pkg.dependencies).toEqual({ "lbstack": "^0.1.0", "@pulumi/pulumi": "^3.248.0" });
            expect(fs.readFileSync(path.join(dir, "index.ts"), "utf8")).toMatch(/import \{[^}]*\bLoadBalancedStack\b[^}]*\} from "lbstack"/);
        }
    });

    test("every README says how to deploy and shows the plan command", () => {
        for (const name of new Set(Object.values(RUNS).map(([n]) => n))) {
            const readme = fs.readFileSync(path.join(EXAMPLES, name, "README.md"), "utf8");
            for (const step of ["npm install", "pulumi stack init dev", "pulumi config set aws:region us-east-1", "pulumi up", `lbstack plan --dir examples/${name}`]) {
                expect({ name, has: readme.includes(step) ? step : undefined }).toEqual({ name, has: step });
            }
        }
    });
});

describe("quickstart", () => {
    test("builds a new VPC, one HTTP listener on port 80 sharing requests 90/10, no routes, and the failover controller", () => {
        const plan = plans.quickstart;
        expect(ofType(plan, T.vpc)).toHaveLength(1);
        expect(ofType(plan, T.listener)).toHaveLength(1);
        expect(resource(plan, "app-lb-listener").inputs).toMatchObject({ port: 80, protocol: "HTTP" });
        expect(listenerWeights(plan)).toEqual([90, 10]);
        expect(plan.figures.traffic).toEqual({ primary: 90, backup: 10 });
        expect(ofType(plan, T.rule)).toHaveLength(0);
        expect(ofType(plan, T.controller)).toHaveLength(1);
    });

    test("its instances run the demo web server of their own group, health-checked on /health", () => {
        expect(userData(plans.quickstart, "app-primary-lt")).toContain("lbstack demo web server (primary group)");
        expect(userData(plans.quickstart, "app-backup-lt")).toContain("lbstack demo web server (backup group)");
        expect(healthCheckPaths(plans.quickstart)).toEqual(["/health", "/health"]);
    });

    test("can be destroyed after it has run: the access-log bucket is deleted with its logs", () => {
        expect(resource(plans.quickstart, "app-monitoring-access-logs").inputs.forceDestroy).toBe(true);
    });

    test("keeps the library's default capacities: primary 2–6, backup 1–3", () => {
        expect(plans.quickstart.figures.groups.primary.capacity).toEqual({ min: 2, max: 6 });
        expect(plans.quickstart.figures.groups.backup.capacity).toEqual({ min: 1, max: 3 });
    });
});

describe("weighted-canary", () => {
    test("the backup group runs the canary image and the primary the current one", () => {
        expect(resource(plans.canary50, "app-primary-lt").inputs.imageId).toBe(AMI.current);
        expect(resource(plans.canary50, "app-backup-lt").inputs.imageId).toBe(AMI.canary);
    });

    test("canaryWeight from config is the backup group's share of requests, the primary gets the rest", () => {
        expect(listenerWeights(plans.canary50)).toEqual([50, 50]);
        expect(plans.canary50.figures.traffic).toEqual({ primary: 50, backup: 50 });
        expect(plans.canary50.outputs.canaryPercent).toBe(50);
    });

    test("promoted: both groups run the new image and the weights go back to 90/10", () => {
        expect(resource(plans.promoted, "app-primary-lt").inputs.imageId).toBe(AMI.canary);
        expect(resource(plans.promoted, "app-backup-lt").inputs.imageId).toBe(AMI.canary);
        expect(listenerWeights(plans.promoted)).toEqual([90, 10]);
        expect(plans.promoted.outputs.canaryPercent).toBeNull();
    });

    test("a canaryWeight outside 0–100 is refused, naming the config key and the value", () => {
        expect(badCanaryWeight?.message).toMatch(/exited 1/);
        expect(badCanaryWeight?.message).toContain("canaryWeight (150) must be a whole number of percent from 0 to 100");
    });
});

describe("backup-routes", () => {
    test("routes /backup/* to the backup group", () => {
        const rule = resource(plans.routes, "app-lb-route-0");
        expect(rule.inputs.conditions).toEqual([{ pathPattern: { values: ["/backup/*"] } }]);
        expect(rule.inputs.tags["lbstack:route-target"]).toBe("backup");
    });

    test("routes requests with X-Backup: 1 to the backup group, as a separate rule (path OR header)", () => {
        const rule = resource(plans.routes, "app-lb-route-1");
        expect(rule.inputs.conditions).toEqual([{ httpHeader: { httpHeaderName: "X-Backup", values: ["1"] } }]);
        expect(rule.inputs.tags["lbstack:route-target"]).toBe("backup");
        expect(ofType(plans.routes, T.rule)).toHaveLength(2);
    });

    test("sends everything else to the primary group (weights 100/0)", () => {
        expect(listenerWeights(plans.routes)).toEqual([100, 0]);
        expect(plans.routes.figures.traffic).toEqual({ primary: 100, backup: 0 });
    });
});

describe("existing-vpc", () => {
    test("creates no VPC and puts the load balancer in the public subnets it was given", () => {
        expect(ofType(plans.ownVpc, T.vpc)).toHaveLength(0);
        expect(resource(plans.ownVpc, "app-lb-lb").inputs.subnets).toEqual(OWN_NETWORK.publicSubnetIds);
    });

    test("puts both groups in the private subnets it was given, and the target groups and security groups in its VPC", () => {
        for (const asg of ["app-primary-asg", "app-backup-asg"]) {
            expect(resource(plans.ownVpc, asg).inputs.vpcZoneIdentifiers).toEqual(OWN_NETWORK.privateSubnetIds);
        }
        for (const name of ["app-lb-primary", "app-lb-backup", "app-lb-sg", "app-primary-sg", "app-backup-sg"]) {
            expect(resource(plans.ownVpc, name).inputs.vpcId).toBe(OWN_NETWORK.vpcId);
        }
    });

});

describe("https", () => {
    test("listens with HTTPS on 443 with the certificate from config and a TLS 1.3 security policy", () => {
        expect(resource(plans.https, "app-lb-listener").inputs).toMatchObject({ port: 443, protocol: "HTTPS", certificateArn: CERTIFICATE });
        expect(resource(plans.https, "app-lb-listener").inputs.sslPolicy).toMatch(/^ELBSecurityPolicy-TLS13-/);
    });

    test("redirects HTTP on port 80 to HTTPS with a 301", () => {
        expect(resource(plans.https, "app-lb-redirect").inputs).toMatchObject({
            port: 80, protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }],
        });
    });

    test("opens only ports 443 and 80 on the load balancer", () => {
        const ports = ["app-lb-listener-in-0", "app-lb-redirect-in-0"].map((n) => resource(plans.https, n).inputs.fromPort);
        expect(ports).toEqual([443, 80]);
    });
});

describe("active-passive", () => {
    test("sends every request to the primary group: weights 100/0", () => {
        expect(listenerWeights(plans.activePassive)).toEqual([100, 0]);
        expect(plans.activePassive.figures.traffic).toEqual({ primary: 100, backup: 0 });
    });

    test("registers the failover controller: a Lambda run every minute and a no-healthy-host alarm per group, no lifecycle hook", () => {
        const plan = plans.activePassive;
        expect(ofType(plan, T.controller).map((r) => r.name)).toEqual(["app-failover"]);
        expect(ofType(plan, T.lambda).map((r) => r.name)).toEqual(["app-failover-function"]);
        expect(resource(plan, "app-failover-schedule").inputs.scheduleExpression).toBe("rate(1 minute)");
        // A terminate hook would only delay scale-ins: AWS drains the instance before the hook runs.
        expect(ofType(plan, T.hook)).toEqual([]);
        expect(resource(plan, "app-failover-primary-no-healthy").inputs).toMatchObject({ metricName: "HealthyHostCount", threshold: 1 });
        expect(resource(plan, "app-failover-backup-no-healthy").inputs).toMatchObject({ metricName: "HealthyHostCount", threshold: 1 });
    });

    test("the plan models the README's timeline: floor 20 s, failover 38 s, failback 71 s, poll 5 s, poll gap 8 s, settle 30 s", () => {
        expect(plans.activePassive.figures.failover).toMatchObject({
            floorSeconds: 20, failoverSeconds: 38, failbackSeconds: 71, pollSeconds: 5, pollGapSeconds: 8, settleSeconds: 30,
        });
        const readme = fs.readFileSync(path.join(EXAMPLES, "active-passive/README.md"), "utf8");
        expect(readme).toMatch(/\| N × I \+ T \+ G \+ A \| 38 \|/);
        expect(readme).toMatch(/\| H × I \+ G \+ S \+ G \+ A \| 71 \|/);
    });

    test("leaves the live routing to the controller: Pulumi ignores later changes to the listener's default action", () => {
        expect(resource(plans.activePassive, "app-lb-listener").options.ignoreChanges).toEqual(["defaultActions"]);
    });

    test("pin=backup from config sends all traffic to the backup group", () => {
        expect(listenerWeights(plans.pinned)).toEqual([0, 100]);
    });
});
