import { spawnSync } from "child_process";
import * as path from "path";
import { mandatoryViolations, runPolicies } from "../../packages/lbstack-policy/src";
import { baseArgs, planStack, withPatch } from "../helpers/stack";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "packages/lbstack/dist/cli/main.js");
const plan = (...args: string[]) => spawnSync(process.execPath, [CLI, "plan", ...args], { cwd: ROOT, encoding: "utf8" });

describe("lbstack plan --policy", () => {
    test("the default stack has no mandatory violation and exits 0", () => {
        const r = plan("--policy", "--json");
        expect(r.status).toBe(0);
        const report = JSON.parse(r.stdout);
        expect(report.policy.mandatory).toBe(0);
        expect(report.policy.violations.map((v: any) => v.policyName)).toEqual(["lbstack-lb-deletion-protection"]);
    });

    test("a program that turns IMDSv2 off through a transform exits 3 and names the policy", () => {
        const r = plan("--dir", "test/fixtures/imds-off", "--policy");
        expect(r.status).toBe(3);
        expect(r.stdout).toContain("policy: [mandatory] lbstack-imdsv2-required on unsafe-primary-lt");
        expect(r.stdout).toContain("policy: 2 mandatory, 1 advisory");
    });
});

test("a stack with every option turned on passes every mandatory policy", async () => {
    const run = await planStack(withPatch(baseArgs(), {
        network: { availabilityZones: 3, natGateways: "one-per-az" },
        instance: { storage: { sizeGiB: 100, iops: 6000, throughputMiBps: 500 }, architecture: "arm64" },
        primary: { healthCheck: { path: "/health", intervalSeconds: 5, timeoutSeconds: 2 }, slowStartSeconds: 60 },
        backup: { instance: { instanceTypes: ["m7g.large", "m6g.large"] }, healthCheck: { path: "/health" } },
        traffic: { weights: { primary: 100, backup: 0 }, failover: { minHealthy: { percent: 50 }, settleSeconds: 60 } },
        routes: [{ target: "backup", paths: ["/backup/*"] }, { target: "backup", headers: { "X-Backup": ["1"] } }],
        loadBalancer: { deletionProtection: true, allowedCidrs: ["203.0.113.0/24"], desyncMitigation: "strictest",
            listener: { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333" } },
        tags: { team: "shop" },
    }));
    const violations = await runPolicies(run.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs as Record<string, any> })));
    expect(mandatoryViolations(violations)).toEqual([]);
});
