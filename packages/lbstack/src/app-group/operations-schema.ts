import { z } from "zod";
import { int } from "../common/zod-helpers";
import { cronIssue, isTimeZone } from "./cron";

/**
 * The per-group operations spec: `scaling` (how the group grows and shrinks) and `deploy` (how
 * `pulumi up` replaces running instances when the launch template changes). Field schemas check
 * ranges; rules that involve other fields (a scheduled max below min, a warm pool on a
 * mixed-instances group...) are in {@link scalingIssues} and {@link deployIssues}.
 */

const seconds = (min: number, max: number) => int(min, max, "seconds");
const instances = int(0, 10000, "instances");

/** One scheduled action. https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html */
export const ScheduledActionSchema = z.strictObject({
    /** Action name, 1–255 characters, unique within the group. Default `schedule-<index>`. */
    name: z.string().min(1, { error: "must not be empty" }).max(255, { error: "must be at most 255 characters" }).optional(),
    /**
     * When the action runs: Unix cron with 5 fields, `minute hour day-of-month month day-of-week`
     * (e.g. `"0 8 * * 1-5"`: 08:00 Monday to Friday), in `timeZone`. Required.
     */
    cron: z.string().superRefine((s, ctx) => {
        const issue = cronIssue(s);
        if (issue) ctx.addIssue({ code: "custom", message: issue });
    }),
    /** IANA time zone of the cron expression, e.g. `Europe/Paris` (daylight saving time is followed). Default: UTC. */
    timeZone: z.string().refine(isTimeZone, { error: 'must be an IANA time zone name such as "Europe/Paris", "America/New_York" or "UTC"' }).optional(),
    /** Group minimum from this time on, 0–10000. Default: unchanged. */
    min: instances.optional(),
    /** Group maximum from this time on, 0–10000, at least min. Default: unchanged. */
    max: instances.optional(),
    /** Desired capacity set at this time, within [min, max]; scaling policies move it afterwards. Default: unchanged. */
    desired: instances.optional(),
});
export type ScheduledActionSpec = z.input<typeof ScheduledActionSchema>;

/** One step of a step scaling policy, in the metric's own unit (absolute values, not offsets). */
export const StepSchema = z.strictObject({
    /** The step applies when the metric is ≥ lower. Omit on the lowest scale-in step (no lower bound). */
    lower: z.number().optional(),
    /** The step applies when the metric is < upper. Omit on the highest scale-out step (no upper bound). */
    upper: z.number().optional(),
    /** Instances (or percent, with PercentChangeInCapacity) to add (> 0) or remove (< 0); not 0. */
    change: z.number().int({ error: "must be a whole number" }).refine((n) => n !== 0, { error: "must not be 0 (positive adds capacity, negative removes it)" }),
});

/**
 * Step scaling on a metric of yours: steps with a positive change scale out, steps with a
 * negative change scale in; each direction gets its own CloudWatch alarm and policy.
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
 */
export const StepScalingSchema = z.strictObject({
    /** The CloudWatch metric. */
    metric: z.strictObject({
        /** Namespace, 1–255 characters, e.g. `MyApp` or `AWS/SQS`. */
        namespace: z.string().min(1, { error: "must not be empty" }).max(255, { error: "must be at most 255 characters" }),
        /** Metric name, 1–255 characters. */
        name: z.string().min(1, { error: "must not be empty" }).max(255, { error: "must be at most 255 characters" }),
        /** Dimensions, at most 30 (CloudWatch limit), names and values 1–255 characters. Default: none. */
        dimensions: z.record(z.string().min(1).max(255, { error: "must be at most 255 characters" }), z.string().min(1, { error: "must not be empty" }).max(255, { error: "must be at most 255 characters" }))
            .refine((d) => Object.keys(d).length <= 30, { error: "at most 30 dimensions (CloudWatch limit)" }).optional(),
        /** Statistic over each 60 s period. */
        statistic: z.enum(["Average", "Sum", "Minimum", "Maximum", "SampleCount"]),
    }),
    /** The steps, contiguous per direction. At least one. */
    steps: z.array(StepSchema).min(1, { error: "must list at least one step" }).max(20, { error: "at most 20 steps" }),
    /** `ChangeInCapacity` (instances) or `PercentChangeInCapacity`. Default `ChangeInCapacity`. */
    adjustmentType: z.enum(["ChangeInCapacity", "PercentChangeInCapacity"]).optional(),
});
export type StepScalingSpec = z.input<typeof StepScalingSchema>;

/**
 * A warm pool of pre-initialised instances the group scales out from in seconds instead of
 * minutes. Needs exactly one pinned instance type (AWS refuses a warm pool on a group with a
 * mixed-instances policy). https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-warm-pools.html
 */
export const WarmPoolSchema = z.strictObject({
    /** State of pooled instances: `Stopped` (pay for EBS only), `Running` (pay for the instance), `Hibernated` (needs a hibernation-enabled launch template). Default `Stopped`. */
    state: z.enum(["Stopped", "Running", "Hibernated"]).optional(),
    /** Fewest instances kept in the pool, ≥ 0. Default 0. */
    minSize: int(0, 10000, "instances").optional(),
    /** Most instances in the pool plus the group, ≥ -1; -1 means the group's capacity.max. Default -1. */
    maxPreparedCapacity: int(-1, 10000, "instances").optional(),
    /** Return instances to the pool on scale in instead of terminating them. Default `false`. */
    reuseOnScaleIn: z.boolean().optional(),
});

/** Predictive scaling on CPU. https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-predictive-scaling.html */
export const PredictiveSchema = z.strictObject({
    /** `ForecastOnly` (forecasts, no action: review them first) or `ForecastAndScale`. Default `ForecastOnly`. */
    mode: z.enum(["ForecastOnly", "ForecastAndScale"]).optional(),
    /** CPU the forecast plans capacity for, 1–100 %. Default: scaling.cpuTargetPercent. */
    cpuTargetPercent: int(1, 100, "%").optional(),
});

/** `scaling` of a group. https://docs.aws.amazon.com/autoscaling/ec2/userguide/scale-your-group.html */
export const ScalingSchema = z.strictObject({
    /**
     * Target tracking on the group's average CPU, 1–100 %, or `false` for none. Default 50.
     * https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
     */
    cpuTargetPercent: z.union([int(1, 100, "%"), z.literal(false)]).optional(),
    /** Target tracking on ALB requests per target per minute (> 0, application load balancer only). Default: none. */
    requestsPerTarget: z.number({ error: "must be a number (requests per target per minute)" }).positive({ error: "must be greater than 0" }).optional(),
    /**
     * Seconds after launch before a new instance's metrics count (the group's DefaultInstanceWarmup),
     * 0–3600: keeps scale-out from adding more instances while the first ones boot. Default: healthCheck.gracePeriodSeconds (120), at most 3600.
     * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html
     */
    instanceWarmupSeconds: seconds(0, 3600).optional(),
    /**
     * How long the metric must stay below a step-scaling scale-in threshold before instances are
     * removed: 60–86400 s in whole minutes (the scale-in alarm's evaluation window). Default 300.
     * Target tracking needs none: AWS scales it in gradually by design (EC2 Auto Scaling has no
     * cooldown for target tracking or step policies; `Cooldown` applies to simple scaling only).
     */
    scaleInCooldownSeconds: seconds(60, 86400).refine((n) => n % 60 === 0, { error: "must be a whole number of minutes (a multiple of 60 seconds)" }).optional(),
    /** Scheduled actions (e.g. business hours up, nights down), at most 125 per group (AWS default quota). Default: none. */
    schedule: z.array(ScheduledActionSchema).max(125, { error: "at most 125 scheduled actions per group (AWS default quota)" }).optional(),
    /** Step scaling on a metric of yours. Default: none. */
    stepScaling: StepScalingSchema.optional(),
    /** Predictive scaling on CPU. Default: none. */
    predictive: PredictiveSchema.optional(),
    /** A warm pool. Default: none. */
    warmPool: WarmPoolSchema.optional(),
});
export type ScalingSpec = z.input<typeof ScalingSchema>;

/**
 * `deploy` of a group: the instance refresh that replaces running instances when the launch
 * template changes (new AMI, user data, instance spec). https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-refresh.html
 */
export const DeploySchema = z.strictObject({
    /** Capacity kept healthy during a refresh, 0–100 % of desired. Default 90. */
    minHealthyPercent: int(0, 100, "%").optional(),
    /** Capacity allowed during a refresh (new instances launch before old ones stop), 100–200 % of desired, at most minHealthyPercent + 100. Default 110. */
    maxHealthyPercent: int(100, 200, "%").optional(),
    /** Seconds a new instance gets before the refresh moves on, 0–3600. Default: scaling.instanceWarmupSeconds. */
    warmupSeconds: seconds(0, 3600).optional(),
    /** Percentages (1–100, ascending, unique) at which the refresh pauses for checkpointDelaySeconds. Default: none. */
    checkpoints: z.array(int(1, 100, "%")).min(1, { error: "must list at least one percentage (or leave it out)" }).optional(),
    /** Seconds to pause at each checkpoint, 0–172800. Needs checkpoints. Default 3600 (AWS default). */
    checkpointDelaySeconds: seconds(0, 172800).optional(),
    /**
     * Stop the refresh when one of the stack's alarms fires (5xx rate, p99 latency, this group's
     * unhealthy / no healthy hosts). Default `true` when monitoring is on and the group has alarms.
     */
    rollbackOnAlarm: z.boolean().optional(),
    /**
     * Ask AWS to roll back a failed refresh. Default `false`: the AWS provider moves the group to
     * the new template version before it starts the refresh (terraform-provider-aws#34189), so
     * AWS would "roll back" to the new version; revert your change and `pulumi up` instead.
     */
    autoRollback: z.boolean().optional(),
});
export type DeploySpec = z.input<typeof DeploySchema>;

export const SCALING_DEFAULTS = {
    cpuTargetPercent: 50,
    scaleInCooldownSeconds: 300,
    predictiveMode: "ForecastOnly",
    adjustmentType: "ChangeInCapacity",
    warmPool: { state: "Stopped", minSize: 0, maxPreparedCapacity: -1, reuseOnScaleIn: false },
    /** The scale-out alarm of step scaling: 2 of 2 one-minute periods above the threshold. */
    stepOutAlarm: { periodSeconds: 60, evaluationPeriods: 2 },
} as const;

export const DEPLOY_DEFAULTS = { minHealthyPercent: 90, maxHealthyPercent: 110, checkpointDelaySeconds: 3600, autoRollback: false } as const;

export interface ResolvedScheduledAction { name: string; cron: string; timeZone?: string; min?: number; max?: number; desired?: number }
export interface ResolvedStep { lower?: number; upper?: number; change: number }
export interface ResolvedStepScaling {
    metric: { namespace: string; name: string; dimensions: Record<string, string>; statistic: "Average" | "Sum" | "Minimum" | "Maximum" | "SampleCount" };
    steps: ResolvedStep[];
    adjustmentType: "ChangeInCapacity" | "PercentChangeInCapacity";
}

/** A group's scaling with every default filled in (units and ranges as in {@link ScalingSchema}). */
export interface ResolvedScaling {
    /** CPU target in %, or false for no CPU target tracking. */
    cpuTargetPercent: number | false;
    /** ALB requests per target per minute, when set. */
    requestsPerTarget?: number;
    /** The group's DefaultInstanceWarmup, seconds. */
    instanceWarmupSeconds: number;
    /** Evaluation window of the step-scaling scale-in alarm, seconds. */
    scaleInCooldownSeconds: number;
    /** Scheduled actions, each with its name. */
    schedule: ResolvedScheduledAction[];
    stepScaling?: ResolvedStepScaling;
    /** cpuTargetPercent is undefined only in an invalid spec (predictive with no target). */
    predictive?: { mode: "ForecastOnly" | "ForecastAndScale"; cpuTargetPercent?: number };
    warmPool?: { state: "Stopped" | "Running" | "Hibernated"; minSize: number; maxPreparedCapacity: number; reuseOnScaleIn: boolean };
}

/** A group's deploy settings with every default filled in (units and ranges as in {@link DeploySchema}). */
export interface ResolvedDeploy {
    minHealthyPercent: number;
    maxHealthyPercent: number;
    /** The refresh's InstanceWarmup, seconds. */
    warmupSeconds: number;
    checkpoints?: number[];
    /** Seconds at each checkpoint; set whenever checkpoints are. */
    checkpointDelaySeconds?: number;
    /** The refresh stops when one of the stack's alarms fires. */
    rollbackOnAlarm: boolean;
    /** AWS's own rollback of a failed refresh (see DeploySchema.autoRollback). */
    autoRollback: boolean;
}

type ParsedScaling = z.output<typeof ScalingSchema>;
type ParsedDeploy = z.output<typeof DeploySchema>;

/** Fills in the scaling defaults; `gracePeriodSeconds` is the group's health check grace period. */
export function resolveScaling(raw: ParsedScaling | undefined, gracePeriodSeconds: number): ResolvedScaling {
    const s = raw ?? {};
    const cpu = s.cpuTargetPercent ?? SCALING_DEFAULTS.cpuTargetPercent;
    const d = SCALING_DEFAULTS.warmPool;
    return {
        cpuTargetPercent: cpu,
        ...(s.requestsPerTarget !== undefined ? { requestsPerTarget: s.requestsPerTarget } : {}),
        // The warmup takes at most 3600 s; a longer grace period still bounds health checks only.
        instanceWarmupSeconds: s.instanceWarmupSeconds ?? Math.min(gracePeriodSeconds, 3600),
        scaleInCooldownSeconds: s.scaleInCooldownSeconds ?? SCALING_DEFAULTS.scaleInCooldownSeconds,
        schedule: (s.schedule ?? []).map((a, i) => ({ ...a, name: a.name ?? `schedule-${i}` })),
        ...(s.stepScaling ? {
            stepScaling: {
                metric: { ...s.stepScaling.metric, dimensions: s.stepScaling.metric.dimensions ?? {} },
                steps: s.stepScaling.steps,
                adjustmentType: s.stepScaling.adjustmentType ?? SCALING_DEFAULTS.adjustmentType,
            },
        } : {}),
        ...(s.predictive ? {
            predictive: {
                mode: s.predictive.mode ?? SCALING_DEFAULTS.predictiveMode,
                cpuTargetPercent: s.predictive.cpuTargetPercent ?? (cpu === false ? undefined : cpu),
            },
        } : {}),
        ...(s.warmPool ? {
            warmPool: {
                state: s.warmPool.state ?? d.state,
                minSize: s.warmPool.minSize ?? d.minSize,
                maxPreparedCapacity: s.warmPool.maxPreparedCapacity ?? d.maxPreparedCapacity,
                reuseOnScaleIn: s.warmPool.reuseOnScaleIn ?? d.reuseOnScaleIn,
            },
        } : {}),
    };
}

/** Fills in the deploy defaults; `alarmsAvailable`: monitoring is on and the group has rollback alarms. */
export function resolveDeploy(raw: ParsedDeploy | undefined, scaling: ResolvedScaling, alarmsAvailable: boolean): ResolvedDeploy {
    const d = raw ?? {};
    return {
        minHealthyPercent: d.minHealthyPercent ?? DEPLOY_DEFAULTS.minHealthyPercent,
        maxHealthyPercent: d.maxHealthyPercent ?? DEPLOY_DEFAULTS.maxHealthyPercent,
        warmupSeconds: d.warmupSeconds ?? scaling.instanceWarmupSeconds,
        ...(d.checkpoints ? { checkpoints: d.checkpoints, checkpointDelaySeconds: d.checkpointDelaySeconds ?? DEPLOY_DEFAULTS.checkpointDelaySeconds } : {}),
        rollbackOnAlarm: d.rollbackOnAlarm ?? alarmsAvailable,
        autoRollback: d.autoRollback ?? DEPLOY_DEFAULTS.autoRollback,
    };
}

/** A cross-field problem, with a path relative to the group (e.g. `["scaling", "warmPool"]`). */
export interface GroupIssue { path: (string | number)[]; value: unknown; message: string }

/** What the scaling rules need to know about the group beyond its scaling spec. */
export interface ScalingContext {
    capacity: { min: number; max: number };
    loadBalancerType: "application" | "network";
    /** How the group launches: a warm pool needs `template` (one pinned type, no mixed-instances policy). */
    launchMode: "template" | "pinned-types" | "attribute-based";
}

/** Cross-field scaling rules of one group (ranges are in the field schemas). */
export function scalingIssues(s: ResolvedScaling, raw: ParsedScaling | undefined, ctx: ScalingContext): GroupIssue[] {
    const issues: GroupIssue[] = [];
    const push = (path: (string | number)[], value: unknown, message: string) => issues.push({ path: ["scaling", ...path], value, message });
    const cap = ctx.capacity;

    if (s.requestsPerTarget !== undefined && ctx.loadBalancerType === "network") {
        push(["requestsPerTarget"], s.requestsPerTarget, "needs an application load balancer (ALBRequestCountPerTarget); network load balancers publish no request count");
    }

    const names = new Map<string, number>();
    s.schedule.forEach((a, i) => {
        const at = (field: string) => ["schedule", i, field];
        if (a.min === undefined && a.max === undefined && a.desired === undefined) {
            push(["schedule", i], raw?.schedule?.[i], "must set at least one of min, max or desired");
        }
        // A field the action leaves out keeps its current value; judge against the group's capacity then.
        const min = a.min ?? cap.min;
        const max = a.max ?? cap.max;
        const minWhy = a.min === undefined ? `, the group's capacity.min; set min in this action too` : "";
        const maxWhy = a.max === undefined ? `, the group's capacity.max; set max in this action too` : "";
        if (max < min) {
            if (a.max !== undefined) push(at("max"), a.max, `must be at least min (${min}${minWhy})`);
            else push(at("min"), a.min, `must be at most max (${max}${maxWhy})`);
        }
        if (a.desired !== undefined && max >= min) {
            if (a.desired < min) push(at("desired"), a.desired, `must be at least min (${min}${minWhy})`);
            if (a.desired > max) push(at("desired"), a.desired, `must be at most max (${max}${maxWhy})`);
        }
        if (names.has(a.name)) push(at("name"), a.name, `is already used by schedule[${names.get(a.name)}]; names must be unique within the group`);
        else names.set(a.name, i);
    });

    if (s.stepScaling) stepIssues(s.stepScaling, push);

    if (s.predictive && s.predictive.cpuTargetPercent === undefined) {
        push(["predictive", "cpuTargetPercent"], undefined, "is required when cpuTargetPercent is false: predictive scaling needs a CPU target to plan for");
    }

    if (s.warmPool) {
        if (cap.max === 0) push(["warmPool"], raw?.warmPool, "cannot be used on a group whose capacity.max is 0 (it would never launch an instance)");
        const wp = s.warmPool;
        if (wp.maxPreparedCapacity !== -1 && wp.minSize > wp.maxPreparedCapacity) {
            push(["warmPool", "minSize"], wp.minSize, `must be at most warmPool.maxPreparedCapacity (${wp.maxPreparedCapacity})`);
        }
        if (ctx.launchMode !== "template") {
            const why = ctx.launchMode === "attribute-based" ? "attribute-based instance selection" : "several instance types";
            push(["warmPool"], raw?.warmPool, `needs exactly one pinned instance type (instance.instanceTypes: ["m7i.large"]): AWS refuses a warm pool on a group with a mixed-instances policy, which ${why} uses`);
        }
    }
    return issues;
}

type Push = (path: (string | number)[], value: unknown, message: string) => void;

/**
 * Steps of each direction must tile the metric axis without gaps or overlaps, starting at the
 * alarm threshold: scale-out steps from the lowest `lower` up to an open-ended last step,
 * scale-in steps from the highest `upper` down to an open-ended last step.
 */
function stepIssues(st: ResolvedStepScaling, push: Push) {
    const at = (i: number, field: string) => ["stepScaling", "steps", i, field];
    st.steps.forEach((s, i) => {
        if (s.lower !== undefined && s.upper !== undefined && s.lower >= s.upper) push(at(i, "upper"), s.upper, `must be greater than lower (${s.lower})`);
    });
    const indexed = st.steps.map((s, i) => ({ ...s, i }));
    const out = indexed.filter((s) => s.change > 0);
    const inn = indexed.filter((s) => s.change < 0);

    out.forEach((s) => {
        if (s.lower === undefined) push(at(s.i, "lower"), undefined, "is required on a scale-out step (change > 0): the step starts where the metric crosses it");
    });
    const outSorted = out.filter((s) => s.lower !== undefined).sort((a, b) => a.lower! - b.lower!);
    outSorted.forEach((s, k) => {
        const next = outSorted[k + 1];
        if (next === undefined) {
            if (s.upper !== undefined) push(at(s.i, "upper"), s.upper, "must be left out on the highest scale-out step (it covers everything above its lower bound)");
        } else if (s.upper === undefined) {
            push(at(s.i, "upper"), undefined, `is required: the next scale-out step starts at ${next.lower}`);
        } else if (s.upper !== next.lower) {
            push(at(s.i, "upper"), s.upper, `must equal the next scale-out step's lower bound (${next.lower}): steps may not leave gaps or overlap`);
        }
    });

    inn.forEach((s) => {
        if (s.upper === undefined) push(at(s.i, "upper"), undefined, "is required on a scale-in step (change < 0): the step starts where the metric falls below it");
    });
    const inSorted = inn.filter((s) => s.upper !== undefined).sort((a, b) => b.upper! - a.upper!);
    inSorted.forEach((s, k) => {
        const next = inSorted[k + 1];
        if (next === undefined) {
            if (s.lower !== undefined) push(at(s.i, "lower"), s.lower, "must be left out on the lowest scale-in step (it covers everything below its upper bound)");
        } else if (s.lower === undefined) {
            push(at(s.i, "lower"), undefined, `is required: the next scale-in step ends at ${next.upper}`);
        } else if (s.lower !== next.upper) {
            push(at(s.i, "lower"), s.lower, `must equal the next scale-in step's upper bound (${next.upper}): steps may not leave gaps or overlap`);
        }
    });

    const outThreshold = outSorted[0]?.lower;
    const inThreshold = inSorted[0]?.upper;
    if (outThreshold !== undefined && inThreshold !== undefined && inThreshold > outThreshold) {
        push(["stepScaling", "steps"], undefined, `scale-in starts below ${inThreshold}, above where scale-out starts (${outThreshold}): the group would scale out and in at once`);
    }
}

/** Cross-field deploy rules of one group. `alarms`: the names of the rollback alarms the group would get. */
export function deployIssues(d: ResolvedDeploy, raw: ParsedDeploy | undefined, alarms: { monitoring: boolean; count: number }): GroupIssue[] {
    const issues: GroupIssue[] = [];
    const push = (path: (string | number)[], value: unknown, message: string) => issues.push({ path: ["deploy", ...path], value, message });
    if (d.maxHealthyPercent - d.minHealthyPercent > 100) {
        const which = raw?.maxHealthyPercent !== undefined ? "maxHealthyPercent" : "minHealthyPercent";
        push([which], which === "maxHealthyPercent" ? d.maxHealthyPercent : d.minHealthyPercent,
            `maxHealthyPercent (${d.maxHealthyPercent}) − minHealthyPercent (${d.minHealthyPercent}) must be at most 100`);
    }
    if (raw?.checkpoints) {
        raw.checkpoints.forEach((p, i) => {
            if (i > 0 && p <= raw.checkpoints![i - 1]) push(["checkpoints", i], p, `must be greater than the checkpoint before it (${raw.checkpoints![i - 1]}): checkpoints are unique and ascending`);
        });
    }
    if (raw?.checkpointDelaySeconds !== undefined && !raw.checkpoints) {
        push(["checkpointDelaySeconds"], raw.checkpointDelaySeconds, "needs checkpoints (the percentages at which the refresh pauses)");
    }
    if (raw?.rollbackOnAlarm === true && alarms.count === 0) {
        push(["rollbackOnAlarm"], true, alarms.monitoring
            ? "has no alarm to watch: every alarm that applies to this group is turned off in monitoring.alarms"
            : "has no alarm to watch: monitoring is false (turn monitoring on, or set rollbackOnAlarm to false)");
    }
    return issues;
}
