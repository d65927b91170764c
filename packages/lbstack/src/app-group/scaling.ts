import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedDeploy, ResolvedScaling, ResolvedStep, ResolvedStepScaling } from "./operations-schema";
import { SCALING_DEFAULTS } from "./operations-schema";

/** Pure helpers that turn a validated group spec into scaling and deploy args (no Pulumi calls). */

/** Target tracking on the group's average CPU. */
export function cpuTargetTrackingArgs(groupName: pulumi.Input<string>, targetPercent: number): aws.autoscaling.PolicyArgs {
    return {
        autoscalingGroupName: groupName,
        policyType: "TargetTrackingScaling",
        targetTrackingConfiguration: {
            predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
            targetValue: targetPercent,
        },
    };
}

/**
 * Target tracking on ALB requests per target. The resource label is `<lb arnSuffix>/<target
 * group arnSuffix>`, and AWS accepts it only once the target group is attached to the group.
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredefinedMetricSpecification.html
 */
export function requestsTargetTrackingArgs(groupName: pulumi.Input<string>, requestsPerTarget: number, loadBalancerArnSuffix: pulumi.Input<string>, targetGroupArnSuffix: pulumi.Input<string>): aws.autoscaling.PolicyArgs {
    return {
        autoscalingGroupName: groupName,
        policyType: "TargetTrackingScaling",
        targetTrackingConfiguration: {
            predefinedMetricSpecification: {
                predefinedMetricType: "ALBRequestCountPerTarget",
                resourceLabel: pulumi.interpolate`${loadBalancerArnSuffix}/${targetGroupArnSuffix}`,
            },
            targetValue: requestsPerTarget,
        },
    };
}

/** Predictive scaling on the CPU metric pair (total CPU as load, average CPU as the scaling metric). */
export function predictiveArgs(groupName: pulumi.Input<string>, p: NonNullable<ResolvedScaling["predictive"]>): aws.autoscaling.PolicyArgs {
    return {
        autoscalingGroupName: groupName,
        policyType: "PredictiveScaling",
        predictiveScalingConfiguration: {
            mode: p.mode,
            // Never plan past the group's max: capacity.max stays the one ceiling.
            maxCapacityBreachBehavior: "HonorMaxCapacity",
            metricSpecification: {
                targetValue: p.cpuTargetPercent!,
                predefinedMetricPairSpecification: { predefinedMetricType: "ASGCPUUtilization" },
            },
        },
    };
}

/** The provider's "leave this unchanged" value for a scheduled action's sizes. */
export const UNCHANGED = -1;

/**
 * One scheduled action. Fields the action leaves out stay as they are: the provider sends an
 * omitted size as 0 (which AWS rejects, or which empties the group), so they are sent as -1,
 * the provider's "do not change". https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/autoscaling_schedule
 */
export function scheduledActionArgs(groupName: pulumi.Input<string>, a: ResolvedScaling["schedule"][number]): aws.autoscaling.ScheduleArgs {
    return {
        autoscalingGroupName: groupName,
        scheduledActionName: a.name,
        recurrence: a.cron,
        ...(a.timeZone !== undefined ? { timeZone: a.timeZone } : {}),
        minSize: a.min ?? UNCHANGED,
        maxSize: a.max ?? UNCHANGED,
        desiredCapacity: a.desired ?? UNCHANGED,
    };
}

/** One direction of a step scaling policy: its alarm threshold, comparison and steps relative to it. */
export interface StepDirection {
    direction: "out" | "in";
    threshold: number;
    comparison: "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
    /** Step bounds as offsets from the threshold, as PutScalingPolicy wants them. */
    adjustments: { metricIntervalLowerBound?: string; metricIntervalUpperBound?: string; scalingAdjustment: number }[];
    evaluationPeriods: number;
}

/**
 * Splits the steps into a scale-out and a scale-in policy. Scale out: the alarm fires at the
 * lowest `lower` (≥), two of two minutes. Scale in: at the highest `upper` (<), for
 * scaleInCooldownSeconds (the group must stay low that long before it shrinks).
 */
export function stepDirections(st: ResolvedStepScaling, scaleInCooldownSeconds: number): StepDirection[] {
    const out = st.steps.filter((s) => s.change > 0).sort((a, b) => a.lower! - b.lower!);
    const inn = st.steps.filter((s) => s.change < 0).sort((a, b) => b.upper! - a.upper!);
    const offset = (v: number | undefined, threshold: number) => (v === undefined ? undefined : String(v - threshold));
    const adjust = (s: ResolvedStep, threshold: number) => ({
        ...(s.lower !== undefined ? { metricIntervalLowerBound: offset(s.lower, threshold) } : {}),
        ...(s.upper !== undefined ? { metricIntervalUpperBound: offset(s.upper, threshold) } : {}),
        scalingAdjustment: s.change,
    });
    const dirs: StepDirection[] = [];
    if (out.length > 0) {
        const threshold = out[0].lower!;
        dirs.push({ direction: "out", threshold, comparison: "GreaterThanOrEqualToThreshold", adjustments: out.map((s) => adjust(s, threshold)), evaluationPeriods: SCALING_DEFAULTS.stepOutAlarm.evaluationPeriods });
    }
    if (inn.length > 0) {
        const threshold = inn[0].upper!;
        dirs.push({ direction: "in", threshold, comparison: "LessThanThreshold", adjustments: inn.map((s) => adjust(s, threshold)), evaluationPeriods: scaleInCooldownSeconds / 60 });
    }
    return dirs;
}

export function stepPolicyArgs(groupName: pulumi.Input<string>, st: ResolvedStepScaling, dir: StepDirection, warmupSeconds: number): aws.autoscaling.PolicyArgs {
    return {
        autoscalingGroupName: groupName,
        policyType: "StepScaling",
        adjustmentType: st.adjustmentType,
        metricAggregationType: st.metric.statistic === "Minimum" || st.metric.statistic === "Maximum" ? st.metric.statistic : "Average",
        estimatedInstanceWarmup: warmupSeconds,
        stepAdjustments: dir.adjustments,
    };
}

/** The alarm that triggers one direction's step policy. */
export function stepAlarmArgs(st: ResolvedStepScaling, dir: StepDirection, policyArn: pulumi.Input<string>, description: string, tags: Record<string, string>): aws.cloudwatch.MetricAlarmArgs {
    return {
        alarmDescription: description,
        namespace: st.metric.namespace,
        metricName: st.metric.name,
        dimensions: st.metric.dimensions,
        statistic: st.metric.statistic,
        period: SCALING_DEFAULTS.stepOutAlarm.periodSeconds,
        evaluationPeriods: dir.evaluationPeriods,
        datapointsToAlarm: dir.evaluationPeriods,
        threshold: dir.threshold,
        comparisonOperator: dir.comparison,
        // No data is no load: never scale on missing data.
        treatMissingData: "notBreaching",
        alarmActions: [policyArn],
        tags,
    };
}

/** The warm pool of the auto-scaling group. */
export function warmPoolArgs(w: NonNullable<ResolvedScaling["warmPool"]>): aws.types.input.autoscaling.GroupWarmPool {
    return {
        poolState: w.state,
        minSize: w.minSize,
        maxGroupPreparedCapacity: w.maxPreparedCapacity,
        instanceReusePolicy: { reuseOnScaleIn: w.reuseOnScaleIn },
    };
}

/**
 * The instance refresh: rolling, triggered by a change of the pinned launch template version,
 * skipping instances already up to date. With `rollbackOnAlarm` the refresh fails (stops) as soon
 * as one of `alarmNames` goes to ALARM.
 */
export function instanceRefreshArgs(d: ResolvedDeploy, alarmNames: pulumi.Input<string>[] = []): aws.types.input.autoscaling.GroupInstanceRefresh {
    return {
        strategy: "Rolling",
        preferences: {
            minHealthyPercentage: d.minHealthyPercent,
            maxHealthyPercentage: d.maxHealthyPercent,
            instanceWarmup: String(d.warmupSeconds),
            ...(d.checkpoints ? { checkpointPercentages: d.checkpoints, checkpointDelay: String(d.checkpointDelaySeconds) } : {}),
            skipMatching: true,
            autoRollback: d.autoRollback,
            ...(d.rollbackOnAlarm ? { alarmSpecification: { alarms: alarmNames } } : {}),
            scaleInProtectedInstances: "Ignore",
            standbyInstances: "Ignore",
        },
    };
}
