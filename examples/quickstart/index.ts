/**
 * lbstack quickstart: the smallest LoadBalancedStack.
 *
 * Everything not written here is a default: a new VPC (2 AZs, one NAT gateway), an
 * internet-facing ALB with an HTTP listener on port 80 sharing requests 90/10 between the
 * groups, automatic failover, IMDSv2, encrypted 20 GiB gp3 root volumes, and the latest Amazon
 * Linux 2023. The instances run lbstack's demo web server, so the URL answers right away with
 * the group and instance that served each request.
 */
// demoUserData is lbstack's demo web server: replace it with your application's user data.
import { LoadBalancedStack, demoUserData } from "lbstack";

const stack = new LoadBalancedStack("app", {
    instance: { vcpus: 2, memoryGiB: 4 },
    // Health-check the demo server's /health endpoint; point it at your application's own.
    primary: { capacity: { min: 2, max: 6 }, healthCheck: { path: "/health" }, instance: { userData: demoUserData("primary") } },
    backup: { capacity: { min: 1, max: 3 }, healthCheck: { path: "/health" }, instance: { userData: demoUserData("backup") } },
    // An example is meant to be torn down: let pulumi destroy delete the access logs too (lbstack's
    // default keeps them, and a destroy then stops at the non-empty bucket). Leave this out in production.
    monitoring: { accessLogs: { forceDestroy: true } },
});

/** `http://` URL of the load balancer. */
export const url = stack.url;
/** Auto-scaling group names, for the AWS console or `aws autoscaling` commands. */
export const primaryGroupName = stack.primaryGroupName;
export const backupGroupName = stack.backupGroupName;
