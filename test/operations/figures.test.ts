import { baseArgs, withPatch } from "../helpers/stack";
import { deployFigures, LoadBalancedStack, parseStackSpec, scaleOutSeconds, SCALE_OUT_ALLOWANCES } from "../../packages/lbstack/src";
import { planFigures, stackFigures } from "../../packages/lbstack/src/plan/figures";
import { runWithMocks } from "../../packages/lbstack/src/plan/mock-runtime";

/** The deploy, scale-out and alarm figures the plan reports, for known configurations. */

describe("deploy and scale-out figures", () => {
    test("defaults: a batch is launch 45 + boot 60 + warmup 120 + 2 checks × 10 + drain 30 = 275 s; primary 2 batches, backup 1", () => {
        const spec = parseStackSpec(baseArgs());
        expect(SCALE_OUT_ALLOWANCES).toEqual({ launchSeconds: 45, bootSeconds: 60, fromWarmPoolSeconds: { Running: 0, Stopped: 30, Hibernated: 20 } });
        expect(deployFigures(spec.groups.primary)).toEqual({ instances: 2, batchSize: 1, batches: 2, batchSeconds: 275, checkpointSeconds: 0, deploySeconds: 550 });
        expect(deployFigures(spec.groups.backup)).toMatchObject({ instances: 1, batches: 1, deploySeconds: 275 });
        expect(scaleOutSeconds(spec.groups.primary)).toEqual({ cold: 245, warm: 170, expected: 245 });
    });

    test("a wider healthy range replaces more at once: 10 instances at 90–110 % go 2 at a time; 100–200 % all at once", () => {
        const ten = (deploy: object) => parseStackSpec(withPatch(baseArgs(), { primary: { capacity: { min: 10, max: 20 }, deploy } })).groups.primary;
        expect(deployFigures(ten({}))).toMatchObject({ batchSize: 2, batches: 5, deploySeconds: 5 * 275 });
        expect(deployFigures(ten({ minHealthyPercent: 100, maxHealthyPercent: 200 }))).toMatchObject({ batchSize: 10, batches: 1, deploySeconds: 275 });
        // 90–100 %: AWS terminates first, still one at a time at least.
        expect(deployFigures(ten({ maxHealthyPercent: 100 }))).toMatchObject({ batchSize: 1, batches: 10 });
    });

    test("desired capacity sets the size; checkpoints below 100 % add their delay; an empty group deploys in 0 s", () => {
        const g = parseStackSpec(withPatch(baseArgs(), {
            primary: { capacity: { min: 2, max: 10, desired: 4 }, deploy: { checkpoints: [25, 50, 100], checkpointDelaySeconds: 120 } },
        })).groups.primary;
        expect(deployFigures(g)).toEqual({ instances: 4, batchSize: 1, batches: 4, batchSeconds: 275, checkpointSeconds: 240, deploySeconds: 4 * 275 + 240 });
        const empty = parseStackSpec(withPatch(baseArgs(), { backup: { capacity: { min: 0, max: 3 }, deploy: { checkpoints: [50] } }, traffic: { failover: false } })).groups.backup;
        expect(deployFigures(empty)).toMatchObject({ batches: 0, deploySeconds: 0 });
    });

    test("the scheduled-scaling example's primary: warm 140 s, cold 215 s, deploy 790 s (as its README says)", () => {
        const g = parseStackSpec({
            instance: { vcpus: 2, memoryGiB: 8, instanceTypes: ["m7i.large"] },
            primary: {
                capacity: { min: 2, max: 12 },
                scaling: { instanceWarmupSeconds: 90, warmPool: { state: "Stopped", minSize: 2, maxPreparedCapacity: 8 } },
                deploy: { minHealthyPercent: 100, maxHealthyPercent: 150, checkpoints: [50, 100], checkpointDelaySeconds: 300 },
            },
            backup: { capacity: { min: 1, max: 3 } },
        }).groups.primary;
        expect(scaleOutSeconds(g)).toEqual({ cold: 215, warm: 140, expected: 140 });
        expect(deployFigures(g)).toMatchObject({ batchSize: 1, batches: 2, deploySeconds: 790 });
    });
});

describe("in the plan", () => {
    test("figures.groups.<group> carries deploySeconds and scaleOutSeconds; figures.alarms lists every alarm with its metric and threshold", () => {
        const f = stackFigures({ name: "app", spec: parseStackSpec(withPatch(baseArgs(), { monitoring: { alarms: { errorRate: { threshold: 2 } } } })), components: [] }) as any;
        expect(f.groups.primary).toMatchObject({ deploySeconds: 550, scaleOutSeconds: { cold: 245, warm: 170, expected: 245 }, failureDetectionSeconds: 20 });
        expect(f.groups.backup.deploySeconds).toBe(275);
        expect(f.alarms).toEqual([
            { name: "5xx-rate", metric: "(HTTPCode_ELB_5XX_Count + HTTPCode_Target_5XX_Count) / RequestCount × 100 (%)", threshold: 2 },
            { name: "p99-latency", metric: "TargetResponseTime p99 (seconds)", threshold: 2 },
            { name: "primary-unhealthy-hosts", metric: "UnHealthyHostCount of the primary target group (hosts)", threshold: 1 },
            { name: "primary-no-healthy-hosts", metric: "HealthyHostCount of the primary target group (hosts)", threshold: 1 },
            { name: "backup-unhealthy-hosts", metric: "UnHealthyHostCount of the backup target group (hosts)", threshold: 1 },
            { name: "backup-no-healthy-hosts", metric: "HealthyHostCount of the backup target group (hosts)", threshold: 1 },
        ]);
    });

    test("monitoring off: no alarms; an NLB: host alarms only", () => {
        const off = stackFigures({ name: "app", spec: parseStackSpec(withPatch(baseArgs(), { monitoring: false })), components: [] }) as any;
        expect(off.alarms).toEqual([]);
        const nlb = stackFigures({ name: "app", spec: parseStackSpec(withPatch(baseArgs(), { loadBalancer: { type: "network" }, primary: { protocol: "TCP" }, backup: { protocol: "TCP" } })), components: [] }) as any;
        expect(nlb.alarms.map((a: any) => a.name)).toEqual(["primary-unhealthy-hosts", "primary-no-healthy-hosts", "backup-unhealthy-hosts", "backup-no-healthy-hosts"]);
    });

    test("a program planned under the mock runtime reports them from the recorded spec", async () => {
        const run = await runWithMocks(() => {
            new LoadBalancedStack("app", withPatch(baseArgs(), { primary: { deploy: { maxHealthyPercent: 100 } } }));
            return {};
        });
        const f = planFigures(run) as any;
        expect(f.groups.primary.deploySeconds).toBe(550);
        expect(f.alarms).toHaveLength(6);
    });
});
