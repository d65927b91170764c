import { baseArgs, withPatch } from "../helpers/stack";
import { byType, deployStack, find, OpsResource, OT, pinnedArgs, suffix } from "./helpers";

/** Auto scaling of each group: the policies, schedules, step alarms and warm pool AWS receives. */

describe("the default stack", () => {
    let rs: OpsResource[];
    beforeAll(async () => {
        rs = await deployStack(baseArgs());
    });

    test("tracks 50 % average CPU on both groups, and nothing else", () => {
        expect(byType(rs, OT.policy).map((r) => r.name).sort()).toEqual(["app-backup-cpu-target", "app-primary-cpu-target"]);
        for (const role of ["primary", "backup"]) {
            expect(find(rs, `app-${role}-cpu-target`).inputs).toMatchObject({
                autoscalingGroupName: `app-${role}-asg-physical`,
                policyType: "TargetTrackingScaling",
                targetTrackingConfiguration: { predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" }, targetValue: 50 },
            });
            expect(find(rs, `app-${role}-cpu-target`).parent).toBe(`app-${role}`);
        }
        expect(byType(rs, OT.schedule)).toEqual([]);
    });

    test("groups warm new instances up for the grace period (120 s) and never reset desired capacity on a deploy", () => {
        const asg = find(rs, "app-primary-asg");
        expect(asg.inputs.defaultInstanceWarmup).toBe(120);
        expect(asg.ignoreChanges).toEqual(["desiredCapacity"]);
        expect(asg.inputs.warmPool).toBeUndefined();
    });
});

describe("requests per target", () => {
    test("tracks ALBRequestCountPerTarget with the load balancer's and target group's ARN suffixes as the resource label", async () => {
        const rs = await deployStack(withPatch(baseArgs(), { primary: { scaling: { requestsPerTarget: 1000 } } }));
        const policy = find(rs, "app-primary-requests-target");
        expect(policy.inputs).toMatchObject({
            autoscalingGroupName: "app-primary-asg-physical",
            policyType: "TargetTrackingScaling",
            targetTrackingConfiguration: {
                predefinedMetricSpecification: {
                    predefinedMetricType: "ALBRequestCountPerTarget",
                    resourceLabel: `${suffix.loadBalancer("app-lb-lb")}/${suffix.targetGroup("app-lb-primary")}`,
                },
                targetValue: 1000,
            },
        });
        // AWS accepts the label only once the target group is attached to the group.
        expect(policy.dependsOn).toContain("app-primary-asg");
        expect(() => find(rs, "app-backup-requests-target")).toThrow();
    });

    test("with CPU tracking off, only the request policy remains", async () => {
        const rs = await deployStack(withPatch(baseArgs(), { primary: { scaling: { cpuTargetPercent: false, requestsPerTarget: 500 } } }));
        expect(byType(rs, OT.policy).filter((p) => p.parent === "app-primary").map((p) => p.name)).toEqual(["app-primary-requests-target"]);
    });
});

describe("scheduled actions", () => {
    test("set min, max and desired on a cron schedule in the given time zone; names default to schedule-<index>", async () => {
        const rs = await deployStack(withPatch(baseArgs(), {
            primary: {
                capacity: { min: 2, max: 10 },
                scaling: {
                    schedule: [
                        { name: "business-hours", cron: "0 8 * * 1-5", timeZone: "Europe/Paris", min: 4, max: 10, desired: 6 },
                        { cron: "0 20 * * *", timeZone: "Europe/Paris", min: 1, max: 3 },
                        { cron: "30 6 * * MON", desired: 5 },
                    ],
                },
            },
        }));
        const schedules = byType(rs, OT.schedule).sort((a, b) => a.name.localeCompare(b.name));
        expect(schedules.map((s) => s.name)).toEqual(["app-primary-schedule-0", "app-primary-schedule-1", "app-primary-schedule-2"]);
        expect(schedules[0].inputs).toEqual({
            autoscalingGroupName: "app-primary-asg-physical", scheduledActionName: "business-hours",
            recurrence: "0 8 * * 1-5", timeZone: "Europe/Paris", minSize: 4, maxSize: 10, desiredCapacity: 6,
        });
        expect(schedules[1].inputs).toEqual({
            autoscalingGroupName: "app-primary-asg-physical", scheduledActionName: "schedule-1",
            recurrence: "0 20 * * *", timeZone: "Europe/Paris", minSize: 1, maxSize: 3, desiredCapacity: -1,
        });
        // Fields left out are sent as -1 (the provider would send 0, which AWS rejects or which empties the group); no time zone means UTC.
        expect(schedules[2].inputs).toEqual({ autoscalingGroupName: "app-primary-asg-physical", scheduledActionName: "schedule-2", recurrence: "30 6 * * MON", minSize: -1, maxSize: -1, desiredCapacity: 5 });
    });
});

describe("step scaling", () => {
    let rs: OpsResource[];
    beforeAll(async () => {
        rs = await deployStack(withPatch(baseArgs(), {
            primary: {
                capacity: { min: 2, max: 20 },
                scaling: {
                    scaleInCooldownSeconds: 600,
                    stepScaling: {
                        metric: { namespace: "AWS/SQS", name: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "jobs" }, statistic: "Average" },
                        steps: [
                            { lower: 100, upper: 500, change: 1 },
                            { lower: 500, change: 3 },
                            { upper: 10, change: -1 },
                        ],
                    },
                },
            },
        }));
    });

    test("scale-out policy: steps relative to the alarm threshold (the lowest lower bound, 100)", () => {
        expect(find(rs, "app-primary-step-out").inputs).toMatchObject({
            autoscalingGroupName: "app-primary-asg-physical", policyType: "StepScaling", adjustmentType: "ChangeInCapacity",
            estimatedInstanceWarmup: 120,
            stepAdjustments: [
                { metricIntervalLowerBound: "0", metricIntervalUpperBound: "400", scalingAdjustment: 1 },
                { metricIntervalLowerBound: "400", scalingAdjustment: 3 },
            ],
        });
    });

    test("scale-out alarm: ≥ 100 for 2 of 2 minutes triggers the scale-out policy", () => {
        expect(find(rs, "app-primary-step-out-alarm").inputs).toMatchObject({
            namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "jobs" }, statistic: "Average",
            period: 60, evaluationPeriods: 2, datapointsToAlarm: 2, threshold: 100, comparisonOperator: "GreaterThanOrEqualToThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [expect.stringContaining("app-primary-step-out")],
        });
    });

    test("scale-in: below 10 for the whole scale-in cooldown (600 s = 10 one-minute periods), steps at or below 0", () => {
        expect(find(rs, "app-primary-step-in").inputs.stepAdjustments).toEqual([{ metricIntervalUpperBound: "0", scalingAdjustment: -1 }]);
        expect(find(rs, "app-primary-step-in-alarm").inputs).toMatchObject({
            threshold: 10, comparisonOperator: "LessThanThreshold", evaluationPeriods: 10, datapointsToAlarm: 10,
            alarmActions: [expect.stringContaining("app-primary-step-in")],
        });
    });
});

describe("predictive scaling", () => {
    test("forecasts CPU at the group's CPU target by default, never planning past capacity.max", async () => {
        const rs = await deployStack(withPatch(baseArgs(), { primary: { scaling: { cpuTargetPercent: 60, predictive: {} } } }));
        expect(find(rs, "app-primary-predictive").inputs).toMatchObject({
            policyType: "PredictiveScaling",
            predictiveScalingConfiguration: {
                mode: "ForecastOnly", maxCapacityBreachBehavior: "HonorMaxCapacity",
                metricSpecification: { targetValue: 60, predefinedMetricPairSpecification: { predefinedMetricType: "ASGCPUUtilization" } },
            },
        });
    });

    test("takes its own target when target tracking is off", async () => {
        const rs = await deployStack(withPatch(baseArgs(), { backup: { scaling: { cpuTargetPercent: false, predictive: { mode: "ForecastAndScale", cpuTargetPercent: 40 } } } }));
        expect(find(rs, "app-backup-predictive").inputs.predictiveScalingConfiguration).toMatchObject({ mode: "ForecastAndScale", metricSpecification: { targetValue: 40 } });
        expect(() => find(rs, "app-backup-cpu-target")).toThrow();
    });
});

describe("warm pool", () => {
    test("on a group with one pinned type: pool state, sizes and reuse go to the auto-scaling group", async () => {
        const rs = await deployStack(withPatch(pinnedArgs(), {
            primary: { scaling: { warmPool: { state: "Hibernated", minSize: 1, maxPreparedCapacity: 8, reuseOnScaleIn: true }, instanceWarmupSeconds: 60 } },
            backup: { scaling: { warmPool: {} } },
        }));
        const primary = find(rs, "app-primary-asg").inputs;
        expect(primary.warmPool).toEqual({ poolState: "Hibernated", minSize: 1, maxGroupPreparedCapacity: 8, instanceReusePolicy: { reuseOnScaleIn: true } });
        expect(primary.defaultInstanceWarmup).toBe(60);
        expect(primary.launchTemplate).toBeDefined();
        expect(primary.mixedInstancesPolicy).toBeUndefined();
        // Defaults: stopped instances (EBS cost only), pool sized by the group's max.
        expect(find(rs, "app-backup-asg").inputs.warmPool).toEqual({ poolState: "Stopped", minSize: 0, maxGroupPreparedCapacity: -1, instanceReusePolicy: { reuseOnScaleIn: false } });
    });
});
