/**
 * Pure helpers of the real-AWS test (test/aws/quickstart.aws.ts): what it needs to run, the
 * statistics of the weight check, reading the plan's modeled figures, and turning a stream of
 * timed responses into failover and failback times. No I/O: `test/aws/measure.test.ts` checks
 * them in the normal `npm test` run.
 */
import * as fs from "fs";
import * as path from "path";

/** What the environment offers; the runner fills it from `process.env`, `~/.aws` and PATH. */
export interface Environment {
    env: Record<string, string | undefined>;
    /** Whether a file exists (for ~/.aws/credentials, ~/.aws/config and PATH lookups). */
    exists(file: string): boolean;
    /** The user's home directory. */
    home: string;
}

/** The real environment of this process. */
export function processEnvironment(): Environment {
    return { env: process.env, exists: (f) => fs.existsSync(f), home: process.env.HOME ?? process.env.USERPROFILE ?? "" };
}

/** True when the AWS SDK and the Pulumi AWS provider can find credentials: env keys, a profile, web identity or a container role. */
export function hasAwsCredentials(e: Environment): boolean {
    const v = e.env;
    if (v.AWS_ACCESS_KEY_ID && v.AWS_SECRET_ACCESS_KEY) return true;
    if (v.AWS_WEB_IDENTITY_TOKEN_FILE && v.AWS_ROLE_ARN) return true;
    if (v.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || v.AWS_CONTAINER_CREDENTIALS_FULL_URI) return true;
    const files = [v.AWS_SHARED_CREDENTIALS_FILE ?? path.join(e.home, ".aws", "credentials"), v.AWS_CONFIG_FILE ?? path.join(e.home, ".aws", "config")];
    return files.some((f) => f !== "" && e.exists(f));
}

/** True when an executable named `name` is on PATH. */
export function onPath(name: string, e: Environment): boolean {
    const dirs = (e.env.PATH ?? "").split(path.delimiter).filter(Boolean);
    const names = process.platform === "win32" ? [`${name}.exe`, `${name}.cmd`] : [name];
    return dirs.some((d) => names.some((n) => e.exists(path.join(d, n))));
}

/** What is missing to run the real-AWS test, as short phrases; empty when it can run. */
export function missingPrerequisites(e: Environment): string[] {
    const missing: string[] = [];
    if (e.env.LBSTACK_AWS_TESTS !== "1") missing.push("LBSTACK_AWS_TESTS=1");
    if (!hasAwsCredentials(e)) missing.push("AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or ~/.aws)");
    if (!onPath("pulumi", e)) missing.push("the pulumi CLI on PATH");
    return missing;
}

/** The one line printed when the test is skipped. */
export function skipLine(missing: string[]): string {
    return `skipped: the real-AWS test (deploys examples/quickstart, ~20–25 min, about $0.20; see docs/aws-test.md) needs ${missing.join(", ")}`;
}

/**
 * The range of backup responses out of `n` that agrees with a backup share `p`: the binomial
 * mean n·p ± z standard deviations √(n·p·(1−p)), rounded outward and clipped to 0…n. With
 * z = 4 a correct split falls outside it about once in 15,000 runs.
 */
export function binomialRange(n: number, p: number, z = 4): { min: number; max: number; expected: number } {
    const expected = n * p;
    const sd = Math.sqrt(n * p * (1 - p));
    return { min: Math.max(0, Math.floor(expected - z * sd)), max: Math.min(n, Math.ceil(expected + z * sd)), expected };
}

/** The modeled failover timing the test compares with (see `failoverFigures` in src/failover/schema.ts). */
export interface ModeledTiming {
    floorSeconds: number;
    failoverSeconds: number;
    failbackSeconds: number;
    /** The longest wait between two polls the figures count (the one across the minute). */
    pollGapSeconds: number;
    /** Where the figures came from: the plan's JSON, or computed here because the plan had none. */
    source: string;
}

function timing(v: unknown): Omit<ModeledTiming, "source"> | undefined {
    if (typeof v !== "object" || v === null) return undefined;
    const o = v as Record<string, unknown>;
    const keys = ["floorSeconds", "failoverSeconds", "failbackSeconds", "pollGapSeconds"] as const;
    if (!keys.every((k) => typeof o[k] === "number")) return undefined;
    return { floorSeconds: o.floorSeconds as number, failoverSeconds: o.failoverSeconds as number, failbackSeconds: o.failbackSeconds as number, pollGapSeconds: o.pollGapSeconds as number };
}

/**
 * The modeled figures for a failure of the primary group, from `lbstack plan --json`:
 * `figures.failover.groups.primary` (the primary's own health check decides how fast it is seen
 * to fail and recover) with the stack-wide `pollGapSeconds`, else the top-level `figures.failover`
 * (the slower of the two groups). Falls back to `fallback()` (the same formula applied to the
 * quickstart's spec) when the plan has no failover figures.
 */
export function modeledTiming(planFigures: Record<string, unknown>, fallback: () => Omit<ModeledTiming, "source">): ModeledTiming {
    const f = planFigures.failover as Record<string, any> | undefined;
    const primary = timing({ pollGapSeconds: f?.pollGapSeconds, ...f?.groups?.primary });
    if (primary) return { ...primary, source: "figures.failover.groups.primary of lbstack plan --json" };
    const flat = timing(f);
    if (flat) return { ...flat, source: "figures.failover of lbstack plan --json" };
    return { ...fallback(), source: "failoverFigures() on the quickstart's spec (the plan has no figures.failover)" };
}

/** One response seen by the sampler. */
export interface Sample {
    /** Milliseconds since the epoch, when the response (or error) arrived. */
    at: number;
    /** `primary`, `backup`, or `error` (a non-200 status, a timeout or a refused connection). */
    group: "primary" | "backup" | "error";
}

/** `primary` or `backup` from a demo server body (`<group> <instance id>`); `error` for anything else. */
export function groupOf(status: number, body: string): Sample["group"] {
    if (status !== 200) return "error";
    const group = body.trim().split(/\s+/)[0];
    return group === "primary" || group === "backup" ? group : "error";
}

/**
 * The first moment from which every sample is `group`, for at least `holdMs` and up to the end
 * of the samples; undefined when there is none. This is "the backup takes all requests".
 */
export function allFrom(samples: Sample[], group: Sample["group"], holdMs: number): number | undefined {
    let start: number | undefined;
    for (const s of samples) {
        if (s.group === group) start ??= s.at;
        else start = undefined;
    }
    if (start === undefined) return undefined;
    const last = samples[samples.length - 1].at;
    return last - start >= holdMs ? start : undefined;
}

/** The first sample at or after `from` whose group is `group`. */
export function firstAfter(samples: Sample[], from: number, group: Sample["group"]): number | undefined {
    return samples.find((s) => s.at >= from && s.group === group)?.at;
}

/** Counts of each group in `samples`. */
export function split(samples: Sample[]): Record<Sample["group"], number> {
    const out = { primary: 0, backup: 0, error: 0 };
    for (const s of samples) out[s.group]++;
    return out;
}
