import { FailoverControllerConfig, GroupRole } from "../../packages/lbstack/src/failover/controller-config";
import {
    decide, DecideResult, FailoverState, groupStatus, initialState, neededHealthy, Observation, parseState, persistentKey,
} from "../../packages/lbstack/src/failover/decide";
import { planRaise, planRestore } from "../../packages/lbstack/src/failover/capacity";

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const RULE_API = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
const RULE_ADMIN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/1111b2d02a6cabee";

type Cfg = Pick<FailoverControllerConfig, "weights" | "routes" | "minHealthy" | "settleSeconds" | "pin">;
const base: Cfg = {
    weights: { primary: 90, backup: 10 },
    routes: [{ ruleArn: RULE_API, target: "primary" }, { ruleArn: RULE_ADMIN, target: "backup" }],
    minHealthy: { primary: { count: 2 }, backup: { count: 1 } },
    settleSeconds: 60,
};

/** One step: seconds after T0, [healthy, total] of primary and backup; `"initializing"`: every target still initial. */
type Health = [number, number] | "initializing";
type Step = [seconds: number, primary: Health, backup: Health];

function group(h: Health) {
    return h === "initializing" ? { healthy: 0, total: 0, initializing: true } : { healthy: h[0], total: h[1], initializing: false };
}

function obs([s, p, b]: Step): Observation {
    return { at: T0 + s * 1000, primary: group(p), backup: group(b) };
}

/** Feeds the steps in order, threading the state; returns every result. */
function run(steps: Step[], cfg: Cfg = base, state: FailoverState = initialState()): DecideResult[] {
    const results: DecideResult[] = [];
    for (const step of steps) {
        const r = decide(state, obs(step), cfg);
        results.push(r);
        state = r.state;
    }
    return results;
}

/** [second, transition, decision] for every result whose transition is not "none". */
function timeline(results: DecideResult[]): [number, string, string][] {
    return results
        .filter((r) => r.transition !== "none")
        .map((r) => [((r.state.lastObservedAt ?? T0) - T0) / 1000, r.transition, label(r)]);
}

function label(r: DecideResult): string {
    const d = r.decision;
    return d.mode === "configured" ? "configured" : d.mode === "pinned" ? `pinned-${d.group}` : `all-to-${d.failed === "primary" ? "backup" : "primary"}`;
}

const UP: [number, number] = [3, 3];

describe("thresholds", () => {
    it("a count threshold needs that many healthy targets, and always at least one", () => {
        expect(groupStatus({ healthy: 2, total: 3, initializing: false }, { count: 2 }).up).toBe(true);
        expect(groupStatus({ healthy: 1, total: 3, initializing: false }, { count: 2 }).up).toBe(false);
        expect(groupStatus({ healthy: 0, total: 0, initializing: false }, { count: 1 }).up).toBe(false);
    });

    it("a percent threshold is the ceiling of p% of registered targets", () => {
        expect(neededHealthy({ percent: 50 }, 4)).toBe(2);
        expect(neededHealthy({ percent: 50 }, 3)).toBe(2);
        expect(neededHealthy({ percent: 75 }, 4)).toBe(3);
        expect(neededHealthy({ percent: 100 }, 5)).toBe(5);
        expect(neededHealthy({ percent: 1 }, 10)).toBe(1);
        expect(neededHealthy({ percent: 10 }, 3)).toBe(1);
        expect(groupStatus({ healthy: 2, total: 4, initializing: false }, { percent: 75 }).up).toBe(false);
        expect(groupStatus({ healthy: 3, total: 4, initializing: false }, { percent: 75 }).up).toBe(true);
    });

    it("a group with no registered target is down under a percent threshold", () => {
        const s = groupStatus({ healthy: 0, total: 0, initializing: false }, { percent: 1 });
        expect(s.up).toBe(false);
        expect(s.needed).toBe(Infinity);
    });
});

describe("failover", () => {
    it("moves everything to the backup at the first observation with the primary down", () => {
        const results = run([[0, UP, UP], [5, UP, UP], [10, [1, 3], UP], [15, [0, 3], UP]]);
        expect(timeline(results)).toEqual([[10, "failover", "all-to-backup"]]);
        const r = results[2];
        expect(r.routing.weights).toEqual({ primary: 0, backup: 100 });
        expect(r.routing.routes).toEqual([{ ruleArn: RULE_API, target: "backup" }, { ruleArn: RULE_ADMIN, target: "backup" }]);
        expect(r.state).toMatchObject({ failedGroup: "primary", failedAt: T0 + 10_000, recoveringSince: null });
        expect(r.reason).toMatch(/primary down/);
    });

    it("moves everything to the primary when the backup is down", () => {
        const results = run([[0, UP, UP], [5, UP, [0, 2]]]);
        expect(timeline(results)).toEqual([[5, "failover", "all-to-primary"]]);
        expect(results[1].routing.weights).toEqual({ primary: 100, backup: 0 });
        expect(results[1].routing.routes).toEqual([{ ruleArn: RULE_API, target: "primary" }, { ruleArn: RULE_ADMIN, target: "primary" }]);
    });

    it("treats an empty backup (0 registered targets) as down", () => {
        const results = run([[0, UP, [0, 0]]], { ...base, minHealthy: { primary: { count: 1 }, backup: { percent: 50 } } });
        expect(timeline(results)).toEqual([[0, "failover", "all-to-primary"]]);
    });

    it("changes nothing when both groups are down, from configured or from a failover", () => {
        const fromConfigured = run([[0, UP, UP], [5, [0, 3], [0, 1]], [10, [0, 3], [0, 1]]]);
        expect(timeline(fromConfigured)).toEqual([]);
        expect(fromConfigured[2].routing.weights).toEqual({ primary: 90, backup: 10 });
        expect(fromConfigured[2].reason).toMatch(/both groups down/);

        const fromFailover = run([[0, [0, 3], UP], [5, [0, 3], [0, 3]], [10, [0, 3], [0, 3]]]);
        expect(timeline(fromFailover)).toEqual([[0, "failover", "all-to-backup"]]);
        expect(fromFailover[2].routing.weights).toEqual({ primary: 0, backup: 100 });
    });

    it("applies the per-group percent thresholds", () => {
        const cfg = { ...base, minHealthy: { primary: { percent: 75 }, backup: { percent: 50 } } };
        // 3 of 4 (needs 3): up; 2 of 4: down.
        expect(timeline(run([[0, [3, 4], [1, 2]], [5, [2, 4], [1, 2]]], cfg))).toEqual([[5, "failover", "all-to-backup"]]);
        // Draining targets are not counted by the handler, so 2 of 3 registered meets 50 %.
        expect(timeline(run([[0, [2, 3], [1, 2]]], cfg))).toEqual([[0, "failover", "all-to-backup"]]);
    });

    it("fails over an active-passive pair (100/0) to the backup", () => {
        const cfg = { ...base, weights: { primary: 100, backup: 0 }, routes: [] };
        const results = run([[0, UP, [1, 1]], [5, [0, 3], [1, 1]]], cfg);
        expect(timeline(results)).toEqual([[5, "failover", "all-to-backup"]]);
        expect(results[0].routing.weights).toEqual({ primary: 100, backup: 0 });
        expect(results[1].routing.weights).toEqual({ primary: 0, backup: 100 });
    });
});

describe("failback", () => {
    it("restores the configured routing once the failed group has been up for settleSeconds, not before", () => {
        const results = run([
            [0, [0, 3], UP],     // failover
            [100, UP, UP],       // up: settle starts
            [155, UP, UP],       // 55 s: not yet
            [159, UP, UP],       // 59 s: not yet
            [160, UP, UP],       // 60 s: failback
            [165, UP, UP],
        ]);
        expect(timeline(results)).toEqual([
            [0, "failover", "all-to-backup"],
            [100, "settle-started", "all-to-backup"],
            [160, "failback", "configured"],
        ]);
        expect(results[3].routing.weights).toEqual({ primary: 0, backup: 100 });
        expect(results[4].routing.weights).toEqual({ primary: 90, backup: 10 });
        expect(results[4].routing.routes).toEqual(base.routes);
        expect(results[4].state).toMatchObject({ failedGroup: null, failedAt: null, recoveringSince: null });
    });

    it("restarts the settle timer when the recovering group flaps", () => {
        const results = run([
            [0, [0, 3], UP],
            [100, UP, UP],       // settle starts at 100
            [130, [1, 3], UP],   // down again: reset
            [140, UP, UP],       // settle starts at 140
            [160, UP, UP],       // would have been 60 s since 100: must not fail back
            [199, UP, UP],
            [200, UP, UP],       // 60 s since 140
        ]);
        expect(timeline(results)).toEqual([
            [0, "failover", "all-to-backup"],
            [100, "settle-started", "all-to-backup"],
            [130, "settle-reset", "all-to-backup"],
            [140, "settle-started", "all-to-backup"],
            [200, "failback", "configured"],
        ]);
    });

    it("moves traffic straight back to the recovering group if the survivor goes down (swap)", () => {
        const results = run([
            [0, [0, 3], UP],
            [100, UP, UP],
            [110, UP, [0, 3]],   // backup down while primary up, before settle
            [115, UP, [0, 3]],
        ]);
        expect(timeline(results)).toEqual([
            [0, "failover", "all-to-backup"],
            [100, "settle-started", "all-to-backup"],
            [110, "swap", "all-to-primary"],
        ]);
        expect(results[2].routing.weights).toEqual({ primary: 100, backup: 0 });
        expect(results[2].routing.routes.map((r) => r.target)).toEqual(["primary", "primary"]);
    });

    it("fails back from a backup failure the same way", () => {
        const results = run([[0, UP, [0, 1]], [10, UP, [1, 1]], [70, UP, [1, 1]]]);
        expect(timeline(results)).toEqual([
            [0, "failover", "all-to-primary"],
            [10, "settle-started", "all-to-primary"],
            [70, "failback", "configured"],
        ]);
    });
});

describe("repeated and out-of-order observations", () => {
    it("gives the same state for a repeated observation", () => {
        const [first, second] = run([[5, [0, 3], UP], [5, [0, 3], UP]]);
        expect(second.transition).toBe("none");
        expect(second.state).toEqual(first.state);
    });

    it("ignores an observation older than the last one applied, whatever it shows", () => {
        const results = run([[0, UP, UP], [10, UP, UP], [5, [0, 3], UP], [15, UP, UP]]);
        expect(results[2].transition).toBe("stale");
        expect(results[2].state).toEqual(results[1].state);
        expect(results[2].decision).toEqual({ mode: "configured" });
        expect(timeline(results)).toEqual([[10, "stale", "configured"]]); // lastObservedAt stays at 10
    });

    it("does not let a stale healthy observation advance the settle timer", () => {
        const results = run([[0, [0, 3], UP], [100, UP, UP], [50, UP, UP], [159, UP, UP], [160, UP, UP]]);
        expect(results[2].transition).toBe("stale");
        expect(timeline(results).filter(([, t]) => t === "failback")).toEqual([[160, "failback", "configured"]]);
    });
});

describe("pin", () => {
    it("sends all traffic to the pinned group and suspends failover while set", () => {
        const pinned = { ...base, pin: "backup" as GroupRole };
        const results = run([[0, UP, UP], [5, UP, UP], [10, UP, [0, 1]]], pinned);
        expect(timeline(results)).toEqual([[0, "pin", "pinned-backup"]]);
        expect(results[0].routing.weights).toEqual({ primary: 0, backup: 100 });
        expect(results[0].routing.routes.map((r) => r.target)).toEqual(["backup", "backup"]);
        expect(results[2].state.failedGroup).toBeNull();
        expect(results[2].reason).toMatch(/pinned group is down/);
    });

    it("restores the configured routing when cleared and both groups are up", () => {
        let state = run([[0, UP, UP]], { ...base, pin: "primary" })[0].state;
        const results = run([[5, UP, UP], [10, UP, UP]], base, state);
        expect(timeline(results)).toEqual([[5, "unpin", "configured"]]);
        expect(results[0].routing.weights).toEqual({ primary: 90, backup: 10 });
        state = results[1].state;
        expect(state.pinned).toBeNull();
    });

    it("fails over at once when cleared while a group is down", () => {
        const state = run([[0, UP, UP], [5, [0, 3], UP]], { ...base, pin: "primary" }).at(-1)!.state;
        expect(timeline(run([[10, [0, 3], UP]], base, state))).toEqual([[10, "failover", "all-to-backup"]]);
    });

    it("freezes a failover and restarts the settle period when cleared", () => {
        const failed = run([[0, [0, 3], UP], [100, UP, UP]]).at(-1)!.state; // settle started at 100
        const duringPin = run([[110, UP, UP], [170, UP, UP]], { ...base, pin: "backup" }, failed);
        expect(duringPin.map((r) => r.transition)).toEqual(["pin", "none"]);
        expect(duringPin[1].state).toMatchObject({ failedGroup: "primary", recoveringSince: null, pinned: "backup" });
        const after = run([[175, UP, UP], [234, UP, UP], [235, UP, UP]], base, duringPin[1].state);
        expect(timeline(after)).toEqual([[175, "unpin", "all-to-backup"], [235, "failback", "configured"]]);
    });

    it("switching the pin to the other group is a pin transition", () => {
        const state = run([[0, UP, UP]], { ...base, pin: "primary" })[0].state;
        const [r] = run([[5, UP, UP]], { ...base, pin: "backup" }, state);
        expect(r.transition).toBe("pin");
        expect(r.routing.weights).toEqual({ primary: 0, backup: 100 });
    });
});

describe("a group whose targets are all still initial (fresh deploy)", () => {
    it("is not failed over away from while the other group is up, in either direction", () => {
        expect(timeline(run([[0, "initializing", UP], [5, "initializing", UP]]))).toEqual([]);
        expect(timeline(run([[0, UP, "initializing"], [5, UP, "initializing"]]))).toEqual([]);
        const [r] = run([[0, "initializing", UP]]);
        expect(r.decision).toEqual({ mode: "configured" });
        expect(r.state.scaleOut).toBeNull();
        expect(r.health.primary).toMatchObject({ up: false, initializing: true });
        expect(r.reason).toMatch(/^primary initializing, backup up/);
    });

    it("fails over once its targets are judged and it is down", () => {
        expect(timeline(run([[0, "initializing", UP], [5, [0, 3], UP]]))).toEqual([[5, "failover", "all-to-backup"]]);
    });

    it("both initializing: nothing changes", () => {
        const [r] = run([[0, "initializing", "initializing"]]);
        expect(r.transition).toBe("none");
        expect(r.decision).toEqual({ mode: "configured" });
    });
});

describe("survivor capacity records", () => {
    it("plans no scale-out when the failed group carried no traffic (weight 0, no route to it)", () => {
        const activePassive: Cfg = { ...base, weights: { primary: 100, backup: 0 }, routes: [{ ruleArn: RULE_API, target: "primary" }] };
        const [r] = run([[0, UP, [0, 3]]], activePassive);
        expect(r.transition).toBe("failover");
        expect(r.decision).toEqual({ mode: "failedOver", failed: "backup" });
        expect(r.state.scaleOut).toBeNull();
        // A route to the weight-0 group is traffic it carried: then the survivor is raised.
        const [routed] = run([[0, UP, [0, 3]]], { ...activePassive, routes: [{ ruleArn: RULE_ADMIN, target: "backup" }] });
        expect(routed.state.scaleOut).toEqual({ group: "primary", originalDesired: null, raisedTo: null, applied: false });
    });

    it("keeps a survivor's pending restore when the failed group carried no traffic", () => {
        const activePassive: Cfg = { ...base, weights: { primary: 100, backup: 0 }, routes: [] };
        const pending = { group: "primary" as GroupRole, originalDesired: 2, raisedTo: 4, applied: true };
        const [r] = run([[0, UP, [0, 3]]], activePassive, { ...initialState(), restores: [pending] });
        expect(r.state.scaleOut).toBeNull();
        expect(r.state.restores).toEqual([pending]);
    });


    it("plans a raise for the survivor on failover and a restore on failback", () => {
        const results = run([[0, [0, 3], UP], [10, UP, UP], [70, UP, UP]]);
        expect(results[0].state.scaleOut).toEqual({ group: "backup", originalDesired: null, raisedTo: null, applied: false });
        const applied = { group: "backup" as GroupRole, originalDesired: 2, raisedTo: 6, applied: true };
        const failback = decide({ ...results[1].state, scaleOut: applied }, obs([70, UP, UP]), base);
        expect(failback.transition).toBe("failback");
        expect(failback.state.scaleOut).toBeNull();
        expect(failback.state.restores).toEqual([applied]);
    });

    it("on a swap puts the old survivor back and keeps a pending original for the new one", () => {
        const state: FailoverState = {
            ...initialState(), failedGroup: "primary", failedAt: T0, lastObservedAt: T0,
            scaleOut: { group: "backup", originalDesired: 2, raisedTo: 6, applied: true },
            restores: [{ group: "primary", originalDesired: 4, raisedTo: 5, applied: true }],
        };
        const r = decide(state, obs([10, UP, [0, 3]]), base);
        expect(r.transition).toBe("swap");
        expect(r.state.scaleOut).toEqual({ group: "primary", originalDesired: 4, raisedTo: null, applied: false });
        expect(r.state.restores).toEqual([{ group: "backup", originalDesired: 2, raisedTo: 6, applied: true }]);
    });

    it("raises toward the failed group's desired, within the survivor's max, and only upward", () => {
        const asgs = {
            primary: { name: "web-primary", desiredCapacity: 6, maxSize: 10 },
            backup: { name: "web-backup", desiredCapacity: 2, maxSize: 4 },
        };
        const record = { group: "backup" as GroupRole, originalDesired: null, raisedTo: null, applied: false };
        expect(planRaise(record, { autoScalingGroups: asgs }, { desired: 2, min: 1, max: 4 }))
            .toEqual({ record: { group: "backup", originalDesired: 2, raisedTo: 4, applied: false }, setDesired: 4 });
        expect(planRaise(record, { autoScalingGroups: asgs }, { desired: 2, min: 1, max: 3 }).setDesired).toBe(3);
        expect(planRaise(record, { autoScalingGroups: asgs }, { desired: 5, min: 1, max: 8 }))
            .toEqual({ record: { ...record, applied: true }, setDesired: null });
        const primaryRecord = { ...record, group: "primary" as GroupRole };
        expect(planRaise(primaryRecord, { autoScalingGroups: asgs }, { desired: 6, min: 1, max: 10 }).setDesired).toBeNull();
    });

    it("restores only downward, within the live min/max", () => {
        const record = { group: "backup" as GroupRole, originalDesired: 2, raisedTo: 6, applied: true };
        expect(planRestore(record, { desired: 6, min: 1, max: 10 })).toBe(2);
        expect(planRestore(record, { desired: 4, min: 1, max: 10 })).toBe(2);
        expect(planRestore(record, { desired: 2, min: 1, max: 10 })).toBeNull();
        expect(planRestore(record, { desired: 1, min: 1, max: 10 })).toBeNull();
        expect(planRestore(record, { desired: 6, min: 3, max: 10 })).toBe(3);
        expect(planRestore({ ...record, originalDesired: null }, { desired: 6, min: 1, max: 10 })).toBeNull();
    });
});

describe("stored state", () => {
    it("reads {} as the initial state and round-trips a state", () => {
        expect(parseState("{}")).toEqual(initialState());
        const state = run([[0, [0, 3], UP], [10, UP, UP]]).at(-1)!.state;
        expect(parseState(JSON.stringify(state))).toEqual(state);
    });

    it("rejects unreadable values", () => {
        expect(parseState("not json")).toBeUndefined();
        expect(parseState(JSON.stringify({ ...initialState(), failedGroup: "tertiary" }))).toBeUndefined();
        expect(parseState(JSON.stringify({ ...initialState(), version: 2 }))).toBeUndefined();
    });

    it("leaves lastObservedAt out of the change key so idle ticks do not write", () => {
        const a = run([[0, UP, UP]])[0].state;
        const b = run([[5, UP, UP]], base, a)[0].state;
        expect(b.lastObservedAt).not.toBe(a.lastObservedAt);
        expect(persistentKey(b)).toBe(persistentKey(a));
    });
});
