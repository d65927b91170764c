import * as fs from "fs";
import * as path from "path";
import { baseArgs, named, ofType, planInvalid, planStack, withPatch } from "../helpers/stack";
import type { PlanRun } from "../../packages/lbstack/src/plan/mock-runtime";
import { parseFailoverConfig } from "../../packages/lbstack/src/failover/controller-config";
import { CONTROLLER_RUNTIME_FILES, controllerRuntimeDir, MAXIMUM_EVENT_AGE_SECONDS } from "../../packages/lbstack/src/failover/controller";
import { failoverFigures, resolveFailover } from "../../packages/lbstack/src/failover/schema";
import { MAX_FAILOVER_ROUTES } from "../../packages/lbstack/src/failover/config-size";
import { parseStackSpec } from "../../packages/lbstack/src";

const LAMBDA = "aws:lambda/function:Function";
const ROUTES = [{ target: "backup", paths: ["/backup/*"] }, { target: "primary", hosts: ["www.example.com"] }];

/** ARNs of the shape AWS gives, for the load balancer's listener, rules and target groups. */
const ELB = "arn:aws:elasticloadbalancing:us-east-1:123456789012";
const LISTENER = `${ELB}:listener/app/app-lb-1a2b3c4/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const RULES = `${ELB}:listener-rule/app/app-lb-1a2b3c4/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const RULE_IDS: Record<string, string> = { "app-lb-route-0": "9683b2d02a6cabee", "app-lb-route-1": "1a2b3c4d5e6f7a8b" };
function realisticArns(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> | undefined {
    const arn = type === "aws:lb/listener:Listener" && name === "app-lb-listener" ? LISTENER
        : type === "aws:lb/listenerRule:ListenerRule" ? `${RULES}/${RULE_IDS[name]}`
        : type === "aws:lb/targetGroup:TargetGroup" ? `${ELB}:targetgroup/${name}/${name.endsWith("primary") ? "73e2d6bc24d8a067" : "83e2d6bc24d8a067"}`
        : undefined;
    return arn === undefined ? undefined : { ...inputs, arn, name: inputs.name ?? name };
}

function configOf(run: PlanRun) {
    return parseFailoverConfig((named(run.resources, "app-failover-function").inputs as any).environment.variables.LBSTACK_FAILOVER_CONFIG);
}

describe("the failover controller of the default stack", () => {
    let run: PlanRun;
    beforeAll(async () => {
        run = await planStack(withPatch(baseArgs(), { routes: ROUTES }), { preview: false, state: realisticArns });
    });

    test("is a Lambda on arm64 Node.js 22 with reserved concurrency 1, started every minute by EventBridge Scheduler", () => {
        expect(named(run.resources, "app-failover-function").inputs).toMatchObject({
            runtime: "nodejs22.x", architectures: ["arm64"], handler: "handler.handler", timeout: 60, reservedConcurrentExecutions: 1,
        });
        expect(named(run.resources, "app-failover-schedule").inputs).toMatchObject({
            scheduleExpression: "rate(1 minute)", flexibleTimeWindow: { mode: "OFF" },
            target: { arn: "arn:mock:aws:lambda/function:Function/app-failover-function", roleArn: "arn:mock:aws:iam/role:Role/app-failover-scheduler-role" },
        });
        expect(named(run.resources, "app-failover").parent).toBe("app");
    });

    test("ships the compiled handler and its sibling modules, nothing else", () => {
        const code = named(run.resources, "app-failover-function").inputs.code as any;
        expect(code.entries.sort()).toEqual([...CONTROLLER_RUNTIME_FILES].sort());
    });

    test("gets the configured weights, thresholds, routes and groups as its input", () => {
        const config = configOf(run);
        expect(config).toMatchObject({
            listenerArn: LISTENER,
            weights: { primary: 90, backup: 10 },
            minHealthy: { primary: { count: 1 }, backup: { count: 1 } },
            settleSeconds: 30, pollSeconds: 5,
            autoScalingGroups: {
                primary: { name: "app-primary-asg", desiredCapacity: 2, maxSize: 6 },
                backup: { name: "app-backup-asg", desiredCapacity: 1, maxSize: 3 },
            },
        });
        expect(config.autoScalingGroups.primary).not.toHaveProperty("lifecycleHookName");
        expect(config.mayOverlap).toBeUndefined();
        // Stored as rule ids and rebuilt from the listener's ARN by the handler's parser.
        expect(config.routes).toEqual([
            { ruleArn: `${RULES}/1a2b3c4d5e6f7a8b`, target: "primary" }, { ruleArn: `${RULES}/9683b2d02a6cabee`, target: "backup" },
        ]);
        const env = (named(run.resources, "app-failover-function").inputs as any).environment.variables.LBSTACK_FAILOVER_CONFIG as string;
        expect(JSON.parse(env).routes).toEqual({ primary: "1a2b3c4d5e6f7a8b", backup: "9683b2d02a6cabee" });
        expect(env).not.toContain("listener-rule");
    });

    test("drops an asynchronous event it could not run within 60 s instead of retrying it for hours, and never retries a failed one", () => {
        expect(MAXIMUM_EVENT_AGE_SECONDS).toBe(60); // the lowest AWS allows
        expect(named(run.resources, "app-failover-async").inputs).toMatchObject({
            functionName: "app-failover-function", maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60,
        });
    });

    test("is the one owner of the live routing: Pulumi ignores later changes to the listener's and rules' actions", () => {
        expect(named(run.resources, "app-lb-listener").options.ignoreChanges).toEqual(["defaultActions"]);
        expect(named(run.resources, "app-lb-route-0").options.ignoreChanges).toEqual(["actions"]);
        expect(named(run.resources, "app-failover-state").options.ignoreChanges).toEqual(["value"]);
    });

    test("may write only this stack's listener and its rules, groups and state; describe calls use *", () => {
        const policy = JSON.parse(named(run.resources, "app-failover-policy").inputs.policy as string);
        const bySid = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
        expect(bySid.Describe.Resource).toBe("*");
        expect(bySid.Describe.Action.every((a: string) => /:Describe/.test(a))).toBe(true);
        expect(bySid.WriteRouting).toMatchObject({ Action: ["elasticloadbalancing:ModifyListener"], Resource: [LISTENER] });
        // One wildcard for the rules of this listener (load balancer, its id, the listener's id), not one ARN a route.
        expect(bySid.WriteRoutes).toMatchObject({ Action: ["elasticloadbalancing:ModifyRule"], Resource: [`${RULES}/*`] });
        expect(bySid.Scale).toEqual({
            Sid: "Scale", Effect: "Allow", Action: ["autoscaling:SetDesiredCapacity"],
            Resource: ["arn:mock:aws:autoscaling/group:Group/app-primary-asg", "arn:mock:aws:autoscaling/group:Group/app-backup-asg"],
        });
        expect(JSON.stringify(policy)).not.toContain("CompleteLifecycleAction");
        expect(bySid.State.Resource).toEqual(["arn:mock:aws:ssm/parameter:Parameter/app-failover-state"]);
        for (const s of policy.Statement.filter((x: any) => x.Sid !== "Describe")) expect(s.Resource).not.toContain("*");
    });

    test("a stack without routes may modify no rule", async () => {
        const plain = await planStack(baseArgs(), { preview: false, state: realisticArns });
        const policy = JSON.parse(named(plain.resources, "app-failover-policy").inputs.policy as string);
        expect(policy.Statement.map((s: any) => s.Sid)).not.toContain("WriteRoutes");
        expect(JSON.stringify(policy)).not.toContain("ModifyRule");
    });

    test("registers no lifecycle hook and no terminate event rule: AWS drains a terminating instance before a hook could act", () => {
        const types = run.resources.map((r) => r.type);
        expect(types).not.toContain("aws:autoscaling/lifecycleHook:LifecycleHook");
        const ofController = (type: string) => run.resources.filter((r) => r.type === type && r.name.startsWith("app-failover-")).map((r) => r.name);
        expect(ofController("aws:cloudwatch/eventRule:EventRule")).toEqual(["app-failover-alarm-events"]);
        expect(ofController("aws:cloudwatch/eventTarget:EventTarget")).toEqual(["app-failover-alarm-target"]);
        expect(ofController("aws:lambda/permission:Permission")).toEqual(["app-failover-alarm-invoke"]);
    });

    test("a HealthyHostCount backstop alarm per group starts the controller, and an alarm fires when the controller stops", () => {
        expect(named(run.resources, "app-failover-primary-no-healthy").inputs).toMatchObject({
            namespace: "AWS/ApplicationELB", metricName: "HealthyHostCount", threshold: 1, comparisonOperator: "LessThanThreshold", period: 60,
        });
        expect(JSON.parse(named(run.resources, "app-failover-alarm-events").inputs.eventPattern as string).detail.alarmName).toHaveLength(2);
        expect(named(run.resources, "app-failover-stopped").inputs).toMatchObject({ evaluationPeriods: 3, threshold: 1, treatMissingData: "breaching" });
    });
});

describe("without reserved concurrency (traffic.failover.reservedConcurrency: false)", () => {
    test("the function reserves none, and the handler is told that runs may overlap", async () => {
        const run = await planStack(withPatch(baseArgs(), { traffic: { failover: { reservedConcurrency: false } } }), { preview: false, state: realisticArns });
        expect(named(run.resources, "app-failover-function").inputs).not.toHaveProperty("reservedConcurrentExecutions");
        expect(configOf(run).mayOverlap).toBe(true);
    });

    test("reserving is the default", () => {
        expect(parseStackSpec(baseArgs()).traffic.failover).toMatchObject({ reservedConcurrency: true });
        expect(parseStackSpec(withPatch(baseArgs(), { traffic: { failover: { reservedConcurrency: false } } })).traffic.failover).toMatchObject({ reservedConcurrency: false });
    });
});

describe("without failover", () => {
    test("no controller is registered and Pulumi owns the listener's actions", async () => {
        const run = await planStack(withPatch(baseArgs(), { traffic: { failover: false } }), { preview: false });
        expect(ofType(run.resources, LAMBDA)).toEqual([]);
        expect(run.resources.filter((r) => r.name.startsWith("app-failover"))).toEqual([]);
        expect(named(run.resources, "app-lb-listener").options.ignoreChanges).toBeUndefined();
    });

    test("a pin sends the default action and every route to the pinned group", async () => {
        const run = await planStack(withPatch(baseArgs(), { traffic: { failover: false, pin: "backup" }, routes: ROUTES }), { preview: false });
        expect((named(run.resources, "app-lb-listener").inputs as any).defaultActions[0].forward.targetGroups.map((t: any) => t.weight)).toEqual([0, 100]);
        for (const rule of ["app-lb-route-0", "app-lb-route-1"]) {
            expect((named(run.resources, rule).inputs as any).actions[0].targetGroupArn).toBe("arn:mock:aws:lb/targetGroup:TargetGroup/app-lb-backup");
        }
    });
});

test("the Lambda's files exist after the build and import only each other and the AWS SDK", () => {
    const dir = controllerRuntimeDir();
    for (const file of CONTROLLER_RUNTIME_FILES) {
        const text = fs.readFileSync(path.join(dir, file), "utf8");
        for (const [, mod] of text.matchAll(/require\("([^"]+)"\)/g)) {
            if (mod.startsWith(".")) expect(CONTROLLER_RUNTIME_FILES).toContain(path.basename(mod) + ".js");
            else expect(mod).toMatch(/^@aws-sdk\/client-(elastic-load-balancing-v2|auto-scaling|ssm)$/);
        }
    }
});

describe("failover figures", () => {
    test("with the defaults (10 s × 2, timeout 5 s, poll 5 s) traffic moves within 38 s (the issue's target is 40 s), the ALB floor is 20 s", () => {
        const spec = parseStackSpec(baseArgs());
        const f = failoverFigures(spec.groups.primary.healthCheck, spec.traffic.failover as any);
        // 20 + 5 + G 8 + 5; failback 20 + G 8 + 30 + G 8 + 5.
        expect(f).toEqual({
            floorSeconds: 20, failoverSeconds: 38, failbackSeconds: 71,
            pollSeconds: 5, pollGapSeconds: 8, settleSeconds: 30, apiAllowanceSeconds: 5,
        });
        expect(f.failoverSeconds).toBeLessThanOrEqual(40);
    });

    test("the fast profile (5 s × 2, timeout 2 s) brings failover to 25 s and failback to 61 s", () => {
        const f = failoverFigures({ intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2 }, resolveFailover(undefined) as any);
        expect(f).toMatchObject({ floorSeconds: 10, failoverSeconds: 25, failbackSeconds: 61, pollGapSeconds: 8 });
    });

    test("a poll period longer than the gap across the minute is the gap itself", () => {
        const f = failoverFigures({ intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
            { ...(resolveFailover(undefined) as any), pollSeconds: 20 });
        expect(f).toMatchObject({ pollGapSeconds: 20, failoverSeconds: 20 + 5 + 20 + 5, failbackSeconds: 20 + 20 + 30 + 20 + 5 });
    });
});

describe("bad failover input is named, and nothing is registered", () => {
    test.each([
        ["threshold above the group's max", { traffic: { failover: { minHealthy: { count: 4 } } } }, "traffic.failover.minHealthy.count (4): is above backup.capacity.max (3): backup could never count as healthy"],
        ["percentage 0", { traffic: { failover: { minHealthy: { percent: 0 } } } }, "traffic.failover.minHealthy.percent (0): must be between 1 and 100 %"],
        ["percentage 101", { traffic: { failover: { minHealthy: { percent: 101 } } } }, "traffic.failover.minHealthy.percent (101): must be between 1 and 100 %"],
        ["poll period 31 s", { traffic: { failover: { pollSeconds: 31 } } }, "traffic.failover.pollSeconds (31): must be between 1 and 30 seconds"],
        ["settle period 0", { traffic: { failover: { settleSeconds: 0 } } }, "traffic.failover.settleSeconds (0): must be between 1 and 3600 seconds"],
        ["pin to an empty group", { backup: { capacity: { min: 0, max: 0 } }, traffic: { weights: { primary: 100, backup: 0 }, failover: false, pin: "backup" } }, 'traffic.pin ("backup"): pins all traffic to backup, whose capacity.max is 0'],
        ["failover with an empty backup", { backup: { capacity: { min: 0, max: 0 } }, traffic: { weights: { primary: 100, backup: 0 } } }, "traffic.failover: needs a backup group to fail over to, but backup.capacity.max is 0 (raise it, or set traffic.failover to false)"],
        [`${MAX_FAILOVER_ROUTES + 1} routes`, { routes: manyRoutes(MAX_FAILOVER_ROUTES + 1) }, `routes (${MAX_FAILOVER_ROUTES + 1}): at most ${MAX_FAILOVER_ROUTES} routes with traffic.failover on: the failover controller's config lists every route and must fit in Lambda's 4 KB for environment variables (use fewer routes, or set traffic.failover to false)`],
    ])("%s", async (_what, patch, expected) => {
        const { lines, resources } = await planInvalid(withPatch(baseArgs(), patch));
        expect(lines).toContain(expected);
        expect(resources).toEqual([]);
    });
});

describe(`the number of routes with failover (at most ${MAX_FAILOVER_ROUTES})`, () => {
    test("the most that fit are accepted, and more are fine without failover", () => {
        expect(parseStackSpec({ ...baseArgs(), routes: manyRoutes(MAX_FAILOVER_ROUTES) }).routes).toHaveLength(MAX_FAILOVER_ROUTES);
        expect(parseStackSpec({ ...baseArgs(), routes: manyRoutes(99), traffic: { failover: false } }).routes).toHaveLength(99);
    });
});

function manyRoutes(n: number) {
    return Array.from({ length: n }, (_, i) => ({ target: i % 2 ? "backup" as const : "primary" as const, paths: [`/r${i}/*`] }));
}
