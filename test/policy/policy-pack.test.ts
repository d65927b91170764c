/**
 * The pack as a whole: policy metadata, the pack entry point, and the runPolicies helper (config,
 * enforcement overrides, unknown preview values, validation arguments).
 */
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    UNKNOWN,
    mandatoryViolations,
    policies,
    policiesByName,
    runPolicies,
} from "../../packages/lbstack-policy/src";
import { T, albProps, compliantStack, res } from "./fixtures";

const PACKAGE = path.join(__dirname, "../../packages/lbstack-policy");

/** Every policy with its level and the compliance ids its description must cite. */
const EXPECTED: Record<string, ["mandatory" | "advisory", string[]]> = {
    "lbstack-alb-drop-invalid-headers": ["mandatory", ["[ELB.4]", "[CKV_AWS_131]"]],
    "lbstack-alb-desync-mitigation": ["mandatory", ["[ELB.12]", "[CKV_AWS_328]"]],
    "lbstack-lb-access-logs": ["mandatory", ["[ELB.5]", "[AwsSolutions-ELB2]", "[CKV_AWS_91]"]],
    "lbstack-lb-deletion-protection": ["advisory", ["[ELB.6]", "[CKV_AWS_150]"]],
    "lbstack-listener-tls13": ["mandatory", ["[ELB.17]", "[CKV_AWS_103]"]],
    "lbstack-target-group-health-check-path": ["mandatory", ["[CKV_AWS_261]"]],
    "lbstack-http-redirects-to-https": ["mandatory", ["[ELB.1]", "[CKV2_AWS_20]", "[CKV_AWS_2]"]],
    "lbstack-asg-elb-health-check": ["mandatory", ["[AutoScaling.1]", "[AwsSolutions-AS2]", "[CKV2_AWS_15]"]],
    "lbstack-asg-launch-template-version-pinned": ["mandatory", []],
    "lbstack-multi-az": ["mandatory", ["[AutoScaling.2]", "[ELB.13]"]],
    "lbstack-imdsv2-required": ["mandatory", ["[EC2.170]", "[CKV_AWS_79]", "[CKV_AWS_341]"]],
    "lbstack-no-public-ip": ["mandatory", ["[EC2.25]", "[Autoscaling.5]", "[CKV_AWS_88]"]],
    "lbstack-ebs-encrypted": ["mandatory", ["[AwsSolutions-EC26]"]],
    "lbstack-instance-profile": ["mandatory", []],
    "lbstack-sg-no-world-ingress": ["mandatory", ["[EC2.18]", "[AwsSolutions-EC23]"]],
    "lbstack-sg-no-world-ssh-rdp": ["mandatory", ["[EC2.13]", "[EC2.14]", "[CKV_AWS_24]", "[CKV_AWS_25]"]],
    "lbstack-sg-descriptions": ["mandatory", ["[AwsSolutions-EC27]", "[CKV_AWS_23]"]],
};

describe("policy metadata", () => {
    it("has exactly the expected policies, each with its level and compliance ids", () => {
        expect(policies.map((p) => p.name)).toEqual(Object.keys(EXPECTED));
        for (const p of policies) {
            const [level, ids] = EXPECTED[p.name];
            expect(p.name).toMatch(/^lbstack-[a-z0-9]+(-[a-z0-9]+)*$/);
            expect([p.name, p.enforcementLevel]).toEqual([p.name, level]);
            for (const id of ids) expect(p.description).toContain(id);
            expect(p.description.length).toBeGreaterThan(30);
        }
        expect(Object.keys(policiesByName)).toEqual(Object.keys(EXPECTED));
    });

    it("makes only the redirect rule a stack policy", () => {
        const stack = policies.filter((p) => "validateStack" in p).map((p) => p.name);
        expect(stack).toEqual(["lbstack-http-redirects-to-https"]);
        expect(policies.filter((p) => !("validateResource" in p) && !("validateStack" in p))).toEqual([]);
    });

    it("declares allowedPorts with default [80, 443] in the world-ingress config schema", () => {
        expect(policiesByName["lbstack-sg-no-world-ingress"].configSchema?.properties.allowedPorts).toMatchObject({ type: "array", default: [80, 443] });
    });
});

describe("pack entry point", () => {
    it("index exports without constructing a PolicyPack; pack.ts constructs one with every policy", () => {
        jest.isolateModules(() => {
            const PolicyPack = jest.fn();
            jest.doMock("@pulumi/policy", () => ({ ...jest.requireActual("@pulumi/policy"), PolicyPack }));
            require("../../packages/lbstack-policy/src");
            require("../../packages/lbstack-policy/src/testing");
            expect(PolicyPack).not.toHaveBeenCalled();
            require("../../packages/lbstack-policy/src/pack");
            expect(PolicyPack).toHaveBeenCalledTimes(1);
            const [name, args] = PolicyPack.mock.calls[0];
            expect(name).toBe("lbstack-policy");
            expect(args.policies.map((p: { name: string }) => p.name)).toEqual(Object.keys(EXPECTED));
        });
    });

    it("PulumiPolicy.yaml names the nodejs runtime and the compiled pack", () => {
        const yaml = fs.readFileSync(path.join(PACKAGE, "PulumiPolicy.yaml"), "utf8");
        expect(yaml).toMatch(/^runtime: nodejs$/m);
        expect(yaml).toMatch(/^main: dist\/pack\.js$/m);
        expect(yaml).toMatch(/^description: \S/m);
        expect(fs.existsSync(path.join(PACKAGE, "src/pack.ts"))).toBe(true);
    });

    // The Node.js policy runner requires the pack directory, so it loads package.json "main" and ignores
    // PulumiPolicy.yaml "main"; "exports" keeps `require("lbstack-policy")` on the export-only dist/index.js.
    it("package.json main is the pack entry that the Node.js policy runner loads", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE, "package.json"), "utf8"));
        expect(pkg.main).toBe("dist/pack.js");
        expect(pkg.exports?.["."]).toMatchObject({ default: "./dist/index.js" });
    });
});

describe("runPolicies", () => {
    it("finds nothing in a compliant stack", async () => {
        expect(await runPolicies(compliantStack())).toEqual([]);
    });

    it("skips disabled policies and applies 'all' and per-policy levels like the CLI", async () => {
        const lb = [res(T.lb, "web", { ...albProps(), dropInvalidHeaderFields: false, enableDeletionProtection: false })];
        const levels = async (config: object) =>
            (await runPolicies(lb, { config: config as any })).map((v) => [v.policyName, v.enforcementLevel]);
        expect(await levels({})).toEqual([
            ["lbstack-alb-drop-invalid-headers", "mandatory"],
            ["lbstack-lb-deletion-protection", "advisory"],
        ]);
        expect(await levels({ "lbstack-alb-drop-invalid-headers": "disabled" })).toEqual([["lbstack-lb-deletion-protection", "advisory"]]);
        expect(await levels({ all: "advisory", "lbstack-lb-deletion-protection": { enforcementLevel: "mandatory" } })).toEqual([
            ["lbstack-alb-drop-invalid-headers", "advisory"],
            ["lbstack-lb-deletion-protection", "mandatory"],
        ]);
        expect(await levels({ all: "disabled" })).toEqual([]);
        expect(await levels({ "lbstack-alb-drop-invalid-headers": "remediate" })).toContainEqual(["lbstack-alb-drop-invalid-headers", "mandatory"]);
    });

    it("rejects config for a policy that does not exist", async () => {
        await expect(runPolicies([], { config: { "lbstack-no-such-policy": "disabled" } })).rejects.toThrow(/names no policy: lbstack-no-such-policy/);
    });

    it("rejects two resources with one URN", async () => {
        await expect(runPolicies([res(T.lb, "web", {}), res(T.lb, "web", {})])).rejects.toThrow(/share the URN/);
    });

    it.each([["the engine sentinel", UNKNOWN], ["pulumi.unknown from a preview mock", pulumi.unknown]])(
        "reports a policy that reads a value unknown under preview as advisory 'can't run' (%s)",
        async (_, unknown) => {
            const violations = await runPolicies([res(T.lb, "web", { ...albProps(), dropInvalidHeaderFields: unknown })]);
            expect(violations).toEqual([expect.objectContaining({
                policyName: "lbstack-alb-drop-invalid-headers",
                enforcementLevel: "advisory",
                resourceName: "web",
                message: "can't run policy 'lbstack-alb-drop-invalid-headers' during preview: string value at .dropInvalidHeaderFields can't be known during preview",
            })]);
            expect(mandatoryViolations(violations)).toEqual([]);
        },
    );

    it("builds the validation arguments the analyzer would", async () => {
        const seen: unknown[] = [];
        const probe: ResourceValidationPolicy = {
            name: "probe",
            description: "records its arguments",
            configSchema: { properties: { limit: { type: "integer", default: 3 }, label: { type: "string" } } },
            validateResource: (args, report) => {
                const lb = args.asType(aws.lb.LoadBalancer);
                seen.push([args.type, args.name, args.urn, args.isType(aws.lb.LoadBalancer), args.isType(aws.alb.LoadBalancer),
                    lb?.loadBalancerType, args.getConfig(), args.opts.protect, args.opts.parent, args.stackTags.get("env")]);
                if (!lb) args.notApplicable("not a load balancer");
                report("seen");
            },
        };
        const stack: StackValidationPolicy = {
            name: "stack-probe",
            description: "records the stack",
            enforcementLevel: "mandatory",
            validateStack: (args, report) => {
                const [lb, listener] = args.resources;
                seen.push([listener.parent?.name, listener.dependencies.map((d) => d.name), listener.propertyDependencies.loadBalancerArn?.map((d) => d.urn)]);
                report("stack-wide");
                report("on the load balancer", lb.urn);
            },
        };
        const lbUrn = `urn:pulumi:test::lbstack::${T.lb}::web`;
        const violations = await runPolicies([
            { ...res(T.lb, "web", { loadBalancerType: "network" }), opts: { protect: true } },
            { ...res(T.listener, "tcp", { loadBalancerArn: UNKNOWN }), parent: lbUrn, dependencies: [lbUrn, "urn:unknown"], propertyDependencies: { loadBalancerArn: [lbUrn] } },
        ], { policies: [probe, stack], config: { probe: { label: "x" } }, stackTags: { env: "test" } });
        expect(seen).toEqual([
            [T.lb, "web", lbUrn, true, false, "network", { limit: 3, label: "x" }, true, undefined, "test"],
            [T.listener, "tcp", `urn:pulumi:test::lbstack::${T.listener}::tcp`, false, false, undefined, { limit: 3, label: "x" }, false, lbUrn, "test"],
            ["web", ["web"], [lbUrn]],
        ]);
        expect(violations.map((v) => [v.policyName, v.enforcementLevel, v.resourceName, v.message])).toEqual([
            ["probe", "advisory", "web", "seen"],
            ["stack-probe", "mandatory", undefined, "stack-wide"],
            ["stack-probe", "mandatory", "web", "on the load balancer"],
        ]);
    });
});
