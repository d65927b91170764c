import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { TYPE_TOKENS } from "../common/tokens";
import { applyTransform, Transform } from "../common/transform";
import { GROUP_ROLES, GroupRole } from "../common/roles";
import type { ResolvedStackSpec } from "../stack/schema";
import { CONFIG_ENV_VAR, encodeFailoverConfig, FailoverControllerConfig, listenerRuleArnPrefix } from "./controller-config";
import type { ResolvedFailover } from "./schema";
import { elbNamespace } from "../monitoring/alarms";

/** The compiled modules the Lambda runs: the handler and its siblings (they import only the AWS SDK). */
export const CONTROLLER_RUNTIME_FILES = ["handler.js", "decide.js", "controller-config.js", "routing.js", "capacity.js"] as const;

/** Where the compiled runtime files are: next to this module in dist/, or dist/ when running from src/ (tests). */
export function controllerRuntimeDir(): string {
    const here = __dirname;
    if (fs.existsSync(path.join(here, "handler.js"))) return here;
    return path.resolve(here, "../../dist/failover");
}

/**
 * How long Lambda keeps an asynchronous event of the controller (scheduler, alarm)
 * that it could not run yet, in seconds: 60, the lowest AWS allows (default 6 hours). See the
 * FunctionEventInvokeConfig in {@link FailoverController}.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configure.html
 */
export const MAXIMUM_EVENT_AGE_SECONDS = 60;

/**
 * Per-child escape hatches of {@link FailoverController}. Each changes the args (or options) of
 * one kind of child before it is registered; `${name}` in the names below is the component's name
 * (in a `LoadBalancedStack`, `${stack}-failover`). Default: none, every child gets lbstack's args.
 */
export interface FailoverControllerTransforms {
    /**
     * The controller Lambda, `${name}-function` (arm64, Node.js 22, 128 MB, 60 s timeout, reserved
     * concurrency 1: one run at a time, unless `traffic.failover.reservedConcurrency` is false).
     * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
     */
    function?: Transform<aws.lambda.FunctionArgs>;
    /**
     * The Lambda's execution role, `${name}-role`. Its inline policy `${name}-policy` (write access to
     * this stack's listener and its rules, groups and state parameter only) has no transform.
     * https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
     */
    functionRole?: Transform<aws.iam.RoleArgs>;
    /**
     * The EventBridge Scheduler schedule that starts the Lambda every minute, `${name}-schedule`.
     * https://docs.aws.amazon.com/scheduler/latest/UserGuide/what-is-scheduler.html
     */
    schedule?: Transform<aws.scheduler.ScheduleArgs>;
    /**
     * The backstop alarms that also start the Lambda when a target group has no healthy host
     * (HealthyHostCount minimum below 1 for one 60 s period), `${name}-primary-no-healthy` and
     * `${name}-backup-no-healthy`. The `${name}-stopped` alarm has no transform.
     * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
     */
    backstopAlarm?: Transform<aws.cloudwatch.MetricAlarmArgs>;
}

/** The args of {@link FailoverController}; `LoadBalancedStack` fills them in from its spec and children. */
export interface FailoverControllerArgs {
    /** The validated `traffic.failover` settings with every default filled in (see `FailoverSpecSchema`). */
    failover: ResolvedFailover;
    /** Configured weights and pin (the controller's input; it alone writes the live routing). */
    weights: Record<GroupRole, number>;
    /** The group all traffic is pinned to (`traffic.pin`): the controller then makes no failover, failback or capacity change. Default: none. */
    pin?: GroupRole;
    /** The two groups' validated specs: the controller reads each one's `capacity` (desired and max) to scale out the survivor. */
    groups: ResolvedStackSpec["groups"];
    /** The listener whose default action the controller rewrites (the only listener its role may modify). */
    listenerArn: pulumi.Input<string>;
    /** `arnSuffix` of the load balancer: the `LoadBalancer` dimension of the backstop alarms. */
    loadBalancerArnSuffix: pulumi.Input<string>;
    /** Each group's target group: `arn` (whose target health the controller polls) and `arnSuffix` (the backstop alarm's `TargetGroup` dimension). */
    targetGroups: Record<GroupRole, { arn: pulumi.Input<string>; arnSuffix: pulumi.Input<string> }>;
    /** The listener rules of `routes` and the group each forwards to: the controller rewrites their actions too. Empty when there are no routes. */
    routes: { ruleArn: pulumi.Input<string>; target: GroupRole }[];
    /** Each group's auto-scaling group: `name` (what the controller scales) and `arn` (what its role may scale). */
    autoScalingGroups: Record<GroupRole, { name: pulumi.Input<string>; arn: pulumi.Input<string> }>;
    /** SNS topic for the backstop alarms and the "controller stopped" alarm. Default: none (the alarms notify no one). */
    alarmTopicArn?: pulumi.Input<string>;
    /** Which metrics the backstop alarms read: `AWS/ApplicationELB` or `AWS/NetworkELB`. */
    loadBalancerType: "application" | "network";
    /** Tags on every child that takes tags (state parameter, log group, roles, function, alarms, event rules). Default: none. */
    tags?: Record<string, string>;
    /** Per-child escape hatches (see {@link FailoverControllerTransforms}). Default: none. */
    transform?: FailoverControllerTransforms;
}

/**
 * The failover controller: a Lambda (arm64, Node.js 22, reserved concurrency 1 by default) started every
 * minute by EventBridge Scheduler that polls target health every `pollSeconds` and rewrites the
 * listener's default action and route rules when a group goes down or comes back. Also started
 * by a HealthyHostCount backstop alarm. Its IAM policy writes only this stack's listener, rules,
 * groups and state parameter.
 *
 * No lifecycle hook: AWS deregisters a terminating instance from its target groups and waits for
 * draining before a terminate hook would even run, so a hook cannot move traffic first; it would
 * only slow every scale-in and instance refresh. A planned termination of a group's last healthy
 * target is seen at the next poll, like any failure.
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks-overview.html
 *
 * Cost: ≈ 43,800 one-minute invocations a month × 60 s × 128 MB ≈ 330,000 GB-s ≈ $4.40/month on
 * arm64 (inside the Lambda free tier of 400,000 GB-s for most accounts), plus 3 alarms (the 2
 * backstop alarms and `stopped`, a metric-math alarm over 2 metrics billed as 2: 4 alarm metrics,
 * $0.40) and a few MB of logs. DescribeTargetHealth calls are free.
 */
export class FailoverController extends pulumi.ComponentResource {
    readonly function: aws.lambda.Function;
    readonly role: aws.iam.Role;
    readonly schedule: aws.scheduler.Schedule;
    readonly stateParameter: aws.ssm.Parameter;
    readonly backstopAlarms: Record<GroupRole, aws.cloudwatch.MetricAlarm>;
    readonly stoppedAlarm: aws.cloudwatch.MetricAlarm;

    constructor(name: string, args: FailoverControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE_TOKENS.FailoverController, name, {}, opts);
        const t = args.transform ?? {};
        const tags = args.tags ?? {};
        const parent = { parent: this };
        const roles = GROUP_ROLES;

        this.stateParameter = new aws.ssm.Parameter(`${name}-state`, {
            type: "String",
            value: "{}",
            description: `lbstack ${name}: failover controller state (written by the controller only)`,
            tags,
        }, { parent: this, ignoreChanges: ["value"] });

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: 30, tags }, parent);

        this.role = new aws.iam.Role(...applyTransform(t.functionRole, `${name}-role`, {
            description: `lbstack ${name}: failover controller`,
            assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
            tags,
        }, parent));

        const hasRoutes = args.routes.length > 0;
        const groupArns = roles.map((r) => args.autoScalingGroups[r].arn);
        new aws.iam.RolePolicy(`${name}-policy`, {
            role: this.role.id,
            policy: pulumi.all([args.listenerArn, groupArns, this.stateParameter.arn, logGroup.arn]).apply(
                ([listener, groups, parameter, logs]) => JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        // Describe calls have no resource-level permissions: they need "*".
                        { Sid: "Describe", Effect: "Allow", Action: ["elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "autoscaling:DescribeAutoScalingGroups"], Resource: "*" },
                        { Sid: "WriteRouting", Effect: "Allow", Action: ["elasticloadbalancing:ModifyListener"], Resource: [listener] },
                        // Every rule of this listener, and only those: one wildcard instead of one ARN a route keeps the policy small.
                        ...(hasRoutes ? [{ Sid: "WriteRoutes", Effect: "Allow", Action: ["elasticloadbalancing:ModifyRule"], Resource: [`${listenerRuleArnPrefix(listener)}/*`] }] : []),
                        { Sid: "Scale", Effect: "Allow", Action: ["autoscaling:SetDesiredCapacity"], Resource: groups },
                        { Sid: "State", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:PutParameter"], Resource: [parameter] },
                        { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logs}:*`] },
                    ],
                })),
        }, parent);

        // The JSON stays within Lambda's 4 KB for environment variables: routes are rule ids only,
        // and `failoverIssues` limits their number (config-size.ts has the byte math).
        const config = pulumi.all([
            args.listenerArn, args.targetGroups.primary.arn, args.targetGroups.backup.arn,
            pulumi.all(args.routes.map((r) => r.ruleArn)),
            args.autoScalingGroups.primary.name, args.autoScalingGroups.backup.name, this.stateParameter.name,
        ]).apply(([listenerArn, primaryTg, backupTg, ruleArns, primaryAsg, backupAsg, stateParameterName]) => {
            const group = (role: GroupRole, asgName: string) => {
                const c = args.groups[role].capacity;
                // With scaleOut off the survivor's max is reported as its desired: never raised.
                const desired = c.desired ?? c.min;
                return { name: asgName, desiredCapacity: desired, maxSize: args.failover.scaleOut ? c.max : desired };
            };
            const value: FailoverControllerConfig = {
                listenerArn,
                targetGroupArns: { primary: primaryTg, backup: backupTg },
                weights: args.weights,
                ...(args.pin ? { pin: args.pin } : {}),
                minHealthy: { primary: args.failover.minHealthy, backup: args.failover.minHealthy },
                settleSeconds: args.failover.settleSeconds,
                pollSeconds: args.failover.pollSeconds,
                routes: args.routes.map((r, i) => ({ ruleArn: ruleArns[i], target: r.target })),
                autoScalingGroups: { primary: group("primary", primaryAsg), backup: group("backup", backupAsg) },
                stateParameterName,
                ...(args.failover.reservedConcurrency ? {} : { mayOverlap: true }),
            };
            return encodeFailoverConfig(value);
        });

        const dir = controllerRuntimeDir();
        this.function = new aws.lambda.Function(...applyTransform(t.function, `${name}-function`, {
            description: `lbstack ${name}: moves traffic between the primary and backup groups by target health`,
            runtime: "nodejs22.x",
            architectures: ["arm64"],
            handler: "handler.handler",
            memorySize: 128,
            timeout: 60,
            // One run at a time, unless traffic.failover.reservedConcurrency is false (accounts whose quota is 10).
            ...(args.failover.reservedConcurrency ? { reservedConcurrentExecutions: 1 } : {}),
            role: this.role.arn,
            code: new pulumi.asset.AssetArchive(Object.fromEntries(CONTROLLER_RUNTIME_FILES.map((f) => [f, new pulumi.asset.FileAsset(path.join(dir, f))]))),
            environment: { variables: { [CONFIG_ENV_VAR]: config } },
            loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
            tags,
        }, parent));
        // No retry after a function error: the next minute's run retries anyway. maximumRetryAttempts
        // covers only function errors, though: an event throttled behind a running poll (reserved
        // concurrency 1 and a run of ~60 s every minute) is re-queued by Lambda for up to 6 hours
        // by default. After 60 s (the lowest AWS allows) the next scheduled run has started and
        // does all the event would have (it polls), so an older event (alarm, or the scheduler's
        // own) is dropped instead of running late.
        new aws.lambda.FunctionEventInvokeConfig(`${name}-async`, {
            functionName: this.function.name, maximumRetryAttempts: 0, maximumEventAgeInSeconds: MAXIMUM_EVENT_AGE_SECONDS,
        }, parent);

        const schedulerRole = new aws.iam.Role(`${name}-scheduler-role`, {
            description: `lbstack ${name}: lets EventBridge Scheduler start the failover controller`,
            assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
            tags,
        }, parent);
        new aws.iam.RolePolicy(`${name}-scheduler-policy`, {
            role: schedulerRole.id,
            policy: this.function.arn.apply((arn) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: [arn] }] })),
        }, parent);
        this.schedule = new aws.scheduler.Schedule(...applyTransform(t.schedule, `${name}-schedule`, {
            description: `lbstack ${name}: start the failover controller every minute`,
            scheduleExpression: "rate(1 minute)",
            flexibleTimeWindow: { mode: "OFF" },
            target: { arn: this.function.arn, roleArn: schedulerRole.arn, retryPolicy: { maximumRetryAttempts: 0 } },
        }, parent));

        // Backstop: a target group with no healthy host (CloudWatch, 1-minute data) also starts the controller.
        const namespace = elbNamespace(args.loadBalancerType);
        this.backstopAlarms = {} as Record<GroupRole, aws.cloudwatch.MetricAlarm>;
        for (const role of roles) {
            this.backstopAlarms[role] = new aws.cloudwatch.MetricAlarm(...applyTransform(t.backstopAlarm, `${name}-${role}-no-healthy`, {
                alarmDescription: `lbstack ${name}: ${role} target group has no healthy host (backstop for the failover controller)`,
                namespace, metricName: "HealthyHostCount",
                dimensions: { TargetGroup: args.targetGroups[role].arnSuffix, LoadBalancer: args.loadBalancerArnSuffix },
                statistic: "Minimum", period: 60, evaluationPeriods: 1, threshold: 1,
                comparisonOperator: "LessThanThreshold", treatMissingData: "breaching",
                ...(args.alarmTopicArn ? { alarmActions: [args.alarmTopicArn], okActions: [args.alarmTopicArn] } : {}),
                tags,
            }, parent));
        }
        const alarmRule = new aws.cloudwatch.EventRule(`${name}-alarm-events`, {
            description: `lbstack ${name}: backstop alarms start the failover controller`,
            eventPattern: pulumi.all(roles.map((r) => this.backstopAlarms[r].name)).apply((names) => JSON.stringify({
                source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], detail: { alarmName: names },
            })),
            tags,
        }, parent);
        new aws.cloudwatch.EventTarget(`${name}-alarm-target`, { rule: alarmRule.name, arn: this.function.arn }, parent);
        new aws.lambda.Permission(`${name}-alarm-invoke`, {
            function: this.function.name, action: "lambda:InvokeFunction", principal: "events.amazonaws.com", sourceArn: alarmRule.arn,
        }, parent);

        // The poller itself stopped (no invocation for 3 minutes) or keeps failing: tell a human.
        this.stoppedAlarm = new aws.cloudwatch.MetricAlarm(`${name}-stopped`, {
            alarmDescription: `lbstack ${name}: the failover controller has not run, or has failed, for 3 minutes: failover is not active`,
            metricQueries: [
                { id: "inv", metric: { namespace: "AWS/Lambda", metricName: "Invocations", dimensions: { FunctionName: this.function.name }, stat: "Sum", period: 60 } },
                { id: "err", metric: { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: this.function.name }, stat: "Sum", period: 60 } },
                { id: "ok", expression: "inv - err", label: "successful runs", returnData: true },
            ],
            evaluationPeriods: 3, datapointsToAlarm: 3, threshold: 1,
            comparisonOperator: "LessThanThreshold", treatMissingData: "breaching",
            ...(args.alarmTopicArn ? { alarmActions: [args.alarmTopicArn], okActions: [args.alarmTopicArn] } : {}),
            tags,
        }, parent);

        this.registerOutputs({ functionName: this.function.name });
    }
}
