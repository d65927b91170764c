import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GROUP_ROLES as ROLES, GroupRole } from "../common/roles";
import type { AlarmKey, ResolvedAlarmTuning, ResolvedMonitoring } from "./schema";

/** Pure helpers: which alarms a stack gets and their CloudWatch args (no Pulumi calls). */


/** One alarm lbstack creates, before any resource exists. */
export interface AlarmDefinition {
    /** Fixed role in the resource name (`<monitoring>-<id>`) and in the plan's figures. */
    id: string;
    kind: AlarmKey;
    /** The group a per-group alarm watches; undefined for load balancer–wide alarms. */
    group?: GroupRole;
    /** What the alarm measures, for people (figures, descriptions). */
    metric: string;
    threshold: number;
    comparison: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
    tuning: ResolvedAlarmTuning;
    /** Missing data: no traffic is not an error, but a target group that stops reporting hosts is. */
    treatMissingData: "notBreaching" | "breaching";
    description: string;
}

/** What the alarm list depends on besides the monitoring spec. */
export interface AlarmContext {
    loadBalancerType: "application" | "network";
    groups: Record<GroupRole, { capacity: { min: number; max: number } }>;
}

/** The metric namespace of a load balancer type. */
export function elbNamespace(type: "application" | "network"): "AWS/ApplicationELB" | "AWS/NetworkELB" {
    return type === "application" ? "AWS/ApplicationELB" : "AWS/NetworkELB";
}

/**
 * Every CloudWatch alarm of the stack, in a stable order. Per-group alarms exist only for groups
 * that can have instances (capacity.max > 0); the no-healthy-host alarm only for groups that must
 * (capacity.min ≥ 1), since a group allowed to scale to zero has no healthy host by design then.
 */
export function alarmDefinitions(m: ResolvedMonitoring, ctx: AlarmContext): AlarmDefinition[] {
    const defs: AlarmDefinition[] = [];
    const a = m.alarms;
    if (a.errorRate) {
        defs.push({
            id: "5xx-rate", kind: "errorRate", threshold: a.errorRate.threshold, tuning: a.errorRate,
            metric: "(HTTPCode_ELB_5XX_Count + HTTPCode_Target_5XX_Count) / RequestCount × 100 (%)",
            comparison: "GreaterThanThreshold", treatMissingData: "notBreaching",
            description: `5xx responses (load balancer and targets) above ${a.errorRate.threshold} % of requests`,
        });
    }
    if (a.latencyP99) {
        defs.push({
            id: "p99-latency", kind: "latencyP99", threshold: a.latencyP99.threshold, tuning: a.latencyP99,
            metric: "TargetResponseTime p99 (seconds)",
            comparison: "GreaterThanThreshold", treatMissingData: "notBreaching",
            description: `p99 target response time above ${a.latencyP99.threshold} s`,
        });
    }
    for (const role of ROLES) {
        const cap = ctx.groups[role].capacity;
        if (cap.max === 0) continue;
        if (a.unhealthyHosts) {
            defs.push({
                id: `${role}-unhealthy-hosts`, kind: "unhealthyHosts", group: role, threshold: a.unhealthyHosts.threshold, tuning: a.unhealthyHosts,
                metric: `UnHealthyHostCount of the ${role} target group (hosts)`,
                comparison: "GreaterThanOrEqualToThreshold", treatMissingData: "notBreaching",
                description: `${role}: ${a.unhealthyHosts.threshold} or more unhealthy hosts`,
            });
        }
        if (a.noHealthyHosts && cap.min >= 1) {
            defs.push({
                id: `${role}-no-healthy-hosts`, kind: "noHealthyHosts", group: role, threshold: a.noHealthyHosts.threshold, tuning: a.noHealthyHosts,
                metric: `HealthyHostCount of the ${role} target group (hosts)`,
                comparison: "LessThanThreshold", treatMissingData: "breaching",
                description: `${role}: fewer than ${a.noHealthyHosts.threshold} healthy hosts`,
            });
        }
    }
    return defs;
}

/**
 * The alarms that stop a group's instance refresh: the load balancer–wide ones and the group's
 * own (another group's hosts say nothing about this deploy).
 */
export function rollbackAlarmIds(defs: readonly AlarmDefinition[], role: GroupRole): string[] {
    return defs.filter((d) => d.group === undefined || d.group === role).map((d) => d.id);
}

/** Dimension values known only after deploy: the `arnSuffix` of the load balancer and target groups. */
export interface AlarmDimensions {
    loadBalancer: pulumi.Input<string>;
    targetGroups: Record<GroupRole, pulumi.Input<string>>;
}

/** The CloudWatch args of one alarm. `actions`: the SNS topic to notify, or none. */
export function metricAlarmArgs(def: AlarmDefinition, type: "application" | "network", dims: AlarmDimensions, actions: pulumi.Input<string>[], tags: Record<string, string>): aws.cloudwatch.MetricAlarmArgs {
    const namespace = elbNamespace(type);
    const t = def.tuning;
    const common = {
        alarmDescription: `lbstack: ${def.description}`,
        comparisonOperator: def.comparison,
        threshold: def.threshold,
        evaluationPeriods: t.evaluationPeriods,
        datapointsToAlarm: t.datapointsToAlarm,
        treatMissingData: def.treatMissingData,
        alarmActions: actions,
        okActions: actions,
        tags,
    };
    const lb = { LoadBalancer: dims.loadBalancer };
    switch (def.kind) {
        case "errorRate": {
            const m = (id: string, metricName: string) => ({ id, metric: { namespace, metricName, dimensions: lb, stat: "Sum", period: t.periodSeconds } });
            return {
                ...common,
                metricQueries: [
                    m("elb5xx", "HTTPCode_ELB_5XX_Count"),
                    m("target5xx", "HTTPCode_Target_5XX_Count"),
                    m("requests", "RequestCount"),
                    {
                        id: "rate",
                        // 5xx metrics are published only when non-zero: FILL makes them 0. When no request
                        // reached a target but the load balancer answered 5xx, that is 100 % failure.
                        expression: "IF(FILL(requests, 0) > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / FILL(requests, 0), IF(FILL(elb5xx, 0) > 0, 100, 0))",
                        label: "5xx rate (%)",
                        returnData: true,
                    },
                ],
            };
        }
        case "latencyP99":
            return { ...common, namespace, metricName: "TargetResponseTime", dimensions: lb, extendedStatistic: "p99", period: t.periodSeconds };
        case "unhealthyHosts":
        case "noHealthyHosts":
            return {
                ...common,
                namespace,
                metricName: def.kind === "unhealthyHosts" ? "UnHealthyHostCount" : "HealthyHostCount",
                dimensions: { TargetGroup: dims.targetGroups[def.group!], LoadBalancer: dims.loadBalancer },
                // The worst minute: the most unhealthy hosts, the fewest healthy ones.
                statistic: def.kind === "unhealthyHosts" ? "Maximum" : "Minimum",
                period: t.periodSeconds,
            };
    }
}

/** The plan's `figures.alarms`: every alarm's name, what it measures and its threshold. */
export function alarmFigures(defs: readonly AlarmDefinition[]): { name: string; metric: string; threshold: number }[] {
    return defs.map((d) => ({ name: d.id, metric: d.metric, threshold: d.threshold }));
}

/** The EventBridge pattern of failed instance refreshes of the given groups (no CloudWatch metric exists for them). */
export function refreshFailedPattern(groupNames: string[]): string {
    return JSON.stringify({
        source: ["aws.autoscaling"],
        "detail-type": ["EC2 Auto Scaling Instance Refresh Failed"],
        detail: { AutoScalingGroupName: groupNames },
    });
}
