import { baseArgs, planInvalid, withPatch } from "../helpers/stack";

/**
 * Each bad scaling, deploy or monitoring value gets one exact error line naming its path and
 * value, and nothing is registered. [what, patch over the smallest valid spec, the exact line]
 */

const PINNED = { instance: { instanceTypes: ["m7i.large"] } };
const NLB = { loadBalancer: { type: "network" }, primary: { protocol: "TCP" }, backup: { protocol: "TCP" } };
const step = (steps: unknown[]) => ({ primary: { capacity: { min: 2, max: 10 }, scaling: { stepScaling: { metric: { namespace: "MyApp", name: "QueueDepth", statistic: "Average" }, steps } } } });

const cases: [string, unknown, string][] = [
    // Target tracking and warmup
    ["CPU target 0 %", { primary: { scaling: { cpuTargetPercent: 0 } } }, "primary.scaling.cpuTargetPercent (0): must be between 1 and 100 %"],
    ["CPU target 101 %", { backup: { scaling: { cpuTargetPercent: 101 } } }, "backup.scaling.cpuTargetPercent (101): must be between 1 and 100 %"],
    ["requests per target 0", { primary: { scaling: { requestsPerTarget: 0 } } }, "primary.scaling.requestsPerTarget (0): must be greater than 0"],
    ["requests per target on an NLB", withPatch(NLB, { primary: { scaling: { requestsPerTarget: 100 } } }), "primary.scaling.requestsPerTarget (100): needs an application load balancer (ALBRequestCountPerTarget); network load balancers publish no request count"],
    ["instance warmup above an hour", { primary: { scaling: { instanceWarmupSeconds: 3601 } } }, "primary.scaling.instanceWarmupSeconds (3601): must be between 0 and 3600 seconds"],
    ["scale-in cooldown of 90 s", { primary: { scaling: { scaleInCooldownSeconds: 90 } } }, "primary.scaling.scaleInCooldownSeconds (90): must be a whole number of minutes (a multiple of 60 seconds)"],
    // Schedules
    ["cron with 6 fields", { primary: { scaling: { schedule: [{ cron: "0 0 8 * * 1-5", min: 2 }] } } }, 'primary.scaling.schedule[0].cron ("0 0 8 * * 1-5"): must have 5 fields (minute hour day-of-month month day-of-week), such as "0 8 * * 1-5"; found 6'],
    ["cron hour 24", { primary: { scaling: { schedule: [{ cron: "0 24 * * *", min: 2 }] } } }, 'primary.scaling.schedule[0].cron ("0 24 * * *"): hour 24 is outside 0–23'],
    ["cron day of week 8", { primary: { scaling: { schedule: [{ cron: "0 8 * * 8", min: 2 }] } } }, 'primary.scaling.schedule[0].cron ("0 8 * * 8"): day of week 8 is outside 0–7'],
    ["cron backwards range", { primary: { scaling: { schedule: [{ cron: "0 18-8 * * *", min: 2 }] } } }, 'primary.scaling.schedule[0].cron ("0 18-8 * * *"): hour range "18-8" must go from the lower value to the higher'],
    ["unknown time zone", { primary: { scaling: { schedule: [{ cron: "0 8 * * *", timeZone: "Europe/Pariss", min: 2 }] } } }, 'primary.scaling.schedule[0].timeZone ("Europe/Pariss"): must be an IANA time zone name such as "Europe/Paris", "America/New_York" or "UTC"'],
    ["abbreviation instead of a zone", { primary: { scaling: { schedule: [{ cron: "0 8 * * *", timeZone: "CET", min: 2 }] } } }, 'primary.scaling.schedule[0].timeZone ("CET"): must be an IANA time zone name such as "Europe/Paris", "America/New_York" or "UTC"'],
    ["scheduled max below min", { primary: { scaling: { schedule: [{ cron: "0 8 * * *", min: 4, max: 3 }] } } }, "primary.scaling.schedule[0].max (3): must be at least min (4)"],
    ["scheduled max below the group's min", { primary: { scaling: { schedule: [{ cron: "0 20 * * *", max: 1 }] } } }, "primary.scaling.schedule[0].max (1): must be at least min (2, the group's capacity.min; set min in this action too)"],
    ["scheduled min above the group's max", { backup: { scaling: { schedule: [{ cron: "0 8 * * *", min: 5 }] } } }, "backup.scaling.schedule[0].min (5): must be at most max (3, the group's capacity.max; set max in this action too)"],
    ["scheduled desired above max", { primary: { scaling: { schedule: [{ cron: "0 8 * * *", min: 2, max: 4, desired: 5 }] } } }, "primary.scaling.schedule[0].desired (5): must be at most max (4)"],
    ["scheduled desired below min", { primary: { scaling: { schedule: [{ cron: "0 8 * * *", min: 3, desired: 1 }] } } }, "primary.scaling.schedule[0].desired (1): must be at least min (3)"],
    ["an action that changes nothing", { primary: { scaling: { schedule: [{ cron: "0 8 * * *" }] } } }, 'primary.scaling.schedule[0] ({"cron":"0 8 * * *"}): must set at least one of min, max or desired'],
    ["two actions with one name", { primary: { scaling: { schedule: [{ name: "day", cron: "0 8 * * *", min: 2 }, { name: "day", cron: "0 20 * * *", min: 2 }] } } }, 'primary.scaling.schedule[1].name ("day"): is already used by schedule[0]; names must be unique within the group'],
    // Step scaling
    ["step with change 0", step([{ lower: 100, change: 0 }]), "primary.scaling.stepScaling.steps[0].change (0): must not be 0 (positive adds capacity, negative removes it)"],
    ["scale-out step without a lower bound", step([{ upper: 100, change: 1 }]), "primary.scaling.stepScaling.steps[0].lower: is required on a scale-out step (change > 0): the step starts where the metric crosses it"],
    ["gap between scale-out steps", step([{ lower: 100, upper: 200, change: 1 }, { lower: 300, change: 2 }]), "primary.scaling.stepScaling.steps[0].upper (200): must equal the next scale-out step's lower bound (300): steps may not leave gaps or overlap"],
    ["bounded highest scale-out step", step([{ lower: 100, upper: 200, change: 1 }]), "primary.scaling.stepScaling.steps[0].upper (200): must be left out on the highest scale-out step (it covers everything above its lower bound)"],
    ["upper not above lower", step([{ lower: 100, upper: 100, change: 1 }, { lower: 100, change: 2 }]), "primary.scaling.stepScaling.steps[0].upper (100): must be greater than lower (100)"],
    ["scale-in above scale-out", step([{ lower: 50, change: 1 }, { upper: 60, change: -1 }]), "primary.scaling.stepScaling.steps: scale-in starts below 60, above where scale-out starts (50): the group would scale out and in at once"],
    ["unknown statistic", { primary: { scaling: { stepScaling: { metric: { namespace: "MyApp", name: "Q", statistic: "p99" }, steps: [{ lower: 1, change: 1 }] } } } }, 'primary.scaling.stepScaling.metric.statistic ("p99"): Invalid option: expected one of "Average"|"Sum"|"Minimum"|"Maximum"|"SampleCount"'],
    // Predictive
    ["predictive with no target", { primary: { scaling: { cpuTargetPercent: false, predictive: { mode: "ForecastOnly" } } } }, "primary.scaling.predictive.cpuTargetPercent: is required when cpuTargetPercent is false: predictive scaling needs a CPU target to plan for"],
    ["predictive mode typo", { primary: { scaling: { predictive: { mode: "Forecast" } } } }, 'primary.scaling.predictive.mode ("Forecast"): Invalid option: expected one of "ForecastOnly"|"ForecastAndScale"'],
    // Warm pool
    ["warm pool with attribute-based selection", { primary: { scaling: { warmPool: {} } } }, 'primary.scaling.warmPool ({}): needs exactly one pinned instance type (instance.instanceTypes: ["m7i.large"]): AWS refuses a warm pool on a group with a mixed-instances policy, which attribute-based instance selection uses'],
    ["warm pool with several types", { instance: { instanceTypes: ["m7i.large", "m6i.large"] }, backup: { scaling: { warmPool: { minSize: 1 } } } }, 'backup.scaling.warmPool ({"minSize":1}): needs exactly one pinned instance type (instance.instanceTypes: ["m7i.large"]): AWS refuses a warm pool on a group with a mixed-instances policy, which several instance types uses'],
    ["warm pool on a group with max 0", withPatch(PINNED, { backup: { capacity: { min: 0, max: 0 }, scaling: { warmPool: {} } }, traffic: { weights: { primary: 1, backup: 0 }, failover: false } }), "backup.scaling.warmPool ({}): cannot be used on a group whose capacity.max is 0 (it would never launch an instance)"],
    ["warm pool min size -1", withPatch(PINNED, { primary: { scaling: { warmPool: { minSize: -1 } } } }), "primary.scaling.warmPool.minSize (-1): must be between 0 and 10000 instances"],
    ["warm pool prepared capacity -2", withPatch(PINNED, { primary: { scaling: { warmPool: { maxPreparedCapacity: -2 } } } }), "primary.scaling.warmPool.maxPreparedCapacity (-2): must be between -1 and 10000 instances"],
    ["warm pool state typo", withPatch(PINNED, { primary: { scaling: { warmPool: { state: "Warm" } } } }), 'primary.scaling.warmPool.state ("Warm"): Invalid option: expected one of "Stopped"|"Running"|"Hibernated"'],
    // Deploys
    ["min healthy 101 %", { primary: { deploy: { minHealthyPercent: 101 } } }, "primary.deploy.minHealthyPercent (101): must be between 0 and 100 %"],
    ["max healthy 99 %", { primary: { deploy: { maxHealthyPercent: 99 } } }, "primary.deploy.maxHealthyPercent (99): must be between 100 and 200 %"],
    ["max − min above 100", { primary: { deploy: { minHealthyPercent: 50, maxHealthyPercent: 200 } } }, "primary.deploy.maxHealthyPercent (200): maxHealthyPercent (200) − minHealthyPercent (50) must be at most 100"],
    ["min healthy 0 with the default max", { backup: { deploy: { minHealthyPercent: 0 } } }, "backup.deploy.minHealthyPercent (0): maxHealthyPercent (110) − minHealthyPercent (0) must be at most 100"],
    ["checkpoints out of order", { primary: { deploy: { checkpoints: [50, 20, 100] } } }, "primary.deploy.checkpoints[1] (20): must be greater than the checkpoint before it (50): checkpoints are unique and ascending"],
    ["checkpoint 0 %", { primary: { deploy: { checkpoints: [0, 100] } } }, "primary.deploy.checkpoints[0] (0): must be between 1 and 100 %"],
    ["checkpoint delay without checkpoints", { primary: { deploy: { checkpointDelaySeconds: 300 } } }, "primary.deploy.checkpointDelaySeconds (300): needs checkpoints (the percentages at which the refresh pauses)"],
    ["checkpoint delay above 2 days", { primary: { deploy: { checkpoints: [50], checkpointDelaySeconds: 172801 } } }, "primary.deploy.checkpointDelaySeconds (172801): must be between 0 and 172800 seconds"],
    ["rollback with monitoring off", { monitoring: false, primary: { deploy: { rollbackOnAlarm: true } } }, "primary.deploy.rollbackOnAlarm (true): has no alarm to watch: monitoring is false (turn monitoring on, or set rollbackOnAlarm to false)"],
    ["rollback with every alarm off", { monitoring: { alarms: { errorRate: false, latencyP99: false, unhealthyHosts: false, noHealthyHosts: false } }, backup: { deploy: { rollbackOnAlarm: true } } }, "backup.deploy.rollbackOnAlarm (true): has no alarm to watch: every alarm that applies to this group is turned off in monitoring.alarms"],
    // Monitoring
    ["alarm period of 30 s", { monitoring: { alarms: { errorRate: { periodSeconds: 30 } } } }, "monitoring.alarms.errorRate.periodSeconds (30): must be a multiple of 60 seconds: load balancer metrics are published once a minute (10 and 30 s are for high-resolution metrics only)"],
    ["alarm period of 90 s", { monitoring: { alarms: { latencyP99: { periodSeconds: 90 } } } }, "monitoring.alarms.latencyP99.periodSeconds (90): must be 10, 30 or a multiple of 60 seconds"],
    ["evaluation window above a day", { monitoring: { alarms: { unhealthyHosts: { periodSeconds: 3600, evaluationPeriods: 25 } } } }, "monitoring.alarms.unhealthyHosts.evaluationPeriods (25): evaluationPeriods × periodSeconds is 25 × 3600 = 90000 s; CloudWatch evaluates at most 86400 s (one day)"],
    ["datapoints above evaluation periods", { monitoring: { alarms: { errorRate: { evaluationPeriods: 3, datapointsToAlarm: 4 } } } }, "monitoring.alarms.errorRate.datapointsToAlarm (4): must be at most evaluationPeriods (3)"],
    ["datapoints above the default periods", { monitoring: { alarms: { noHealthyHosts: { datapointsToAlarm: 3 } } } }, "monitoring.alarms.noHealthyHosts.datapointsToAlarm (3): must be at most evaluationPeriods (2, the default)"],
    ["error rate above 100 %", { monitoring: { alarms: { errorRate: { threshold: 150 } } } }, "monitoring.alarms.errorRate.threshold (150): must be at most 100 %"],
    ["latency threshold 0", { monitoring: { alarms: { latencyP99: { threshold: 0 } } } }, "monitoring.alarms.latencyP99.threshold (0): must be greater than 0 seconds"],
    ["zero evaluation periods", { monitoring: { alarms: { unhealthyHosts: { evaluationPeriods: 0 } } } }, "monitoring.alarms.unhealthyHosts.evaluationPeriods (0): must be between 1 and 1440 periods"],
    ["latency alarm on an NLB", withPatch(NLB, { monitoring: { alarms: { latencyP99: { threshold: 1 } } } }), 'monitoring.alarms.latencyP99 ({"threshold":1}): only applies to application load balancers (a network load balancer publishes no HTTP codes or response times); leave it out or set it to false'],
    ["access logs on an NLB", withPatch(NLB, { monitoring: { accessLogs: { retentionDays: 30 } } }), 'monitoring.accessLogs ({"retentionDays":30}): only applies to application load balancers here (network load balancer logs cover TLS listeners only); leave it out or set it to false'],
    ["retention of 0 days", { monitoring: { accessLogs: { retentionDays: 0 } } }, "monitoring.accessLogs.retentionDays (0): must be at least 1 day"],
    ["bad email", { monitoring: { notify: { emails: ["ops-at-example.com"] } } }, 'monitoring.notify.emails[0] ("ops-at-example.com"): must be an email address such as ops@example.com'],
    ["plain HTTP endpoint", { monitoring: { notify: { httpsEndpoints: ["http://hooks.example.com/alarms"] } } }, 'monitoring.notify.httpsEndpoints[0] ("http://hooks.example.com/alarms"): must be an https:// URL such as https://hooks.example.com/alarms'],
    ["unknown monitoring key", { monitoring: { dashbord: true } }, "monitoring.dashbord (true): unknown key (check its spelling; see the README for the fields this object takes)"],
];

describe("every bad operations value is reported with its path and value, and nothing is registered", () => {
    test.each(cases)("%s", async (_what, patch, expected) => {
        const { lines, resources } = await planInvalid(withPatch(baseArgs(), patch));
        expect(lines).toContain(expected);
        expect(resources).toEqual([]);
    });
});

test("a warm pool with one pinned type, a day schedule in Paris and tuned deploys is valid", async () => {
    const { parseStackSpec } = await import("../../packages/lbstack/src");
    const spec = parseStackSpec(withPatch(baseArgs(), withPatch(PINNED, {
        primary: {
            capacity: { min: 2, max: 10 },
            scaling: { warmPool: { minSize: 1 }, schedule: [{ cron: "0 8 * * 1-5", timeZone: "Europe/Paris", min: 4 }, { cron: "0 20 * * *", timeZone: "Asia/Kolkata", min: 2 }] },
            deploy: { minHealthyPercent: 100, maxHealthyPercent: 200, checkpoints: [50, 100], checkpointDelaySeconds: 300 },
        },
    })));
    expect(spec.groups.primary.scaling.warmPool).toEqual({ state: "Stopped", minSize: 1, maxPreparedCapacity: -1, reuseOnScaleIn: false });
    expect(spec.groups.primary.deploy).toEqual({ minHealthyPercent: 100, maxHealthyPercent: 200, warmupSeconds: 120, checkpoints: [50, 100], checkpointDelaySeconds: 300, rollbackOnAlarm: true, autoRollback: false });
});

test("several operations problems come in one error", async () => {
    const { lines } = await planInvalid(withPatch(baseArgs(), {
        primary: { scaling: { cpuTargetPercent: 0, warmPool: {} }, deploy: { checkpointDelaySeconds: 60 } },
        monitoring: { alarms: { errorRate: { periodSeconds: 30 } } },
    }));
    expect(lines).toEqual([
        "primary.scaling.cpuTargetPercent (0): must be between 1 and 100 %",
        "monitoring.alarms.errorRate.periodSeconds (30): must be a multiple of 60 seconds: load balancer metrics are published once a minute (10 and 30 s are for high-resolution metrics only)",
        'primary.scaling.warmPool ({}): needs exactly one pinned instance type (instance.instanceTypes: ["m7i.large"]): AWS refuses a warm pool on a group with a mixed-instances policy, which attribute-based instance selection uses',
        "primary.deploy.checkpointDelaySeconds (60): needs checkpoints (the percentages at which the refresh pauses)",
    ]);
});
