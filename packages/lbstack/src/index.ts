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
export { FailoverController } from "./failover/controller";
export type { FailoverControllerArgs, FailoverControllerTransforms } from "./failover/controller";
export * from "./failover/schema";
export * from "./instance/schema";
export { launchTemplateArgs, instanceRequirements, launchMode } from "./instance/launch-template";
export type { LaunchTemplateInputs } from "./instance/launch-template";
export { autoScalingGroupArgs } from "./app-group/args";
export type { GroupInputs } from "./app-group/args";
export { loadBalancerArgs, targetGroupArgs, weightedForward, ruleConditions } from "./load-balancer/args";
export * from "./app-group/operations-schema";
export { cronIssue, isTimeZone } from "./app-group/cron";
export {
    cpuTargetTrackingArgs, requestsTargetTrackingArgs, predictiveArgs, scheduledActionArgs, stepDirections, stepPolicyArgs, stepAlarmArgs, warmPoolArgs, instanceRefreshArgs,
} from "./app-group/scaling";
export type { StepDirection } from "./app-group/scaling";
export { SCALE_OUT_ALLOWANCES, scaleOutSeconds, deployFigures, healthyDetectionSeconds, groupOperationsFigures } from "./app-group/figures";
export type { ScaleOutSeconds, DeployFigures } from "./app-group/figures";
export { Monitoring } from "./monitoring/monitoring";
export type { MonitoringArgs, MonitoringTransforms, AccessLogTarget } from "./monitoring/monitoring";
export * from "./monitoring/schema";
export { alarmDefinitions, rollbackAlarmIds, metricAlarmArgs, alarmFigures, refreshFailedPattern, elbNamespace } from "./monitoring/alarms";
export type { AlarmDefinition, AlarmContext, AlarmDimensions } from "./monitoring/alarms";
export { dashboardBody, dashboardWidgets, dashboardName, DASHBOARD_BODY_LIMIT_BYTES } from "./monitoring/dashboard";
export type { DashboardInput, Widget, MetricRow } from "./monitoring/dashboard";
export { accessLogBucketPolicy, accessLogLifecycleRule, ACCESS_LOG_PREFIX, ELB_LOG_DELIVERY_PRINCIPAL } from "./monitoring/access-logs";
export type { BucketPolicyInput } from "./monitoring/access-logs";
export { topicKeyPolicy, alarmTopicPolicy, TOPIC_PUBLISHERS } from "./monitoring/topic";
export type { TopicPolicyInput } from "./monitoring/topic";
export { operationsIssues, rollbackAlarmCount } from "./monitoring/operations";
export { LbstackValidationError, formatIssue } from "./common/validation";
export type { SpecIssue } from "./common/validation";
export type { Transform } from "./common/transform";
export { TYPE_TOKENS } from "./common/tokens";
export { planRegistry } from "./common/registry";
export type { PlannedComponent } from "./common/registry";
export { demoUserData, DEMO_UNHEALTHY_FILE } from "./demo/user-data";
