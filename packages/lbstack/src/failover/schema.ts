import { z } from "zod";
import { int } from "../common/zod-helpers";
import { MAX_FAILOVER_ROUTES } from "./config-size";
import { STOP_MARGIN_MS } from "./controller-config";

/**
 * `traffic.failover`: the controller that moves all traffic to the healthy group when the other
 * fails (ALB weights alone never do: an all-unhealthy target group "fails open"), and back
 * after a settle period. On by default; `false` registers no controller.
 *
 * With failover on a stack takes at most {@link MAX_FAILOVER_ROUTES} (94) `routes`: the
 * controller's config, one 16-digit rule id per route, must fit in Lambda's 4 KB of environment
 * variables with every ARN and name at its longest (failover/config-size.ts has the byte math).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const FailoverSpecSchema = z.union([
    z.literal(false),
    z.strictObject({
        /**
         * A group with fewer healthy targets than this is down: `{ count: n }` (1 or more, at most
         * the group's capacity.max) or `{ percent: p }` of its registered targets (1–100).
         * Default `{ count: 1 }`: fail over when a group has no healthy target.
         */
        minHealthy: z.union([
            z.strictObject({ count: int(1, 10000, "targets") }),
            z.strictObject({ percent: int(1, 100, "%") }),
        ]).optional(),
        /** Seconds a recovered group must stay healthy before its configured weights come back, 1–3600. Default 30. */
        settleSeconds: int(1, 3600, "seconds").optional(),
        /** Seconds between health polls inside each one-minute invocation, 1–30. Default 5. */
        pollSeconds: int(1, 30, "seconds").optional(),
        /** Raise the surviving group's desired capacity toward the failed group's (within its own max) and restore it on failback. Default `true`. */
        scaleOut: z.boolean().optional(),
        /**
         * Reserve a concurrency of 1 for the controller Lambda, so that only one invocation runs at
         * a time. Default `true`.
         *
         * Reserving takes 1 from the account's concurrency quota, and AWS keeps 10 of it
         * unreserved: an account whose quota is still the new-account 10 cannot reserve any, and
         * `pulumi up` fails on the function. Set `false` there (or ask for a higher quota).
         *
         * Without it invocations may overlap (an alarm event during the minute's poll
         * run). Routing writes are safe anyway: each is planned against the live listener and
         * writes the same routing for the same health. The stored state is the risk (two runs
         * could each save what they saw, and a raise's original desired capacity could be lost),
         * so the controller then re-reads the state's version before every tick and before every
         * save, and re-plans from the newer state when another run wrote it. SSM has no
         * conditional write, so two saves within one GetParameter/PutParameter round trip (tens of
         * ms) can still both land, the later one winning; the next tick plans from that one.
         * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
         */
        reservedConcurrency: z.boolean().optional(),
    }),
]);
export type FailoverSpec = z.input<typeof FailoverSpecSchema>;

export const FAILOVER_DEFAULTS = { minHealthy: { count: 1 }, settleSeconds: 30, pollSeconds: 5, scaleOut: true, reservedConcurrency: true } as const;

/** Seconds assumed for the API calls and the listener change to take effect (DescribeTargetHealth, ModifyListener, propagation). */
export const FAILOVER_API_ALLOWANCE_SECONDS = 5;

/**
 * Seconds assumed from a minute's scheduled start to the first poll of that run: EventBridge
 * Scheduler's delivery, a Lambda cold start (arm64, 128 MB; rare, one environment is reused every
 * minute) and the reads of the state and the listener before the first poll. An allowance, not a
 * measurement: the real-AWS test (docs/aws-test.md) checks the figures it feeds.
 */
export const FAILOVER_START_ALLOWANCE_SECONDS = 3;

/**
 * G, the longest wait between two health polls, in seconds: max(P, M + C). Within a run the polls
 * are P apart (a tick is assumed shorter than P). Across the minute the last poll of a run is M =
 * STOP_MARGIN_MS (5 s) before its 60 s timeout (handler.ts, `nextTickDelayMs`) and the next run
 * polls first C = {@link FAILOVER_START_ALLOWANCE_SECONDS} after its scheduled start. 8 s with the
 * default poll of 5 s; P itself from 8 s up.
 */
export function pollGapSeconds(pollSeconds: number): number {
    return Math.max(pollSeconds, STOP_MARGIN_MS / 1000 + FAILOVER_START_ALLOWANCE_SECONDS);
}

export interface ResolvedFailover {
    minHealthy: { count: number } | { percent: number };
    settleSeconds: number;
    pollSeconds: number;
    scaleOut: boolean;
    reservedConcurrency: boolean;
}

export function resolveFailover(spec: z.output<typeof FailoverSpecSchema> | undefined): ResolvedFailover | false {
    if (spec === false) return false;
    return {
        minHealthy: spec?.minHealthy ?? { ...FAILOVER_DEFAULTS.minHealthy },
        settleSeconds: spec?.settleSeconds ?? FAILOVER_DEFAULTS.settleSeconds,
        pollSeconds: spec?.pollSeconds ?? FAILOVER_DEFAULTS.pollSeconds,
        scaleOut: spec?.scaleOut ?? FAILOVER_DEFAULTS.scaleOut,
        reservedConcurrency: spec?.reservedConcurrency ?? FAILOVER_DEFAULTS.reservedConcurrency,
    };
}

/** The health check figures the failover timing depends on. */
export interface HealthTiming { intervalSeconds: number; timeoutSeconds: number; healthyThreshold: number; unhealthyThreshold: number }

/**
 * Modeled failover timing for one group's health check (I interval, N unhealthy threshold,
 * H healthy threshold, T timeout, G the longest wait between two polls ({@link pollGapSeconds}),
 * A API allowance, S settle period):
 * - `floorSeconds` = I × N: the ALB's own detection; nothing can react sooner.
 * - `failoverSeconds` = N × I + T + G + A: worst case from the failure to all traffic on the other
 *   group (the target is unhealthy after N × I + T; the next poll comes within G).
 * - `failbackSeconds` = H × I + G + S + G + A: worst case from recovery to the configured weights.
 *   The recovery is seen at a poll (within G), the settle period is counted from that poll, and
 *   its end is seen only at a poll too (within G again).
 * Defaults (10 s × 2, T 5 s, P 5 s, S 30 s): 20, 38 and 71 s.
 */
export function failoverFigures(hc: HealthTiming, f: ResolvedFailover) {
    const a = FAILOVER_API_ALLOWANCE_SECONDS;
    const g = pollGapSeconds(f.pollSeconds);
    return {
        floorSeconds: hc.intervalSeconds * hc.unhealthyThreshold,
        failoverSeconds: hc.unhealthyThreshold * hc.intervalSeconds + hc.timeoutSeconds + g + a,
        failbackSeconds: hc.healthyThreshold * hc.intervalSeconds + g + f.settleSeconds + g + a,
        pollSeconds: f.pollSeconds,
        pollGapSeconds: g,
        settleSeconds: f.settleSeconds,
        apiAllowanceSeconds: a,
    };
}
