import { resolvedSpec } from "../helpers/stack";
import type { LoadBalancedStackSpec } from "../../packages/lbstack/src/stack/schema";
import { TYPE_TOKENS } from "../../packages/lbstack/src/common/tokens";
import {
    GROUP_FIGURE_SECTIONS, GroupFigureSection, groupsSection, planFigures, STACK_FIGURE_SECTIONS, StackFigureSection, stackFigures, trafficShares,
} from "../../packages/lbstack/src/plan/figures";

const spec = resolvedSpec;

function figures(overrides: Partial<LoadBalancedStackSpec> = {}) {
    return stackFigures({ name: "app", spec: spec(overrides), components: [] });
}

describe("group figures", () => {
    test("failure detection is interval × unhealthy threshold, recovery interval × healthy threshold, drain the deregistration delay", () => {
        const f = figures({ primary: { capacity: { min: 2, max: 6 }, healthCheck: { intervalSeconds: 30, timeoutSeconds: 5, unhealthyThreshold: 5, healthyThreshold: 3 }, deregistrationDelaySeconds: 120 } });
        expect(f.groups.primary).toMatchObject({ failureDetectionSeconds: 150, recoverySeconds: 90, drainSeconds: 120 });
        // The backup keeps the defaults: 10 s × 2 both ways, 30 s drain.
        expect(f.groups.backup).toMatchObject({ failureDetectionSeconds: 20, recoverySeconds: 20, drainSeconds: 30 });
    });

    test("vCPUs and memory are capacity × the per-instance minimum at min, × the per-instance maximum at max", () => {
        const f = figures({ instance: { vcpus: { min: 2, max: 8 }, memoryGiB: { min: 4, max: 32 } } });
        expect(f.groups.primary).toMatchObject({ capacity: { min: 2, max: 6 }, vcpus: { min: 4, max: 48 }, memoryGiB: { min: 8, max: 192 } });
    });

    test("an open-ended per-instance range counts its minimum at max capacity (the least the group is sure to reach)", () => {
        const f = figures({ instance: { vcpus: { min: 4 }, memoryGiB: { min: 16 } } });
        expect(f.groups.primary).toMatchObject({ vcpus: { min: 8, max: 24 }, memoryGiB: { min: 32, max: 96 } });
    });

    test("a group's instance override is used for its own figures only", () => {
        const f = figures({ backup: { capacity: { min: 1, max: 3 }, instance: { vcpus: 8, memoryGiB: 0.5 } } });
        expect(f.groups.primary.vcpus).toEqual({ min: 4, max: 12 });
        expect(f.groups.backup).toMatchObject({ vcpus: { min: 8, max: 24 }, memoryGiB: { min: 0.5, max: 1.5 } });
    });

    test("memory is rounded to 0.01 GiB, without floating-point noise", () => {
        const f = figures({ instance: { vcpus: 1, memoryGiB: 0.1 }, primary: { capacity: { min: 3, max: 3 } } });
        expect(f.groups.primary.memoryGiB).toEqual({ min: 0.3, max: 0.3 });
    });

    test("an empty group has zero of everything", () => {
        const f = figures({ traffic: { weights: { primary: 100, backup: 0 }, failover: false }, backup: { capacity: { min: 0, max: 0 } } });
        expect(f.groups.backup).toMatchObject({ capacity: { min: 0, max: 0 }, vcpus: { min: 0, max: 0 }, memoryGiB: { min: 0, max: 0 } });
    });
});

describe("traffic figures", () => {
    test("are each weight's share of the sum in percent, rounded to 0.1", () => {
        expect(trafficShares({ primary: 90, backup: 10 })).toEqual({ primary: 90, backup: 10 });
        expect(trafficShares({ primary: 1, backup: 2 })).toEqual({ primary: 33.3, backup: 66.7 });
        expect(trafficShares({ primary: 999, backup: 0 })).toEqual({ primary: 100, backup: 0 });
    });

    test("follow a pin: everything to the pinned group, whatever the weights", () => {
        expect(figures({ traffic: { weights: { primary: 90, backup: 10 }, pin: "backup" } }).traffic).toEqual({ primary: 0, backup: 100 });
    });
});

describe("plan figures", () => {
    const component = (name: string) => ({ type: TYPE_TOKENS.LoadBalancedStack, name, spec: spec() });
    const resources = new Array(7).fill({});

    test("one stack: its figures at the top, with resourceCount", () => {
        const f = planFigures({ components: [component("app")], resources }) as any;
        expect(Object.keys(f)).toEqual(["groups", "traffic", "failover", "alarms", "resourceCount"]);
        expect(f.failover).toMatchObject({ floorSeconds: 20, failoverSeconds: 38, failbackSeconds: 71, pollSeconds: 5, pollGapSeconds: 8 });
        expect(f.resourceCount).toBe(7);
    });

    test("several stacks: keyed by stack name under stacks, resourceCount for the whole program", () => {
        const f = planFigures({ components: [component("blue"), component("green")], resources }) as any;
        expect(Object.keys(f.stacks)).toEqual(["blue", "green"]);
        expect(f.stacks.green.traffic).toEqual({ primary: 90, backup: 10 });
        expect(f.resourceCount).toBe(7);
    });

    test("no LoadBalancedStack: only resourceCount; other components are ignored", () => {
        expect(planFigures({ components: [{ type: "other:index:Thing", name: "x", spec: {} }], resources })).toEqual({ resourceCount: 7 });
    });

    test("later sections add group fields and top-level keys without overwriting earlier ones", () => {
        const deploy: GroupFigureSection = { compute: (g) => ({ rolloutSeconds: g.healthCheck.gracePeriodSeconds + 60, drainSeconds: -1 }) };
        const failover: StackFigureSection = { key: "failover", compute: (c) => ({ stack: c.name }) };
        const absent: StackFigureSection = { key: "capacityPlan", compute: () => undefined };
        const sections = [groupsSection([...GROUP_FIGURE_SECTIONS, deploy]), ...STACK_FIGURE_SECTIONS.slice(1), failover, absent];
        const f = stackFigures({ name: "app", spec: spec(), components: [] }, sections);
        expect(f.groups.primary).toMatchObject({ rolloutSeconds: 180, drainSeconds: 30 });
        expect(f.failover).toEqual({ stack: "app" });
        expect("capacityPlan" in f).toBe(false);
    });
});

