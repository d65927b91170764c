/**
 * How large the failover controller's config can get, against Lambda's limit on environment
 * variables. Pure: the Pulumi side uses it to validate `routes` before anything is registered.
 *
 * Lambda refuses a function whose environment variables take more than 4 KB together, and it
 * measures the variables as the JSON object `{"KEY":"value"}`, so the config's own quotes count
 * twice (each is escaped as `\"`). {@link environmentBytes} measures exactly that.
 *
 * The worst case fills every field with the longest value AWS can hand lbstack: ARNs with the
 * longest partition, a region code longer than any today, 32-character load balancer and target
 * group names and 16-hex-digit ids; the group and state parameter names at the longest AWS
 * accepts (Pulumi derives them from the stack's name, and a transform can set them); every number
 * at the top of its range; a pin set. Only the routes grow with the spec: 17 bytes each (a 16-digit
 * rule id and a comma), so the routes that fit are counted, not estimated.
 */
import { CONFIG_ENV_VAR, encodeFailoverConfig, FailoverControllerConfig } from "./controller-config";

/**
 * Lambda's limit for all of a function's environment variables together, in bytes.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/** The longest value of each variable part of the config, in characters (all ASCII). */
export const WORST_CASE_LENGTHS = {
    /** `aws-us-gov`, the longest partition. */
    partition: 10,
    /** The longest region code today has 14 characters (`ap-southeast-1`); 20 leaves room for new ones. */
    region: 20,
    account: 12,
    /** Load balancer and target group names: at most 32 characters (AWS). */
    loadBalancerName: 32,
    targetGroupName: 32,
    /** The hexadecimal ids in load balancer, listener, target group and rule ARNs: 16 digits. */
    elbId: 16,
    /** Auto Scaling group names: at most 255 characters (AWS). */
    autoScalingGroupName: 255,
    /** SSM parameter names: under 1011 characters (AWS counts the ARN in its 1011). */
    stateParameterName: 1011,
} as const;

/** Bytes the config takes of {@link LAMBDA_ENVIRONMENT_LIMIT_BYTES}, for the JSON text `configJson`. */
export function environmentBytes(configJson: string): number {
    return Buffer.byteLength(JSON.stringify({ [CONFIG_ENV_VAR]: configJson }), "utf8");
}

/** The largest config the controller can get with `routes` routes (see the module comment). */
export function worstCaseConfig(routes: number): FailoverControllerConfig {
    const w = WORST_CASE_LENGTHS;
    const text = (c: string, n: number) => c.repeat(n);
    const id = (i: number) => i.toString(16).padStart(w.elbId, "0");
    const prefix = `arn:${"aws-us-gov".padEnd(w.partition, "x")}:elasticloadbalancing:${text("r", w.region)}:${text("1", w.account)}`;
    const listenerPath = `app/${text("l", w.loadBalancerName)}/${id(1)}/${id(2)}`;
    const targetGroup = (n: number) => `${prefix}:targetgroup/${text("t", w.targetGroupName)}/${id(n)}`;
    const max = 10000; // capacity and minHealthy.count ceiling
    const group = (c: string) => ({
        name: text(c, w.autoScalingGroupName), desiredCapacity: max, maxSize: max,
    });
    return {
        listenerArn: `${prefix}:listener/${listenerPath}`,
        targetGroupArns: { primary: targetGroup(3), backup: targetGroup(4) },
        weights: { primary: 999, backup: 999 },
        pin: "primary",
        minHealthy: { primary: { count: max }, backup: { count: max } },
        settleSeconds: 3600,
        pollSeconds: 30,
        routes: Array.from({ length: routes }, (_, i) => ({ ruleArn: `${prefix}:listener-rule/${listenerPath}/${id(0x1000 + i)}`, target: "primary" as const })),
        autoScalingGroups: { primary: group("p"), backup: group("b") },
        stateParameterName: text("s", w.stateParameterName),
        mayOverlap: true,
    };
}

/** The most routes whose worst-case config still fits in {@link LAMBDA_ENVIRONMENT_LIMIT_BYTES}. */
export function maxFailoverRoutes(): number {
    let n = 0;
    while (environmentBytes(encodeFailoverConfig(worstCaseConfig(n + 1))) <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) n++;
    return n;
}

/**
 * The most `routes` a stack with `traffic.failover` on may have: {@link maxFailoverRoutes} with
 * every name at its longest (94, under the 99 an ALB allows anyway). `failoverIssues` in stack/schema.ts rejects more.
 */
export const MAX_FAILOVER_ROUTES = maxFailoverRoutes();
