import type { PlannedComponent } from "../common/registry";
import { TYPE_TOKENS } from "../common/tokens";
import { GROUP_ROLES, GroupRole, initialRouting, ResolvedGroup, ResolvedStackSpec } from "../stack/schema";
import { groupOperationsFigures } from "../app-group/figures";
import { alarmDefinitions, alarmFigures } from "../monitoring/alarms";
import { failoverFigures } from "../failover/schema";

/**
 * The figures `lbstack plan` reports: numbers a user would otherwise work out by hand from the
 * spec (how fast a dead instance is noticed, how many vCPUs the groups can reach...). Pure: every
 * figure is computed from a component's resolved spec (defaults filled in), never from AWS.
 *
 * Sections keep it open for later figures: a {@link GroupFigureSection} adds fields to each
 * `groups.<primary|backup>` entry (e.g. `deploySeconds`, `scaleOutSeconds`), a
 * {@link StackFigureSection} adds one top-level key (e.g. `failover`, `alarms`). Append a section
 * to {@link GROUP_FIGURE_SECTIONS} or {@link STACK_FIGURE_SECTIONS}; the renderers show unknown
 * fields generically.
 */

/** An inclusive range of a quantity. */
export interface FigureRange {
    /** At the group's minimum capacity. */
    min: number;
    /** At the group's maximum capacity. */
    max: number;
}

/** Figures of one application group (primary or backup). */
export interface GroupFigures {
    /**
     * Seconds from an instance's failure until the load balancer stops sending it requests:
     * `healthCheck.intervalSeconds × healthCheck.unhealthyThreshold` (at most one interval more,
     * depending on when the failure falls between checks).
     */
    failureDetectionSeconds: number;
    /**
     * Seconds from an instance answering again (or a new one starting to answer) until it gets
     * requests: `healthCheck.intervalSeconds × healthCheck.healthyThreshold`.
     */
    recoverySeconds: number;
    /** Seconds a deregistering instance keeps serving its in-flight requests: `deregistrationDelaySeconds`. */
    drainSeconds: number;
    /** Instances: `capacity.min` to `capacity.max`. */
    capacity: FigureRange;
    /**
     * vCPUs of the whole group: `capacity.min × vcpus.min` to `capacity.max × (vcpus.max ?? vcpus.min)`.
     * The floor assumes the smallest instances attribute-based selection may pick, the ceiling the
     * largest it may pick (when the spec gives no maximum, the minimum: the least the group is sure to reach).
     */
    vcpus: FigureRange;
    /** Memory of the whole group in GiB, computed like {@link vcpus} from `memoryGiB`, rounded to 0.01 GiB. */
    memoryGiB: FigureRange;
    /** Fields added by later sections. */
    [field: string]: unknown;
}

/** Figures of one `LoadBalancedStack`. */
export interface StackFigures {
    /** Per group. */
    groups: Record<GroupRole, GroupFigures>;
    /**
     * Percent of the default action's requests each group gets: `weight / (primary + backup) × 100`,
     * rounded to 0.1; with `traffic.pin` set, 100 for the pinned group and 0 for the other (what
     * the listener is created with). Requests matched by routes go to the route's group.
     */
    traffic: Record<GroupRole, number>;
    /** Sections added later (`failover`, `alarms`, ...). */
    [section: string]: unknown;
}

/**
 * The `figures` object of a plan. With exactly one `LoadBalancedStack` the stack's figures sit
 * at the top (`figures.groups.primary.…`, `figures.traffic`); with several they are keyed by
 * stack name (`figures.stacks.<name>.groups…`); with none only `resourceCount` remains.
 */
export type PlanFigures =
    | (StackFigures & { resourceCount: number })
    | { stacks: Record<string, StackFigures>; resourceCount: number }
    | { resourceCount: number };

/** What a section computes from: one stack's resolved spec, plus every component the program recorded. */
export interface FigureContext {
    /** The stack's logical name. */
    name: string;
    /** Its resolved spec. */
    spec: ResolvedStackSpec;
    /** Every component the program recorded (sections for other components find their specs here). */
    components: readonly PlannedComponent[];
}

/** Adds fields to each group's figures. */
export interface GroupFigureSection {
    /** Returns the fields to add to `groups.<role>`; later sections may not overwrite earlier fields. */
    compute(group: ResolvedGroup, context: FigureContext): Record<string, unknown>;
}

/** Adds one top-level key to a stack's figures. */
export interface StackFigureSection {
    /** The key, e.g. `traffic`. */
    key: string;
    /** The value, or undefined to leave the key out (e.g. no failover controller configured). */
    compute(context: FigureContext): unknown;
}

/** Rounds to `step` (0.1, 0.01...) without binary noise such as 0.30000000000000004. */
function roundTo(value: number, step: number): number {
    const inverse = Math.round(1 / step);
    return Math.round(value * inverse) / inverse;
}

/** `capacity × per-instance amount`: the minimum with the minimum, the maximum with the maximum (or the minimum when open-ended). */
function scaled(capacity: { min: number; max: number }, perInstance: { min: number; max?: number }, step: number): FigureRange {
    return { min: roundTo(capacity.min * perInstance.min, step), max: roundTo(capacity.max * (perInstance.max ?? perInstance.min), step) };
}

/** Health check timings: how fast failure and recovery are noticed, and how long draining takes. */
export const healthFigures: GroupFigureSection = {
    compute: (g) => ({
        failureDetectionSeconds: g.healthCheck.intervalSeconds * g.healthCheck.unhealthyThreshold,
        recoverySeconds: g.healthCheck.intervalSeconds * g.healthCheck.healthyThreshold,
        drainSeconds: g.deregistrationDelaySeconds,
    }),
};

/** Instances, vCPUs and memory between the group's minimum and maximum capacity. */
export const capacityFigures: GroupFigureSection = {
    compute: (g) => ({
        capacity: { min: g.capacity.min, max: g.capacity.max },
        vcpus: scaled(g.capacity, g.instance.vcpus, 1),
        memoryGiB: scaled(g.capacity, g.instance.memoryGiB, 0.01),
    }),
};

/** The sections of `groups.<role>`, in output order. */
export const GROUP_FIGURE_SECTIONS: GroupFigureSection[] = [healthFigures, capacityFigures, operationsFigures()];

/** Request shares of the default action, in percent. */
export function trafficShares(weights: Record<GroupRole, number>): Record<GroupRole, number> {
    const total = weights.primary + weights.backup;
    // Validation refuses two zero weights; guard anyway so a figure is never NaN.
    if (total === 0) return { primary: 0, backup: 0 };
    return { primary: roundTo((weights.primary / total) * 100, 0.1), backup: roundTo((weights.backup / total) * 100, 0.1) };
}

/** The `groups` section: every {@link GROUP_FIGURE_SECTIONS} entry for both groups. */
export function groupsSection(sections: readonly GroupFigureSection[] = GROUP_FIGURE_SECTIONS): StackFigureSection {
    return {
        key: "groups",
        compute: (context) => Object.fromEntries(GROUP_ROLES.map((role) => {
            const group = context.spec.groups[role];
            const fields: Record<string, unknown> = {};
            for (const section of sections) {
                for (const [key, value] of Object.entries(section.compute(group, context))) {
                    if (!(key in fields)) fields[key] = value;
                }
            }
            return [role, fields];
        })),
    };
}

/** The top-level sections of a stack's figures, in output order. */
export const STACK_FIGURE_SECTIONS: StackFigureSection[] = [
    groupsSection(),
    { key: "traffic", compute: (context) => trafficShares(initialRouting(context.spec).weights) },
    failoverSection(),
    alarmsSection(),
];

/** One stack's figures: every section that returns a value. */
export function stackFigures(context: FigureContext, sections: readonly StackFigureSection[] = STACK_FIGURE_SECTIONS): StackFigures {
    const out: Record<string, unknown> = {};
    for (const section of sections) {
        const value = section.compute(context);
        if (value !== undefined) out[section.key] = value;
    }
    return out as StackFigures;
}

/** What {@link planFigures} reads from a plan run. */
export interface FigureInput {
    /** Components recorded by the program (their resolved specs). */
    components: readonly PlannedComponent[];
    /** Every resource registered, custom and component (the root `pulumi:pulumi:Stack` excluded). */
    resources: readonly unknown[];
}

/**
 * The plan's figures. `resourceCount` is every resource the program registers: custom (cloud)
 * resources plus component resources (lbstack's and awsx's), without the root
 * `pulumi:pulumi:Stack`. Resources that a remote component (the awsx VPC) creates inside its
 * provider at deploy time are not visible to a plan and not counted.
 */
export function planFigures(input: FigureInput, sections: readonly StackFigureSection[] = STACK_FIGURE_SECTIONS): PlanFigures {
    const stacks = input.components.filter((c) => c.type === TYPE_TOKENS.LoadBalancedStack);
    const resourceCount = input.resources.length;
    const figuresOf = (c: PlannedComponent) => stackFigures({ name: c.name, spec: c.spec as ResolvedStackSpec, components: input.components }, sections);
    if (stacks.length === 0) return { resourceCount };
    if (stacks.length === 1) return { ...figuresOf(stacks[0]), resourceCount };
    return { stacks: Object.fromEntries(stacks.map((c) => [c.name, figuresOf(c)])), resourceCount };
}

/**
 * Rolling deploy and scale-out timings: `deploySeconds` and `scaleOutSeconds { cold, warm,
 * expected }` (formulas and allowances in app-group/figures.ts and docs/operations.md).
 */
export function operationsFigures(): GroupFigureSection {
    return { compute: (g) => groupOperationsFigures(g) };
}

/** `alarms`: `{ name, metric, threshold }` of every CloudWatch alarm the stack creates; `[]` with monitoring off. */
export function alarmsSection(): StackFigureSection {
    return {
        key: "alarms",
        compute: ({ spec }) => spec.monitoring === false ? [] : alarmFigures(alarmDefinitions(spec.monitoring, { loadBalancerType: spec.loadBalancer.type, groups: spec.groups })),
    };
}

/**
 * `failover`: modeled timing of the failover controller (formulas in failover/schema.ts and the
 * README): `floorSeconds` = I × N, `failoverSeconds` = N × I + T + G + 5 s, `failbackSeconds` =
 * H × I + G + S + G + 5 s, with G = `pollGapSeconds` = max(P, 5 s stop margin + 3 s start-up), the
 * longest wait between two polls. The top-level numbers are the slower of the two groups (a
 * group's own health check decides how fast it is seen to fail and to recover); `groups` has
 * each. Absent when `traffic.failover` is false.
 */
export function failoverSection(): StackFigureSection {
    return {
        key: "failover",
        compute: ({ spec }) => {
            const f = spec.traffic.failover;
            if (f === false) return undefined;
            const per = Object.fromEntries(GROUP_ROLES.map((role) => [role, failoverFigures(spec.groups[role].healthCheck, f)])) as Record<GroupRole, ReturnType<typeof failoverFigures>>;
            const worst = (k: "floorSeconds" | "failoverSeconds" | "failbackSeconds") => Math.max(per.primary[k], per.backup[k]);
            return {
                floorSeconds: worst("floorSeconds"),
                failoverSeconds: worst("failoverSeconds"),
                failbackSeconds: worst("failbackSeconds"),
                pollSeconds: f.pollSeconds,
                pollGapSeconds: per.primary.pollGapSeconds,
                settleSeconds: f.settleSeconds,
                apiAllowanceSeconds: per.primary.apiAllowanceSeconds,
                groups: Object.fromEntries(GROUP_ROLES.map((role) => [role, { floorSeconds: per[role].floorSeconds, failoverSeconds: per[role].failoverSeconds, failbackSeconds: per[role].failbackSeconds }])),
            };
        },
    };
}
