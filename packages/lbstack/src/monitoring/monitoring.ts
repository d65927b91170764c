import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TYPE_TOKENS } from "../common/tokens";
import { applyTransform, Transform } from "../common/transform";
import type { GroupRole } from "../stack/schema";
import { ACCESS_LOG_PREFIX, accessLogBucketPolicy, accessLogLifecycleRule } from "./access-logs";
import { alarmDefinitions, metricAlarmArgs, refreshFailedPattern, rollbackAlarmIds } from "./alarms";
import { dashboardBody, dashboardName } from "./dashboard";
import type { ResolvedMonitoring } from "./schema";
import { alarmTopicPolicy, topicKeyPolicy } from "./topic";

/**
 * Per-child escape hatches of {@link Monitoring}. Each changes the args (or options) of one kind of
 * child before it is registered; `${name}` in the names below is the component's name (in a
 * `LoadBalancedStack`, `${stack}-monitoring`). Default: none, every child gets lbstack's args.
 */
export interface MonitoringTransforms {
    /** The SNS topic alarms publish to, `${name}-topic`. */
    alarmTopic?: Transform<aws.sns.TopicArgs>;
    /** The KMS key that encrypts the topic, `${name}-topic-key`. */
    alarmTopicKey?: Transform<aws.kms.KeyArgs>;
    /** Every CloudWatch alarm of the component, `${name}-${id}` (`5xx-rate`, `p99-latency`, `primary-unhealthy-hosts`, ...: the name tells them apart). */
    alarm?: Transform<aws.cloudwatch.MetricAlarmArgs>;
    /**
     * The CloudWatch dashboard, `${name}-dashboard`; exists only with `dashboard: true` (the default).
     * Its `dashboardName` is `<project>-<stack>-<name>` (characters other than letters, digits, `_` and
     * `-` become `-`; at most 255), since dashboard names are unique per account.
     * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Dashboards.html
     */
    dashboard?: Transform<aws.cloudwatch.DashboardArgs>;
    /** The access-log bucket, `${name}-access-logs` (its settings are separate resources). */
    accessLogBucket?: Transform<aws.s3.BucketArgs>;
    /** The EventBridge rule for failed instance refreshes, `${name}-refresh-failed`. */
    refreshFailedRule?: Transform<aws.cloudwatch.EventRuleArgs>;
}

export interface MonitoringArgs {
    /** The validated monitoring spec (see `parseStackSpec`). */
    spec: ResolvedMonitoring;
    /** Heading of the dashboard, e.g. the stack's name. Default: this component's name. */
    title?: string;
    /** Which metrics exist: AWS/ApplicationELB (HTTP codes, response time) or AWS/NetworkELB. */
    loadBalancerType: "application" | "network";
    /** Configured weights and pin, shown on the dashboard. */
    weights: Record<GroupRole, number>;
    /** The group all traffic is pinned to (`traffic.pin`): the dashboard's text says so. Default: none. */
    pin?: GroupRole;
    /**
     * Whether the failover controller runs: its backstop alarm already tells a human when a group
     * has no healthy host, so lbstack's own alarm for that only gates deploys (no second message).
     */
    failover: boolean;
    /** Each group's capacity (decides which per-group alarms exist). */
    groups: Record<GroupRole, { capacity: { min: number; max: number } }>;
    /**
     * `arnSuffix` of the load balancer and of each target group, and the auto-scaling group names.
     * Inputs, so a caller can create this component before the load balancer and groups (the load
     * balancer needs the access-log bucket, the groups need the alarm names) and resolve them later
     * with `pulumi.deferredOutput()`, as `LoadBalancedStack` does.
     */
    loadBalancerArnSuffix: pulumi.Input<string>;
    /** `arnSuffix` of each group's target group: the `TargetGroup` dimension of the per-group alarms and dashboard metrics. An Input, like `loadBalancerArnSuffix`. */
    targetGroupArnSuffixes: Record<GroupRole, pulumi.Input<string>>;
    /** Each group's auto-scaling group name: the failed-refresh rule's event pattern and the dashboard's group metrics. An Input, like `loadBalancerArnSuffix`. */
    autoScalingGroupNames: Record<GroupRole, pulumi.Input<string>>;
    /** Tags on every child that takes tags. */
    tags?: Record<string, string>;
    /** Per-child escape hatches. */
    transform?: MonitoringTransforms;
}

/** Where the load balancer writes access logs, and what must exist before it enables them. */
export interface AccessLogTarget {
    bucket: pulumi.Output<string>;
    prefix: string;
    /** The bucket policy and settings: ELB tests write access when logging is enabled. */
    dependsOn: pulumi.Resource[];
}

/**
 * Monitoring of a load-balanced stack: an SNS topic (encrypted with its own KMS key) with email
 * and HTTPS subscriptions, CloudWatch alarms on the load balancer and each group, an EventBridge
 * rule for failed instance refreshes, a CloudWatch dashboard, and an S3 bucket for the
 * application load balancer's access logs.
 *
 * Cost (us-east-1): alarms $0.10 each per month ($0.30 for the 5xx rate: metric math over three
 * metrics), the dashboard $3/month beyond the account's first three, the KMS key $1/month, SNS
 * email free for the first 1,000 messages, S3 storage for `retentionDays` of logs.
 */
export class Monitoring extends pulumi.ComponentResource {
    readonly topic: aws.sns.Topic;
    readonly topicKey: aws.kms.Key;
    /** Alarms by id (`5xx-rate`, `p99-latency`, `primary-unhealthy-hosts`, ...). */
    readonly alarms: Record<string, aws.cloudwatch.MetricAlarm>;
    /** Per group: the names of the alarms that stop its instance refresh. */
    readonly rollbackAlarmNames: Record<GroupRole, pulumi.Output<string>[]>;
    readonly dashboard?: aws.cloudwatch.Dashboard;
    readonly refreshFailedRule?: aws.cloudwatch.EventRule;
    readonly accessLogBucket?: aws.s3.Bucket;
    /** Pass to the load balancer (`LoadBalancerArgs.accessLogs`); undefined when access logs are off. */
    readonly accessLogs?: AccessLogTarget;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE_TOKENS.Monitoring, name, {}, opts);
        const t = args.transform ?? {};
        const tags = args.tags ?? {};
        const spec = args.spec;
        const parent = { parent: this };
        const partition = aws.getPartitionOutput({}, parent).partition;
        const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
        const region = aws.getRegionOutput({}, parent).region;

        this.topicKey = new aws.kms.Key(...applyTransform(t.alarmTopicKey, `${name}-topic-key`, {
            description: `lbstack ${name}: encrypts the alarm topic (CloudWatch and EventBridge may use it)`,
            enableKeyRotation: true,
            policy: pulumi.all([partition, accountId]).apply(([p, a]) => topicKeyPolicy({ partition: p, accountId: a })),
            tags,
        }, parent));
        this.topic = new aws.sns.Topic(...applyTransform(t.alarmTopic, `${name}-topic`, {
            kmsMasterKeyId: this.topicKey.arn,
            tags,
        }, parent));
        spec.notify.emails.forEach((endpoint, i) => new aws.sns.TopicSubscription(`${name}-email-${i}`, { topic: this.topic.arn, protocol: "email", endpoint }, parent));
        spec.notify.httpsEndpoints.forEach((endpoint, i) => new aws.sns.TopicSubscription(`${name}-https-${i}`, { topic: this.topic.arn, protocol: "https", endpoint }, parent));

        const defs = alarmDefinitions(spec, { loadBalancerType: args.loadBalancerType, groups: args.groups });
        this.alarms = {};
        for (const def of defs) {
            const notify = !(def.kind === "noHealthyHosts" && args.failover);
            this.alarms[def.id] = new aws.cloudwatch.MetricAlarm(...applyTransform(t.alarm, `${name}-${def.id}`, metricAlarmArgs(def, args.loadBalancerType, {
                loadBalancer: args.loadBalancerArnSuffix,
                targetGroups: args.targetGroupArnSuffixes,
            }, notify ? [this.topic.arn] : [], tags), parent));
        }
        this.rollbackAlarmNames = {
            primary: rollbackAlarmIds(defs, "primary").map((id) => this.alarms[id].name),
            backup: rollbackAlarmIds(defs, "backup").map((id) => this.alarms[id].name),
        };

        if (spec.alarms.instanceRefreshFailed) {
            const names = args.autoScalingGroupNames;
            this.refreshFailedRule = new aws.cloudwatch.EventRule(...applyTransform(t.refreshFailedRule, `${name}-refresh-failed`, {
                description: `lbstack ${name}: an instance refresh (rolling deploy) of the primary or backup group failed`,
                eventPattern: pulumi.all([names.primary, names.backup]).apply((n) => refreshFailedPattern(n)),
                tags,
            }, parent));
            new aws.cloudwatch.EventTarget(`${name}-refresh-failed-target`, { rule: this.refreshFailedRule.name, arn: this.topic.arn }, parent);
        }
        new aws.sns.TopicPolicy(`${name}-topic-policy`, {
            arn: this.topic.arn,
            policy: pulumi.all([partition, region, accountId, this.topic.arn, this.refreshFailedRule?.arn]).apply(([p, r, a, topicArn, ruleArn]) =>
                alarmTopicPolicy({ partition: p, region: r, accountId: a, topicArn, eventRuleArn: ruleArn })),
        }, parent);

        if (spec.dashboard) {
            const tg = args.targetGroupArnSuffixes;
            const asg = args.autoScalingGroupNames;
            this.dashboard = new aws.cloudwatch.Dashboard(...applyTransform(t.dashboard, `${name}-dashboard`, {
                // Dashboard names are unique per account and never auto-named: project, stack and component.
                dashboardName: dashboardName(pulumi.getProject(), pulumi.getStack(), name),
                dashboardBody: pulumi.all([region, args.loadBalancerArnSuffix, tg.primary, tg.backup, asg.primary, asg.backup])
                    .apply(([r, lb, tgp, tgb, asgp, asgb]) => dashboardBody({
                        title: args.title ?? name, region: r, loadBalancerType: args.loadBalancerType, loadBalancer: lb,
                        targetGroups: { primary: tgp, backup: tgb }, autoScalingGroups: { primary: asgp, backup: asgb },
                        weights: args.weights, failover: args.failover, pin: args.pin,
                    })),
            }, parent));
        }

        if (spec.accessLogs) {
            const logs = spec.accessLogs;
            const bucket = new aws.s3.Bucket(...applyTransform(t.accessLogBucket, `${name}-access-logs`, { forceDestroy: logs.forceDestroy, tags }, parent));
            // ELB log delivery supports SSE-S3 only (not SSE-KMS).
            const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-access-logs-encryption`, {
                bucket: bucket.id,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
            }, parent);
            const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-access-logs-public-access`, {
                bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
            }, parent);
            const ownership = new aws.s3.BucketOwnershipControls(`${name}-access-logs-ownership`, {
                bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" },
            }, parent);
            new aws.s3.BucketLifecycleConfiguration(`${name}-access-logs-lifecycle`, {
                bucket: bucket.id, rules: [accessLogLifecycleRule(ACCESS_LOG_PREFIX, logs.retentionDays)],
            }, parent);
            // After the public access block: S3 refuses concurrent changes to one bucket's access settings.
            const policy = new aws.s3.BucketPolicy(`${name}-access-logs-policy`, {
                bucket: bucket.id,
                policy: pulumi.all([partition, accountId, bucket.bucket]).apply(([p, a, b]) => accessLogBucketPolicy({ partition: p, accountId: a, bucketName: b, prefix: ACCESS_LOG_PREFIX })),
            }, { parent: this, dependsOn: [publicAccess] });
            this.accessLogBucket = bucket;
            this.accessLogs = { bucket: bucket.bucket, prefix: ACCESS_LOG_PREFIX, dependsOn: [policy, encryption, publicAccess, ownership] };
        }

        this.registerOutputs({
            topicArn: this.topic.arn,
            dashboardName: this.dashboard?.dashboardName,
            accessLogBucket: this.accessLogBucket?.bucket,
        });
    }
}
