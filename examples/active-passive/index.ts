/**
 * Active-passive with lbstack: the primary group serves every request (weights 100/0) and the
 * backup group waits, warm, behind the same load balancer. The failover controller moves all
 * traffic to the backup when the primary has no healthy instance, and back once the primary has
 * been healthy for the settle period. The README walks through it second by second.
 *
 * Config (optional):
 * - `pin`: `primary` or `backup` sends all traffic to that group and freezes automatic failover,
 *   for maintenance. `pulumi config rm pin` hands control back to the controller.
 */
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancedStack, demoUserData } from "lbstack";

const config = new pulumi.Config();
const pin = config.get("pin") as "primary" | "backup" | undefined;

const stack = new LoadBalancedStack("app", {
    instance: { vcpus: 2, memoryGiB: 4 },
    primary: { capacity: { min: 2, max: 6 }, healthCheck: { path: "/health" }, instance: { userData: demoUserData("primary") } },
    // One warm instance; during a failover the controller raises it toward the primary's desired capacity (2).
    backup: { capacity: { min: 1, max: 6 }, healthCheck: { path: "/health" }, instance: { userData: demoUserData("backup") } },
    traffic: {
        weights: { primary: 100, backup: 0 },
        // The defaults, written out: these are the figures the README's timeline uses.
        failover: { minHealthy: { count: 1 }, settleSeconds: 30, pollSeconds: 5, scaleOut: true },
        ...(pin ? { pin } : {}),
    },
    // An example is meant to be torn down: let pulumi destroy delete the access logs too (lbstack's
    // default keeps them, and a destroy then stops at the non-empty bucket). Leave this out in production.
    monitoring: { accessLogs: { forceDestroy: true } },
});

export const url = stack.url;
export const primaryGroupName = stack.primaryGroupName;
export const backupGroupName = stack.backupGroupName;
/** The failover controller's Lambda function: its log has one JSON line per health poll. */
export const controllerFunctionName = stack.nodes.failover?.function.name;
