/**
 * Every lbstack policy, exported one by one and as the `policies` array the pack serves. Importing this module
 * has no side effects: the `PolicyPack` (which starts a gRPC server) is constructed only in `pack.ts`.
 */
import { Policies } from "@pulumi/policy";
import { autoScalingPolicies } from "./auto-scaling";
import { launchTemplatePolicies } from "./launch-template";
import { loadBalancerPolicies } from "./load-balancer";
import { securityGroupPolicies } from "./security-group";

export * from "./auto-scaling";
export * from "./launch-template";
export * from "./load-balancer";
export * from "./security-group";

/** All lbstack policies, in the order the pack runs them. */
export const policies: Policies = [
    ...loadBalancerPolicies,
    ...autoScalingPolicies,
    ...launchTemplatePolicies,
    ...securityGroupPolicies,
];

/** The lbstack policies keyed by policy name, e.g. `policiesByName["lbstack-multi-az"]`. */
export const policiesByName: Readonly<Record<string, Policies[number]>> = Object.freeze(
    Object.fromEntries(policies.map((p) => [p.name, p])),
);
