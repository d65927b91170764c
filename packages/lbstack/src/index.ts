/**
 * lbstack: validated, secure-by-default Pulumi components for a load-balanced application on
 * AWS. Start with {@link LoadBalancedStack}; compose {@link AppGroup} and {@link LoadBalancer}
 * yourself when you need a different shape.
 */
export { LoadBalancedStack } from "./stack/load-balanced-stack";
export type { LoadBalancedStackArgs, LoadBalancedStackNodes, LoadBalancedStackTransforms } from "./stack/load-balanced-stack";
export * from "./stack/schema";
export { AppGroup } from "./app-group/app-group";
export type { AppGroupArgs, AppGroupTransforms } from "./app-group/app-group";
export { GROUP_DEFAULTS, HealthCheckSchema, CapacitySchema } from "./app-group/schema";
export type { HealthCheckSpec } from "./app-group/schema";
export { LoadBalancer } from "./load-balancer/load-balancer";
export type { LoadBalancerArgs, LoadBalancerTransforms } from "./load-balancer/load-balancer";
export * from "./load-balancer/schema";
export { Network } from "./network/network";
export type { NetworkArgs } from "./network/network";
export * from "./network/schema";
export * from "./instance/schema";
export { launchTemplateArgs, instanceRequirements, launchMode } from "./instance/launch-template";
export { autoScalingGroupArgs } from "./app-group/args";
export { loadBalancerArgs, targetGroupArgs, weightedForward, ruleConditions } from "./load-balancer/args";
export { LbstackValidationError, formatIssue } from "./common/validation";
export type { SpecIssue } from "./common/validation";
export type { Transform } from "./common/transform";
export { TYPE_TOKENS } from "./common/tokens";
export { planRegistry } from "./common/registry";
