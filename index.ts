/**
 * The root lbstack project: one {@link LoadBalancedStack} named `app` built from a default spec
 * with the structured config key `lbstack:stack` merged over it.
 *
 * Set any field of `LoadBalancedStackArgs` the Pulumi way, e.g.
 *   pulumi config set --path 'stack.primary.capacity.max' 10
 *   pulumi config set --path 'stack.traffic.weights.backup' 0
 * Objects merge field by field, arrays replace the default, and `null` removes a default
 * (e.g. `stack.primary.healthCheck.path: null` in the stack file before switching to a TCP check).
 * `lbstack plan --stack-config Pulumi.<stack>.yaml` shows what a config builds, without AWS.
 */
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancedStack, LoadBalancedStackArgs, demoUserData } from "lbstack";

/** What you get with no config: 2 vCPU / 4 GiB instances, 2–6 primary, 1–3 backup, 90/10, access logs deleted on destroy. */
const DEFAULT_STACK: LoadBalancedStackArgs = {
    instance: {
        vcpus: 2,
        memoryGiB: 4,
        storage: { sizeGiB: 20, type: "gp3", encrypted: true },
    },
    primary: {
        capacity: { min: 2, max: 6 },
        healthCheck: { path: "/health" },
    },
    backup: {
        capacity: { min: 1, max: 3 },
        healthCheck: { path: "/health" },
    },
    traffic: { weights: { primary: 90, backup: 10 } },
    // A demo stack is meant to be torn down: let `pulumi destroy` delete the access logs too
    // (lbstack's default keeps them, and a destroy then stops at the non-empty bucket). For a
    // stack whose logs you keep: pulumi config set --path 'stack.monitoring.accessLogs.forceDestroy' false
    monitoring: { accessLogs: { forceDestroy: true } },
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `override` over `base`: plain objects merge key by key, anything else (arrays included)
 * replaces, and `null` deletes the key so a default can be turned off from config.
 */
function deepMerge(base: unknown, override: unknown): unknown {
    if (!isPlainObject(base) || !isPlainObject(override)) return override;
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) {
        if (value === null) delete out[key];
        else out[key] = deepMerge(base[key], value);
    }
    return out;
}

const config = new pulumi.Config("lbstack");
const args = deepMerge(DEFAULT_STACK, config.getObject<Json>("stack") ?? {}) as LoadBalancedStackArgs;

// The demo server is a fallback, applied after the merge: a userData you set (shared or per group)
// wins, and a shared one is not shadowed by a per-group default.
for (const group of ["primary", "backup"] as const) {
    if (args.instance?.userData === undefined && args[group]?.instance?.userData === undefined) {
        args[group] = { ...args[group], instance: { ...args[group]?.instance, userData: demoUserData(group) } };
    }
}

const stack = new LoadBalancedStack("app", args);

/** `http(s)://` URL of the load balancer's listener. */
export const url = stack.url;
/** DNS name of the load balancer. */
export const dnsName = stack.dnsName;
/** Name of the primary auto-scaling group. */
export const primaryGroupName = stack.primaryGroupName;
/** Name of the backup auto-scaling group. */
export const backupGroupName = stack.backupGroupName;
