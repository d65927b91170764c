import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { instanceRequirements, launchMode } from "../instance/launch-template";
import type { ResolvedGroup } from "../stack/schema";
import { instanceRefreshArgs, warmPoolArgs } from "./scaling";

/** Group metrics published every minute: the dashboard and the plan read them. */
export const GROUP_METRICS: aws.autoscaling.Metric[] = [
    "GroupMinSize", "GroupMaxSize", "GroupDesiredCapacity", "GroupInServiceInstances",
    "GroupPendingInstances", "GroupTerminatingInstances", "GroupTotalInstances",
];

export interface GroupInputs {
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    targetGroupArn: pulumi.Input<string>;
    launchTemplateId: pulumi.Input<string>;
    /** The template version this group pins (never `$Latest`): a spec change rolls new instances. */
    launchTemplateVersion: pulumi.Input<string>;
    tags: Record<string, string>;
    /** Names of the alarms that stop an instance refresh (`deploy.rollbackOnAlarm`). */
    rollbackAlarmNames?: pulumi.Input<string>[];
}

/**
 * The auto-scaling group: ELB health checks with a grace period, a pinned template version, and
 * a mixed-instances policy when more than one type can be used. `desiredCapacity` is only set at
 * creation (see the component's ignoreChanges) so scaling is never reset by a deploy.
 */
export function autoScalingGroupArgs(g: ResolvedGroup, inputs: GroupInputs): aws.autoscaling.GroupArgs {
    const spec = { launchTemplateId: inputs.launchTemplateId, version: inputs.launchTemplateVersion };
    const mode = launchMode(g.instance);
    const launch: Partial<aws.autoscaling.GroupArgs> = mode === "template"
        ? { launchTemplate: { id: inputs.launchTemplateId, version: inputs.launchTemplateVersion } }
        : {
            mixedInstancesPolicy: {
                instancesDistribution: { onDemandPercentageAboveBaseCapacity: 100, onDemandAllocationStrategy: mode === "attribute-based" ? "lowest-price" : "prioritized" },
                launchTemplate: {
                    launchTemplateSpecification: spec,
                    overrides: mode === "attribute-based"
                        ? [{ instanceRequirements: instanceRequirements(g.instance) }]
                        : g.instance.instanceTypes!.map((instanceType) => ({ instanceType })),
                },
            },
        };
    return {
        minSize: g.capacity.min,
        maxSize: g.capacity.max,
        desiredCapacity: g.capacity.desired ?? g.capacity.min,
        vpcZoneIdentifiers: inputs.subnetIds,
        targetGroupArns: [inputs.targetGroupArn],
        healthCheckType: "ELB",
        healthCheckGracePeriod: g.healthCheck.gracePeriodSeconds,
        defaultInstanceWarmup: g.scaling.instanceWarmupSeconds,
        metricsGranularity: "1Minute",
        enabledMetrics: GROUP_METRICS,
        capacityRebalance: false,
        ...launch,
        // A change of the pinned template version (or the mixed-instances policy) starts a rolling replacement.
        instanceRefresh: instanceRefreshArgs(g.deploy, inputs.rollbackAlarmNames),
        ...(g.scaling.warmPool ? { warmPool: warmPoolArgs(g.scaling.warmPool) } : {}),
        tags: Object.entries({ ...inputs.tags, "lbstack:group": g.role }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
    };
}
