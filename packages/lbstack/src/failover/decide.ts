/**
 * The failover controller's decision logic: pure functions from (state, observation, config)
 * to a routing decision and the next state. No I/O and no clock: the observation carries its
 * time (`at`, milliseconds since the epoch), and that is the only time used.
 *
 * The machine:
 * - `configured`: the listener forwards with the configured weights and every route goes to its
 *   own group. When one group is down and the other up, it fails over.
 * - `failedOver(F)`: all traffic (default action and the routes that pointed at F) goes to the
 *   other group S. Once F has been up continuously for `settleSeconds`, it fails back to
 *   `configured`. If F goes down again before that, the settle timer starts over (flapping).
 *   If S goes down while F is up, traffic moves to F at once (`swap`): never leave traffic on
 *   an empty group when the other one can take it.
 * - Both groups down: nothing changes; there is nowhere better to send traffic.
 * - A group whose registered targets are all still `initial` (`initializing`: none has passed or
 *   failed a health check yet, as on a fresh deploy) is not yet known rather than down: the
 *   controller does not fail over away from it, so the group whose targets happen to pass first
 *   does not take all traffic and trigger a scale-out and a failback a few minutes later.
 * - `pinned(G)` (config `pin`): all traffic to G, and the machine is frozen: no failover,
 *   failback or capacity change. Clearing the pin resumes the machine from where it was, with a
 *   fresh settle period for a failed-over group.
 */
import { FailoverControllerConfig, GroupRole, GROUP_ROLES, MinHealthy, otherGroup } from "./controller-config";

/** Health of one target group at one moment. */
export interface GroupHealth {
    /** Targets whose state is `healthy`. */
    healthy: number;
    /** Registered targets that count toward a percent threshold: all but `draining`, `initial` and `unused`. */
    total: number;
    /**
     * True when the group has registered targets and every one is still `initial` (besides any
     * draining or unused): not judged by its health checks yet. No failover away from such a group.
     */
    initializing: boolean;
}

/** One reading of both target groups. */
export interface Observation {
    /** When the reading was taken, in milliseconds since the epoch. */
    at: number;
    primary: GroupHealth;
    backup: GroupHealth;
}

/** What the listener should do. */
export type RoutingMode =
    | { mode: "configured" }
    /** All traffic away from `failed`, to the other group. */
    | { mode: "failedOver"; failed: GroupRole }
    | { mode: "pinned"; group: GroupRole };

/**
 * A raise of the survivor's desired capacity that lbstack made (or is about to make) and must
 * put back on failback.
 */
export interface CapacityRecord {
    /** The group whose desired capacity is raised (the survivor). */
    group: GroupRole;
    /** Desired capacity before the raise; null until the handler has read it, or when no raise was needed. */
    originalDesired: number | null;
    /** The desired capacity lbstack set; null until planned. */
    raisedTo: number | null;
    /** True once the raise was done (or found unnecessary); it is never repeated after that. */
    applied: boolean;
}

/** The controller state kept between invocations (SSM parameter, JSON). */
export interface FailoverState {
    version: 1;
    /** The group traffic was moved away from; null while routing follows the configured weights. */
    failedGroup: GroupRole | null;
    /** When the current failover happened (ms). */
    failedAt: number | null;
    /** Since when the failed group has been up without interruption (ms); null while it is down. */
    recoveringSince: number | null;
    /** The pin in force at the last decision (to log pin/unpin once). */
    pinned: GroupRole | null;
    /** Time of the newest observation applied (ms); older observations are ignored. */
    lastObservedAt: number | null;
    /** The survivor's scale-out during the current failover. */
    scaleOut: CapacityRecord | null;
    /** Raises to put back after a failback; retried each tick until done. */
    restores: CapacityRecord[];
}

export type Transition =
    | "none"
    /** Traffic moved away from a group that went down. */
    | "failover"
    /** Configured routing restored after the failed group stayed up for settleSeconds. */
    | "failback"
    /** Failed over the other way: the survivor went down while the failed group was up. */
    | "swap"
    /** The failed group is up: the settle timer started. */
    | "settle-started"
    /** The failed group went down again before settling: the timer was cleared. */
    | "settle-reset"
    | "pin"
    | "unpin"
    /** The observation was older than the last one applied and was ignored. */
    | "stale";

/** A group's health judged against its threshold. */
export interface GroupStatus extends GroupHealth {
    /** Healthy targets needed to be up (never less than 1). */
    needed: number;
    up: boolean;
}

/** Weights for the listener default action and the group each route forwards to. */
export interface DesiredRouting {
    weights: Record<GroupRole, number>;
    routes: { ruleArn: string; target: GroupRole }[];
}

export interface DecideResult {
    state: FailoverState;
    decision: RoutingMode;
    /** The decision the previous state stood for. */
    previous: RoutingMode;
    transition: Transition;
    /** One sentence on why, for the log. */
    reason: string;
    routing: DesiredRouting;
    health: Record<GroupRole, GroupStatus>;
}

/** Weight given to the only group that receives traffic. Any positive value means 100 %. */
export const ALL_TRAFFIC_WEIGHT = 100;

/** The state before the controller has ever run: configured routing, nothing to put back. */
export function initialState(): FailoverState {
    return {
        version: 1, failedGroup: null, failedAt: null, recoveringSince: null, pinned: null,
        lastObservedAt: null, scaleOut: null, restores: [],
    };
}

/** Healthy targets a group needs to be up: at least 1; `Infinity` for an empty group under a percent threshold. */
export function neededHealthy(min: MinHealthy, total: number): number {
    if ("count" in min) return Math.max(1, min.count);
    if (total <= 0) return Infinity;
    // Integer arithmetic first, so 50 % of 4 is exactly 2 and not 2.0000000000000004.
    return Math.max(1, Math.ceil((min.percent * total) / 100 - 1e-9));
}

export function groupStatus(health: GroupHealth, min: MinHealthy): GroupStatus {
    const needed = neededHealthy(min, health.total);
    return { ...health, needed, up: health.healthy >= 1 && health.healthy >= needed };
}

/** The routing mode a state stands for. */
export function modeOf(state: FailoverState): RoutingMode {
    if (state.pinned) return { mode: "pinned", group: state.pinned };
    if (state.failedGroup) return { mode: "failedOver", failed: state.failedGroup };
    return { mode: "configured" };
}

/** Short name of a mode for logs: `configured`, `all-to-backup`, `pinned-primary`. */
export function modeLabel(mode: RoutingMode): string {
    switch (mode.mode) {
        case "configured": return "configured";
        case "failedOver": return `all-to-${otherGroup(mode.failed)}`;
        case "pinned": return `pinned-${mode.group}`;
    }
}

/** The listener weights and route targets a mode calls for. */
export function routingFor(mode: RoutingMode, config: Pick<FailoverControllerConfig, "weights" | "routes">): DesiredRouting {
    const only = (g: GroupRole) => ({ [g]: ALL_TRAFFIC_WEIGHT, [otherGroup(g)]: 0 }) as Record<GroupRole, number>;
    switch (mode.mode) {
        case "configured":
            return { weights: { ...config.weights }, routes: config.routes.map((r) => ({ ruleArn: r.ruleArn, target: r.target })) };
        case "failedOver": {
            const survivor = otherGroup(mode.failed);
            return {
                weights: only(survivor),
                routes: config.routes.map((r) => ({ ruleArn: r.ruleArn, target: r.target === mode.failed ? survivor : r.target })),
            };
        }
        case "pinned":
            return { weights: only(mode.group), routes: config.routes.map((r) => ({ ruleArn: r.ruleArn, target: mode.group })) };
    }
}

function describe(role: GroupRole, s: GroupStatus): string {
    if (!s.up && s.initializing) return `${role} initializing (every target still initial)`;
    const needed = s.needed === Infinity ? "no registered target" : `needs ${s.needed}`;
    return `${role} ${s.up ? "up" : "down"} (${s.healthy}/${s.total} healthy, ${needed})`;
}

/**
 * Applies one observation. Pure: the same arguments always give the same result.
 * `config` needs `weights`, `routes`, `minHealthy`, `settleSeconds` and `pin`.
 */
export function decide(
    state: FailoverState,
    observation: Observation,
    config: Pick<FailoverControllerConfig, "weights" | "routes" | "minHealthy" | "settleSeconds" | "pin">,
): DecideResult {
    const health = {
        primary: groupStatus(observation.primary, config.minHealthy.primary),
        backup: groupStatus(observation.backup, config.minHealthy.backup),
    };
    const previous = modeOf(state);
    const healthText = `${describe("primary", health.primary)}; ${describe("backup", health.backup)}`;
    const result = (next: FailoverState, transition: Transition, reason: string): DecideResult => {
        const decision = modeOf(next);
        return { state: next, decision, previous, transition, reason: `${reason}: ${healthText}`, routing: routingFor(decision, config), health };
    };

    if (state.lastObservedAt !== null && observation.at < state.lastObservedAt) {
        return result(state, "stale", `ignored an observation older than the last one (${new Date(state.lastObservedAt).toISOString()})`);
    }

    let next: FailoverState = { ...state, lastObservedAt: observation.at, restores: [...state.restores] };

    if (config.pin) {
        // Frozen machine; the settle timer starts over when the pin is cleared.
        next = { ...next, pinned: config.pin, recoveringSince: null };
        const changed = state.pinned !== config.pin;
        const warning = health[config.pin].up ? "" : " (the pinned group is down; honoured because a pin is explicit)";
        return result(next, changed ? "pin" : "none", `pinned to ${config.pin}${warning}`);
    }
    const unpinned = state.pinned !== null;
    next.pinned = null;

    const at = observation.at;
    const settleMs = config.settleSeconds * 1000;
    let transition: Transition = "none";
    let reason: string;

    if (next.failedGroup === null) {
        // An initializing group is not known to be down yet (fresh deploy: both start all-initial).
        const down = GROUP_ROLES.find((g) => !health[g].up && !health[g].initializing && health[otherGroup(g)].up);
        const initializing = GROUP_ROLES.find((g) => !health[g].up && health[g].initializing && health[otherGroup(g)].up);
        if (down) {
            next = failOver(next, down, at, config);
            transition = "failover";
            reason = `${down} down, ${otherGroup(down)} up: all traffic to ${otherGroup(down)}`;
        } else if (initializing) {
            reason = `${initializing} initializing, ${otherGroup(initializing)} up: configured routing until ${initializing}'s targets are judged`;
        } else if (!health.primary.up && !health.backup.up) {
            reason = "both groups down: routing unchanged";
        } else {
            reason = "both groups up: configured routing";
        }
    } else {
        const failed = next.failedGroup;
        const survivor = otherGroup(failed);
        if (health[failed].up && !health[survivor].up) {
            // Also when the survivor is initializing: it carries all traffic with no healthy target.
            next = failOver(next, survivor, at, config);
            transition = "swap";
            reason = `${survivor} down while ${failed} up: all traffic to ${failed}`;
        } else if (health[failed].up) {
            if (next.recoveringSince === null) {
                next.recoveringSince = at;
                transition = "settle-started";
            }
            const upForMs = at - next.recoveringSince;
            if (upForMs >= settleMs) {
                next = failBack(next);
                transition = "failback";
                reason = `${failed} up for ${upForMs / 1000}s (settle ${config.settleSeconds}s): configured routing restored`;
            } else {
                reason = `${failed} up for ${upForMs / 1000}s of ${config.settleSeconds}s settle: still all traffic to ${survivor}`;
            }
        } else {
            if (next.recoveringSince !== null) {
                next.recoveringSince = null;
                transition = "settle-reset";
            }
            reason = health[survivor].up
                ? `${failed} still down: all traffic to ${survivor}`
                : `both groups down: routing unchanged (all traffic to ${survivor})`;
        }
    }

    if (unpinned && (transition === "none" || transition === "settle-started" || transition === "settle-reset")) {
        transition = "unpin";
        reason = `pin cleared; ${reason}`;
    }
    return result(next, transition, reason);
}

/**
 * Moves all traffic away from `failed`, and plans the survivor's scale-out, unless `failed`
 * carried no traffic in the configured routing (weight 0 and no route to it): then the survivor
 * takes nothing it did not have already.
 */
function failOver(state: FailoverState, failed: GroupRole, at: number, config: Pick<FailoverControllerConfig, "weights" | "routes">): FailoverState {
    const survivor = otherGroup(failed);
    let restores = state.restores;
    // The previous survivor (on a swap) is no longer carrying everything: put its capacity back.
    if (state.scaleOut && state.scaleOut.group !== survivor && state.scaleOut.originalDesired !== null) {
        restores = [...restores.filter((r) => r.group !== state.scaleOut!.group), state.scaleOut];
    }
    const carriedTraffic = config.weights[failed] > 0 || config.routes.some((r) => r.target === failed);
    if (!carriedTraffic) {
        // Any raise of the survivor still waiting to be put back stays in restores.
        return { ...state, failedGroup: failed, failedAt: at, recoveringSince: null, scaleOut: null, restores };
    }
    // If this survivor still has a raise waiting to be put back, keep its true original
    // instead of reading the raised value as the new original.
    const pending = restores.find((r) => r.group === survivor);
    restores = restores.filter((r) => r.group !== survivor);
    const scaleOut: CapacityRecord = { group: survivor, originalDesired: pending?.originalDesired ?? null, raisedTo: null, applied: false };
    return { ...state, failedGroup: failed, failedAt: at, recoveringSince: null, scaleOut, restores };
}

function failBack(state: FailoverState): FailoverState {
    const restores = state.scaleOut && state.scaleOut.originalDesired !== null
        ? [...state.restores.filter((r) => r.group !== state.scaleOut!.group), state.scaleOut]
        : state.restores;
    return { ...state, failedGroup: null, failedAt: null, recoveringSince: null, scaleOut: null, restores };
}

/** The part of the state worth persisting: everything but `lastObservedAt`, which changes every tick. */
export function persistentKey(state: FailoverState): string {
    const { lastObservedAt: _ignored, ...rest } = state;
    return JSON.stringify(rest);
}

/**
 * Reads a stored state. `{}` (the value Pulumi creates the parameter with) gives the initial
 * state; anything unreadable returns undefined so the caller can log it and start fresh.
 */
export function parseState(json: string): FailoverState | undefined {
    let v: any;
    try {
        v = JSON.parse(json);
    } catch {
        return undefined;
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
    if (Object.keys(v).length === 0) return initialState();
    const role = (x: unknown) => x === null || x === "primary" || x === "backup";
    const time = (x: unknown) => x === null || (typeof x === "number" && Number.isFinite(x));
    const count = (x: unknown) => x === null || (Number.isInteger(x) && (x as number) >= 0);
    const record = (r: any) => typeof r === "object" && r !== null && (r.group === "primary" || r.group === "backup") &&
        count(r.originalDesired) && count(r.raisedTo) && typeof r.applied === "boolean";
    const ok = v.version === 1 && role(v.failedGroup) && time(v.failedAt) && time(v.recoveringSince) && role(v.pinned) &&
        time(v.lastObservedAt) && (v.scaleOut === null || record(v.scaleOut)) && Array.isArray(v.restores) && v.restores.every(record);
    if (!ok) return undefined;
    return {
        version: 1, failedGroup: v.failedGroup, failedAt: v.failedAt, recoveringSince: v.recoveringSince, pinned: v.pinned,
        lastObservedAt: v.lastObservedAt, scaleOut: v.scaleOut, restores: v.restores,
    };
}
