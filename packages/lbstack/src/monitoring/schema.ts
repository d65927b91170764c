import { z } from "zod";
import { int } from "../common/zod-helpers";

/**
 * `monitoring`: a CloudWatch dashboard, alarms on the load balancer and the groups, an SNS topic
 * for them, and load balancer access logs in S3. On by default; `false` registers none of it.
 * Field schemas check ranges; rules across fields (evaluation window, datapoints, NLB) are in
 * {@link monitoringIssues}.
 */

/** One day: the longest window an alarm may evaluate (evaluationPeriods × periodSeconds). */
export const MAX_ALARM_WINDOW_SECONDS = 86400;

/**
 * Alarm period: 10, 30 or a multiple of 60 seconds; 10 and 30 exist only for high-resolution
 * metrics, and load balancer metrics are published once a minute, so every lbstack alarm needs
 * a multiple of 60. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 */
const period = z.number({ error: "must be a number (seconds)" }).int({ error: "must be a whole number" }).superRefine((n, ctx) => {
    if (n === 10 || n === 30) ctx.addIssue({ code: "custom", message: "must be a multiple of 60 seconds: load balancer metrics are published once a minute (10 and 30 s are for high-resolution metrics only)" });
    else if (n < 60 || n % 60 !== 0) ctx.addIssue({ code: "custom", message: "must be 10, 30 or a multiple of 60 seconds" });
    else if (n > MAX_ALARM_WINDOW_SECONDS) ctx.addIssue({ code: "custom", message: `must be at most ${MAX_ALARM_WINDOW_SECONDS} seconds (one day)` });
});

/** Tuning shared by every alarm; `threshold` is the alarm's own schema. */
function tuning(threshold: z.ZodType) {
    return z.strictObject({
        /** The value that trips the alarm (unit per alarm). */
        threshold: threshold.optional(),
        /** Periods evaluated, ≥ 1; evaluationPeriods × periodSeconds ≤ 86400. */
        evaluationPeriods: int(1, 1440, "periods").optional(),
        /** Breaching periods among them that trip the alarm, 1 to evaluationPeriods. Default: the alarm's default, capped at evaluationPeriods. */
        datapointsToAlarm: int(1, 1440, "periods").optional(),
        /** Seconds per period: a multiple of 60 (load balancer metrics are per minute). */
        periodSeconds: period.optional(),
    });
}

const percent = z.number({ error: "must be a number (%)" }).gt(0, { error: "must be greater than 0 %" }).max(100, { error: "must be at most 100 %" });
const latency = z.number({ error: "must be a number (seconds)" }).gt(0, { error: "must be greater than 0 seconds" }).max(3600, { error: "must be at most 3600 seconds" });
const hosts = int(1, 10000, "hosts");

const AlarmsSchema = z.strictObject({
    /**
     * 5xx rate of the application load balancer in percent: (HTTPCode_ELB_5XX_Count +
     * HTTPCode_Target_5XX_Count) / RequestCount × 100 > threshold (0–100 %). Default: 5 %, 3 of 5
     * one-minute periods. `false`: none. Application LB only.
     */
    errorRate: z.union([z.literal(false), tuning(percent)]).optional(),
    /** p99 TargetResponseTime above threshold seconds (> 0). Default: 2 s, 3 of 5 one-minute periods. `false`: none. Application LB only. */
    latencyP99: z.union([z.literal(false), tuning(latency)]).optional(),
    /** Per group: UnHealthyHostCount ≥ threshold hosts. Default: 1 host, 3 of 3 one-minute periods. `false`: none. */
    unhealthyHosts: z.union([z.literal(false), tuning(hosts)]).optional(),
    /** Per group (capacity.min ≥ 1): HealthyHostCount below threshold hosts. Default: below 1, 2 of 2 one-minute periods. `false`: none. */
    noHealthyHosts: z.union([z.literal(false), tuning(hosts)]).optional(),
    /**
     * An EventBridge rule that sends "EC2 Auto Scaling Instance Refresh Failed" for the two groups
     * to the topic (no CloudWatch metric exists for it). Default `true`.
     */
    instanceRefreshFailed: z.boolean().optional(),
});

/** An email address as SNS accepts it. */
const email = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: "must be an email address such as ops@example.com" });
/** An https:// URL (SNS HTTPS subscriptions; plain HTTP is not offered: alarms would cross the internet unencrypted). */
const httpsUrl = z.string().refine((s) => {
    try {
        const u = new URL(s);
        return u.protocol === "https:" && u.hostname.length > 0;
    } catch {
        return false;
    }
}, { error: "must be an https:// URL such as https://hooks.example.com/alarms" });

export const MonitoringSpecSchema = z.union([
    z.literal(false),
    z.strictObject({
        /** A CloudWatch dashboard ($3/month beyond the first three). Default `true`. */
        dashboard: z.boolean().optional(),
        /** Alarms; each can be tuned or turned off with `false`. */
        alarms: AlarmsSchema.optional(),
        /**
         * Who gets the alarms: email addresses (each confirms by mail) and HTTPS endpoints (each
         * must confirm the subscription). Default: none (the topic exists; subscribe later).
         */
        notify: z.strictObject({
            /**
             * Email addresses, each an SNS email subscription (`<monitoring>-email-<i>`) that stays
             * pending until the recipient confirms it from the mail AWS sends. Default: none.
             * https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html
             */
            emails: z.array(email).optional(),
            /**
             * `https://` URLs, each an SNS HTTPS subscription (`<monitoring>-https-<i>`); the endpoint must
             * confirm it by visiting the SubscribeURL SNS posts. Plain `http://` is refused. Default: none.
             * https://docs.aws.amazon.com/sns/latest/dg/sns-http-https-endpoint-as-subscriber.html
             */
            httpsEndpoints: z.array(httpsUrl).optional(),
        }).optional(),
        /**
         * Application load balancer access logs in an S3 bucket lbstack creates: SSE-S3 encrypted (the
         * only encryption ELB log delivery supports), public access blocked, TLS only, objects owned
         * by the bucket owner, old logs expired. `false`: no bucket, no logs. Application LB only.
         */
        accessLogs: z.union([z.literal(false), z.strictObject({
            /** Days a log file is kept, ≥ 1. Default 90. */
            retentionDays: z.number({ error: "must be a number (days)" }).int({ error: "must be a whole number" }).min(1, { error: "must be at least 1 day" }).optional(),
            /** Let `pulumi destroy` delete the bucket with its logs. Default `false`: destroy fails while logs remain, so they are never lost by accident. */
            forceDestroy: z.boolean().optional(),
        })]).optional(),
    }),
]);
export type MonitoringSpec = z.input<typeof MonitoringSpecSchema>;

/** Tuning with every default filled in. */
export interface ResolvedAlarmTuning { threshold: number; evaluationPeriods: number; datapointsToAlarm: number; periodSeconds: number }

export type AlarmKey = "errorRate" | "latencyP99" | "unhealthyHosts" | "noHealthyHosts";

/** Alarm defaults; each reason is in docs/operations.md. */
export const ALARM_DEFAULTS: Record<AlarmKey, ResolvedAlarmTuning> = {
    errorRate: { threshold: 5, evaluationPeriods: 5, datapointsToAlarm: 3, periodSeconds: 60 },
    latencyP99: { threshold: 2, evaluationPeriods: 5, datapointsToAlarm: 3, periodSeconds: 60 },
    unhealthyHosts: { threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 3, periodSeconds: 60 },
    noHealthyHosts: { threshold: 1, evaluationPeriods: 2, datapointsToAlarm: 2, periodSeconds: 60 },
};

export const MONITORING_DEFAULTS = { dashboard: true, instanceRefreshFailed: true, accessLogs: { retentionDays: 90, forceDestroy: false } } as const;

/** Alarms that only exist on an application load balancer (a network LB has no HTTP codes or response time). */
export const ALB_ONLY_ALARMS: readonly AlarmKey[] = ["errorRate", "latencyP99"];

/** The monitoring spec with every default filled in. */
export interface ResolvedMonitoring {
    dashboard: boolean;
    alarms: Record<AlarmKey, ResolvedAlarmTuning | false> & { instanceRefreshFailed: boolean };
    notify: { emails: string[]; httpsEndpoints: string[] };
    accessLogs: { retentionDays: number; forceDestroy: boolean } | false;
}

type ParsedMonitoring = z.output<typeof MonitoringSpecSchema>;

/** Fills in the defaults. Alarms and access logs that a network load balancer cannot have resolve to off. */
export function resolveMonitoring(raw: ParsedMonitoring | undefined, lbType: "application" | "network"): ResolvedMonitoring | false {
    if (raw === false) return false;
    const m = raw ?? {};
    const alb = lbType === "application";
    const alarm = (key: AlarmKey): ResolvedAlarmTuning | false => {
        const given = m.alarms?.[key];
        if (given === false || (!alb && ALB_ONLY_ALARMS.includes(key))) return false;
        const d = ALARM_DEFAULTS[key];
        return {
            threshold: (given?.threshold as number | undefined) ?? d.threshold,
            evaluationPeriods: given?.evaluationPeriods ?? d.evaluationPeriods,
            datapointsToAlarm: given?.datapointsToAlarm ?? Math.min(d.datapointsToAlarm, given?.evaluationPeriods ?? d.evaluationPeriods),
            periodSeconds: given?.periodSeconds ?? d.periodSeconds,
        };
    };
    const logs = m.accessLogs;
    return {
        dashboard: m.dashboard ?? MONITORING_DEFAULTS.dashboard,
        alarms: {
            errorRate: alarm("errorRate"),
            latencyP99: alarm("latencyP99"),
            unhealthyHosts: alarm("unhealthyHosts"),
            noHealthyHosts: alarm("noHealthyHosts"),
            instanceRefreshFailed: m.alarms?.instanceRefreshFailed ?? MONITORING_DEFAULTS.instanceRefreshFailed,
        },
        notify: { emails: m.notify?.emails ?? [], httpsEndpoints: m.notify?.httpsEndpoints ?? [] },
        accessLogs: logs === false || !alb ? false : {
            retentionDays: logs?.retentionDays ?? MONITORING_DEFAULTS.accessLogs.retentionDays,
            forceDestroy: logs?.forceDestroy ?? MONITORING_DEFAULTS.accessLogs.forceDestroy,
        },
    };
}

/** A problem with a path relative to the root of the stack spec. */
export interface MonitoringIssue { path: (string | number)[]; value: unknown; message: string }

/** Rules across monitoring fields: the evaluation window, datapoints, and what a network LB cannot have. */
export function monitoringIssues(raw: ParsedMonitoring | undefined, resolved: ResolvedMonitoring | false, lbType: "application" | "network"): MonitoringIssue[] {
    const issues: MonitoringIssue[] = [];
    if (raw === undefined || raw === false || resolved === false) return issues;
    const push = (path: (string | number)[], value: unknown, message: string) => issues.push({ path: ["monitoring", ...path], value, message });
    for (const key of ["errorRate", "latencyP99", "unhealthyHosts", "noHealthyHosts"] as const) {
        const given = raw.alarms?.[key];
        if (given === undefined || given === false) continue;
        if (lbType === "network" && ALB_ONLY_ALARMS.includes(key)) {
            push(["alarms", key], given, "only applies to application load balancers (a network load balancer publishes no HTTP codes or response times); leave it out or set it to false");
            continue;
        }
        const r = resolved.alarms[key] as ResolvedAlarmTuning;
        const window = r.evaluationPeriods * r.periodSeconds;
        if (window > MAX_ALARM_WINDOW_SECONDS) {
            const field = given.evaluationPeriods !== undefined ? "evaluationPeriods" : "periodSeconds";
            push(["alarms", key, field], given[field], `evaluationPeriods × periodSeconds is ${r.evaluationPeriods} × ${r.periodSeconds} = ${window} s; CloudWatch evaluates at most ${MAX_ALARM_WINDOW_SECONDS} s (one day)`);
        }
        if (r.datapointsToAlarm > r.evaluationPeriods) {
            const why = given.evaluationPeriods === undefined ? ", the default" : "";
            push(["alarms", key, "datapointsToAlarm"], r.datapointsToAlarm, `must be at most evaluationPeriods (${r.evaluationPeriods}${why})`);
        }
    }
    if (lbType === "network" && raw.accessLogs !== undefined && raw.accessLogs !== false) {
        push(["accessLogs"], raw.accessLogs, "only applies to application load balancers here (network load balancer logs cover TLS listeners only); leave it out or set it to false");
    }
    return issues;
}
