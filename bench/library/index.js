// The library side of `npm run bench`: N LoadBalancedStacks with the root project's default spec
// (2 vCPU / 4 GiB, 20 GiB gp3, primary 2-6, backup 1-3, 90/10, /health, demo user data).
// Plain JavaScript so the measurement is planning, not TypeScript transpiling.
const pulumi = require("@pulumi/pulumi");
const { LoadBalancedStack } = require("lbstack");
const { demoUserData } = require("lbstack/dist/demo/user-data");

const stacks = Number(new pulumi.Config().get("stacks") ?? "1");
for (let i = 0; i < stacks; i++) {
    new LoadBalancedStack(`app${i}`, {
        instance: { vcpus: 2, memoryGiB: 4, storage: { sizeGiB: 20, type: "gp3", encrypted: true } },
        primary: { capacity: { min: 2, max: 6 }, healthCheck: { path: "/health" }, instance: { userData: demoUserData("primary") } },
        backup: { capacity: { min: 1, max: 3 }, healthCheck: { path: "/health" }, instance: { userData: demoUserData("backup") } },
        traffic: { weights: { primary: 90, backup: 10 } },
    });
}
