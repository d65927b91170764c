/**
 * Routes with lbstack: the backup group serves backup requests, picked out by path
 * (`/backup/*`) or by header (`X-Backup: 1`); the primary group serves everything else.
 *
 * Each route is one ALB listener rule, and the conditions inside one route must all match
 * (AND). Two routes to the same group make an OR: a request under /backup/ or with the header
 * goes to the backup group.
 */
import { LoadBalancedStack, demoUserData } from "lbstack";

const stack = new LoadBalancedStack("app", {
    instance: { vcpus: 2, memoryGiB: 4 },
    primary: { capacity: { min: 2, max: 6 }, healthCheck: { path: "/health" }, instance: { userData: demoUserData("primary") } },
    backup: { capacity: { min: 1, max: 3 }, healthCheck: { path: "/health" }, instance: { userData: demoUserData("backup") } },
    // Requests no route matches all go to the primary group.
    traffic: { weights: { primary: 100, backup: 0 } },
    routes: [
        // Path patterns are case-sensitive; `*` matches any characters, including `/`.
        { target: "backup", paths: ["/backup/*"] },
        // Header names are case-insensitive, values case-insensitive too (ALB rule semantics).
        { target: "backup", headers: { "X-Backup": ["1"] } },
    ],
    // An example is meant to be torn down: let pulumi destroy delete the access logs too (lbstack's
    // default keeps them, and a destroy then stops at the non-empty bucket). Leave this out in production.
    monitoring: { accessLogs: { forceDestroy: true } },
});

export const url = stack.url;
export const primaryGroupName = stack.primaryGroupName;
export const backupGroupName = stack.backupGroupName;
