import { baseArgs, withPatch } from "../helpers/stack";
import { deployStack, find } from "./helpers";

/** What `pulumi up` does to running instances: the instance refresh each group carries. */

describe("instance refresh", () => {
    test("defaults: rolling, 90–110 % healthy, warmup = instance warmup, skip up-to-date instances, stop on the stack's alarms", async () => {
        const rs = await deployStack(baseArgs());
        const refresh = find(rs, "app-primary-asg").inputs.instanceRefresh;
        expect(refresh).toEqual({
            strategy: "Rolling",
            preferences: {
                minHealthyPercentage: 90,
                maxHealthyPercentage: 110,
                instanceWarmup: "120",
                skipMatching: true,
                autoRollback: false,
                alarmSpecification: { alarms: [
                    "app-monitoring-5xx-rate-physical",
                    "app-monitoring-p99-latency-physical",
                    "app-monitoring-primary-unhealthy-hosts-physical",
                    "app-monitoring-primary-no-healthy-hosts-physical",
                ] },
                scaleInProtectedInstances: "Ignore",
                standbyInstances: "Ignore",
            },
        });
        // The backup's refresh watches its own hosts, not the primary's.
        expect(find(rs, "app-backup-asg").inputs.instanceRefresh.preferences.alarmSpecification.alarms).toEqual([
            "app-monitoring-5xx-rate-physical",
            "app-monitoring-p99-latency-physical",
            "app-monitoring-backup-unhealthy-hosts-physical",
            "app-monitoring-backup-no-healthy-hosts-physical",
        ]);
        // The alarms exist before the group can start a refresh that names them.
        expect(find(rs, "app-primary-asg").dependsOn).toEqual(expect.arrayContaining(["app-monitoring-5xx-rate", "app-monitoring-primary-no-healthy-hosts"]));
        // A refresh is triggered by the pinned template version, never $Latest.
        expect(find(rs, "app-primary-asg").inputs.mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.version).toBe("1");
    });

    test("takes the deploy settings: percentages, warmup, checkpoints with their delay, and an opt-in AWS rollback", async () => {
        const rs = await deployStack(withPatch(baseArgs(), {
            primary: { deploy: { minHealthyPercent: 100, maxHealthyPercent: 200, warmupSeconds: 45, checkpoints: [20, 50, 100], checkpointDelaySeconds: 600, autoRollback: true } },
        }));
        expect(find(rs, "app-primary-asg").inputs.instanceRefresh.preferences).toMatchObject({
            minHealthyPercentage: 100, maxHealthyPercentage: 200, instanceWarmup: "45",
            checkpointPercentages: [20, 50, 100], checkpointDelay: "600", autoRollback: true,
        });
    });

    test("checkpoints without a delay pause for AWS's default hour", async () => {
        const rs = await deployStack(withPatch(baseArgs(), { backup: { deploy: { checkpoints: [50] } } }));
        expect(find(rs, "app-backup-asg").inputs.instanceRefresh.preferences).toMatchObject({ checkpointPercentages: [50], checkpointDelay: "3600" });
    });

    test("without monitoring there is no alarm to watch: the refresh still rolls, without an alarm specification", async () => {
        const rs = await deployStack(withPatch(baseArgs(), { monitoring: false }));
        const prefs = find(rs, "app-primary-asg").inputs.instanceRefresh.preferences;
        expect(prefs.alarmSpecification).toBeUndefined();
        expect(prefs).toMatchObject({ minHealthyPercentage: 90, maxHealthyPercentage: 110, skipMatching: true });
    });

    test("rollbackOnAlarm false leaves the alarms out; turning one alarm off removes only it", async () => {
        const rs = await deployStack(withPatch(baseArgs(), {
            primary: { deploy: { rollbackOnAlarm: false } },
            monitoring: { alarms: { latencyP99: false } },
        }));
        expect(find(rs, "app-primary-asg").inputs.instanceRefresh.preferences.alarmSpecification).toBeUndefined();
        expect(find(rs, "app-backup-asg").inputs.instanceRefresh.preferences.alarmSpecification.alarms).toEqual([
            "app-monitoring-5xx-rate-physical", "app-monitoring-backup-unhealthy-hosts-physical", "app-monitoring-backup-no-healthy-hosts-physical",
        ]);
    });
});
