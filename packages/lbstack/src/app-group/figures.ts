import type { ResolvedGroup } from "../stack/schema";

/**
 * Modelled timings of a group's rolling deploy and scale-out, for the plan. Pure functions of the
 * resolved spec; the allowances for what AWS does not let us configure are stated here and in
 * docs/operations.md.
 */

/** Seconds assumed for what no setting controls. */
export const SCALE_OUT_ALLOWANCES = {
    /** RunInstances until the instance is running (EC2 typically takes 30–60 s). */
    launchSeconds: 45,
    /** Operating system boot plus user data until the application listens (Amazon Linux 2023, small user data). */
    bootSeconds: 60,
    /** Taking a pooled instance into service: already booted; a stopped or hibernated one must start first. */
    fromWarmPoolSeconds: { Running: 0, Stopped: 30, Hibernated: 20 },
} as const;

export interface ScaleOutSeconds {
    /** A new instance: launch + boot + warmup + healthy detection. */
    cold: number;
    /** An instance from a warm pool (the group's pool state, or Stopped when it has none): pool start + warmup + healthy detection. */
    warm: number;
    /** What this group gets: `warm` with a warm pool, else `cold`. */
    expected: number;
}

/** Seconds until a new target receives requests: healthyThreshold consecutive passing checks, one interval apart. */
export function healthyDetectionSeconds(g: ResolvedGroup): number {
    return g.healthCheck.healthyThreshold * g.healthCheck.intervalSeconds;
}

/**
 * Seconds from a scale-out decision until the new instance serves and counts:
 * - cold = launchSeconds + bootSeconds + scaling.instanceWarmupSeconds + healthyThreshold × intervalSeconds
 * - warm = fromWarmPoolSeconds[state] + scaling.instanceWarmupSeconds + healthyThreshold × intervalSeconds
 * (an upper bound: warmup and health checks start together and may overlap).
 */
export function scaleOutSeconds(g: ResolvedGroup): ScaleOutSeconds {
    const a = SCALE_OUT_ALLOWANCES;
    const tail = g.scaling.instanceWarmupSeconds + healthyDetectionSeconds(g);
    const cold = a.launchSeconds + a.bootSeconds + tail;
    const warm = a.fromWarmPoolSeconds[g.scaling.warmPool?.state ?? "Stopped"] + tail;
    return { cold, warm, expected: g.scaling.warmPool ? warm : cold };
}

export interface DeployFigures {
    /** Instances the refresh replaces: capacity.desired, or capacity.min when no desired is set. */
    instances: number;
    /** Instances replaced at once. */
    batchSize: number;
    batches: number;
    /** Seconds per batch: a cold start (launch + boot + warmup + healthy detection) plus the drain (deregistration delay). */
    batchSeconds: number;
    /** Seconds spent waiting at checkpoints below 100 %. */
    checkpointSeconds: number;
    /** Total: batches × batchSeconds + checkpointSeconds. */
    deploySeconds: number;
}

/**
 * How long an instance refresh of the group takes (`pulumi up` after a launch template change):
 * - N = capacity.desired ?? capacity.min (the group assumed at its configured size)
 * - batchSize = max(1, floor(N × maxHealthyPercent / 100) − ceil(N × minHealthyPercent / 100)):
 *   AWS keeps at least ceil(N × min %) healthy and runs at most floor(N × max %), and always
 *   replaces at least one instance at a time
 * - batches = ceil(N / batchSize)
 * - deploySeconds = batches × (cold scale-out + deregistrationDelaySeconds) + checkpointDelaySeconds × (checkpoints below 100 %)
 */
export function deployFigures(g: ResolvedGroup): DeployFigures {
    const n = g.capacity.desired ?? g.capacity.min;
    const d = g.deploy;
    const batchSize = Math.max(1, Math.floor((n * d.maxHealthyPercent) / 100) - Math.ceil((n * d.minHealthyPercent) / 100));
    const batches = n === 0 ? 0 : Math.ceil(n / batchSize);
    const batchSeconds = scaleOutSeconds(g).cold + g.deregistrationDelaySeconds;
    const pauses = n === 0 ? 0 : (d.checkpoints ?? []).filter((p) => p < 100).length;
    const checkpointSeconds = pauses * (d.checkpointDelaySeconds ?? 0);
    return { instances: n, batchSize, batches, batchSeconds, checkpointSeconds, deploySeconds: batches * batchSeconds + checkpointSeconds };
}

/** The fields `lbstack plan` adds to `figures.groups.<role>`. */
export function groupOperationsFigures(g: ResolvedGroup): { deploySeconds: number; scaleOutSeconds: ScaleOutSeconds } {
    return { deploySeconds: deployFigures(g).deploySeconds, scaleOutSeconds: scaleOutSeconds(g) };
}
