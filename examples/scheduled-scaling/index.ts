/**
 * Scheduled scaling with lbstack: the primary group grows for business hours (Paris time),
 * shrinks for the evening and the night, and tracks 50 % CPU in between. A warm pool of stopped,
 * already booted instances makes the 07:30 ramp-up and any daytime scale-out take about three
 * minutes instead of four. The README has the table of a day.
 *
 * A warm pool needs exactly one pinned instance type (AWS refuses it with a mixed-instances
 * policy), hence `instanceTypes: ["m7i.large"]`.
 */
import { LoadBalancedStack, demoUserData } from "lbstack";

const timeZone = "Europe/Paris";

const stack = new LoadBalancedStack("app", {
    instance: { vcpus: 2, memoryGiB: 8, instanceTypes: ["m7i.large"] },
    primary: {
        capacity: { min: 2, max: 12 },
        healthCheck: { path: "/health" },
        instance: { userData: demoUserData("primary") },
        scaling: {
            cpuTargetPercent: 50,
            // The demo server is up well within a minute of boot.
            instanceWarmupSeconds: 90,
            schedule: [
                // Weekdays: ready before people arrive; CPU tracking may go up to 12.
                { name: "business-hours", cron: "30 7 * * 1-5", timeZone, min: 4, max: 12, desired: 6 },
                { name: "evening", cron: "0 19 * * 1-5", timeZone, min: 2, max: 6 },
                // Every night, weekends included: one instance, at most three.
                { name: "night", cron: "0 23 * * *", timeZone, min: 1, max: 3 },
                // Weekend days: a quieter day profile.
                { name: "weekend-day", cron: "0 9 * * 0,6", timeZone, min: 2, max: 6 },
            ],
            // Up to 8 instances prepared (group + pool), at least 2 stopped in the pool at any time.
            warmPool: { state: "Stopped", minSize: 2, maxPreparedCapacity: 8 },
        },
        // Launch the new instance before the old one stops; pause at half way for 5 minutes.
        deploy: { minHealthyPercent: 100, maxHealthyPercent: 150, checkpoints: [50, 100], checkpointDelaySeconds: 300 },
    },
    backup: {
        capacity: { min: 1, max: 3 },
        healthCheck: { path: "/health" },
        instance: { userData: demoUserData("backup") },
    },
    monitoring: {
        // Replace with your address: AWS mails a confirmation link first.
        notify: { emails: ["ops@example.com"] },
        accessLogs: { retentionDays: 30 },
    },
});

export const url = stack.url;
export const primaryGroupName = stack.primaryGroupName;
