import { z } from "zod";
import { int } from "../common/zod-helpers";
import { InstanceOverrideSchema } from "../instance/schema";
import { DeploySchema, ScalingSchema } from "./operations-schema";

/** AWS ranges of the health check timings (ELBv2 CreateTargetGroup). */
export const HEALTH_CHECK_LIMITS = { intervalSeconds: [5, 300], timeoutSeconds: [2, 120] } as const;

/**
 * The target group health check. Defaults make failures and deploys fast: a dead instance is
 * detected in interval × unhealthyThreshold = 20 s (AWS defaults: 30 s × 2 = 60 s, and the
 * Pulumi provider's 3 × 30 = 90 s). https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 */
export const HealthCheckSchema = z.strictObject({
    /** HTTP(S) path requested by the load balancer, 1–1024 chars starting with `/`. Default `/`. */
    path: z.string().min(1).max(1024, { error: "must be at most 1024 characters" }).startsWith("/", { error: "must start with /" }).optional(),
    /** Port the health check uses, 1–65535. Default: the traffic port. */
    port: int(1, 65535).optional(),
    /** Health check protocol: HTTP, HTTPS or TCP (TCP only on a network load balancer). Default: HTTP, or TCP for a TCP target group. */
    protocol: z.enum(["HTTP", "HTTPS", "TCP"]).optional(),
    /** Seconds between checks, 5–300. Default 10 (AWS: 30). */
    intervalSeconds: int(...HEALTH_CHECK_LIMITS.intervalSeconds, "seconds").optional(),
    /** Seconds without a response that count as a failure, 2–120 and less than intervalSeconds. Default 5. */
    timeoutSeconds: int(...HEALTH_CHECK_LIMITS.timeoutSeconds, "seconds").optional(),
    /** Consecutive successes before an unhealthy target is healthy again, 2–10. Default 2 (AWS: 5). */
    healthyThreshold: int(2, 10).optional(),
    /** Consecutive failures before a target is unhealthy, 2–10. Default 2. */
    unhealthyThreshold: int(2, 10).optional(),
    /** HTTP codes that mean healthy: `"200"`, a list `"200,202"` or a range `"200-299"`; 200–499 on an ALB, 200–599 on an NLB. Default `"200"`. */
    matcher: z.string().regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, { error: 'must be HTTP codes such as "200", "200,202" or "200-299"' }).optional(),
    /** Seconds after launch before the auto-scaling group acts on failed health checks, ≥ 0. Default 120. */
    gracePeriodSeconds: z.number().int({ error: "must be a whole number" }).min(0, { error: "must be at least 0 seconds" }).optional(),
});
export type HealthCheckSpec = z.input<typeof HealthCheckSchema>;

/** The scaling bounds of an auto-scaling group. */
export const CapacitySchema = z.strictObject({
    /** Fewest instances, ≥ 0. Required. */
    min: int(0, 10000, "instances"),
    /** Most instances, ≥ min. Required. */
    max: int(0, 10000, "instances"),
    /** Instances at creation, min ≤ desired ≤ max. Default: min. Set at creation only, so scaling policies are never reset by a deploy. */
    desired: int(0, 10000, "instances").optional(),
}).superRefine((c, ctx) => {
    if (c.max < c.min) ctx.addIssue({ code: "custom", path: ["max"], message: `must be at least min (${c.min})` });
    if (c.desired !== undefined && c.desired < c.min) ctx.addIssue({ code: "custom", path: ["desired"], message: `must be at least min (${c.min})` });
    if (c.desired !== undefined && c.desired > c.max) ctx.addIssue({ code: "custom", path: ["desired"], message: `must be at most max (${c.max})` });
});

/** One application group (primary or backup): its instances, capacity and target group. */
export const groupShape = {
    /** Per-group override of the shared instance spec (any field). Default: none. */
    instance: InstanceOverrideSchema.optional(),
    /** Auto-scaling bounds. Required. */
    capacity: CapacitySchema,
    /** Port the application listens on, 1–65535. Default 80. */
    port: int(1, 65535).optional(),
    /** Protocol from the load balancer to the instances: HTTP or HTTPS (application LB), TCP (network LB). Default HTTP, or TCP on a network LB. */
    protocol: z.enum(["HTTP", "HTTPS", "TCP"]).optional(),
    /** Target group health check. */
    healthCheck: HealthCheckSchema.optional(),
    /** Seconds a deregistering target keeps its in-flight requests, 0–3600. Default 30 (AWS: 300, which slows every deploy). */
    deregistrationDelaySeconds: int(0, 3600, "seconds").optional(),
    /** Seconds a new target ramps up its share of requests: 0 (off) or 30–900. Application LB only. Default 0. */
    slowStartSeconds: int(0, 900, "seconds").refine((n) => n === 0 || n >= 30, { error: "must be 0 (off) or between 30 and 900 seconds" }).optional(),
    /** Let instances open any outbound connection. Default `false`: outbound HTTPS (443) only, enough for SSM, package repositories and AWS APIs. */
    allowAllEgress: z.boolean().optional(),
    /** Auto scaling: CPU and request target tracking, schedules, step scaling, predictive scaling, a warm pool. Default: CPU target tracking at 50 %. */
    scaling: ScalingSchema.optional(),
    /** Rolling deploys (instance refresh) when the launch template changes. Default: 90–110 % healthy, stop on the stack's alarms. */
    deploy: DeploySchema.optional(),
};

export const GROUP_DEFAULTS = {
    port: 80,
    healthCheck: { path: "/", intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200", gracePeriodSeconds: 120 },
    deregistrationDelaySeconds: 30,
    slowStartSeconds: 0,
    allowAllEgress: false,
} as const;
