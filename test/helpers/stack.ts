import { LoadBalancedStack, LoadBalancedStackArgs, LoadBalancedStackSpec, LbstackValidationError, parseStackSpec } from "../../packages/lbstack/src";
import { MockRuntimeOptions, PlannedResource, PlanRun, runWithMocks } from "../../packages/lbstack/src/plan/mock-runtime";

/** The smallest valid spec; tests change one thing at a time. */
export function baseArgs(): LoadBalancedStackArgs {
    return {
        instance: { vcpus: 2, memoryGiB: 4 },
        primary: { capacity: { min: 2, max: 6 } },
        backup: { capacity: { min: 1, max: 3 } },
    };
}

/** Builds one LoadBalancedStack named "app" under the mock runtime and returns what was registered. */
export async function planStack(args: LoadBalancedStackArgs, options: Pick<MockRuntimeOptions, "preview" | "state"> = {}): Promise<PlanRun & { stack: LoadBalancedStack }> {
    let stack!: LoadBalancedStack;
    const run = await runWithMocks(() => {
        stack = new LoadBalancedStack("app", args);
        return { url: stack.url };
    }, options);
    return { ...run, stack };
}

/**
 * Builds the stack expecting validation to fail; returns the error lines and what was
 * registered (which must be nothing).
 */
export async function planInvalid(args: unknown): Promise<{ lines: string[]; error: LbstackValidationError; resources: PlannedResource[] }> {
    let caught: unknown;
    const run = await runWithMocks(() => {
        try {
            new LoadBalancedStack("app", args as LoadBalancedStackArgs);
        } catch (e) {
            caught = e;
        }
        return {};
    });
    if (!LbstackValidationError.is(caught)) throw new Error(`expected a validation error, got ${String(caught)}`);
    return { lines: caught.message.split("\n").slice(1).map((l) => l.replace(/^\s+- /, "")), error: caught, resources: run.resources };
}

/** The resolved spec of the smallest valid stack with top-level fields replaced by `overrides`. */
export function resolvedSpec(overrides: Partial<LoadBalancedStackSpec> = {}) {
    return parseStackSpec({ ...baseArgs(), ...overrides });
}

export function ofType<R extends { type: string }>(resources: R[], type: string): R[] {
    return resources.filter((r) => r.type === type);
}

export function named<R extends { name: string }>(resources: R[], name: string): R {
    const r = resources.find((x) => x.name === name);
    if (!r) throw new Error(`no resource named ${name}; have ${resources.map((x) => x.name).join(", ")}`);
    return r;
}

/** Deep-merges `patch` over `base` (objects merge, everything else replaces). */
export function withPatch<T>(base: T, patch: unknown): T {
    if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch as T;
    const out: any = { ...(base as any) };
    for (const [k, v] of Object.entries(patch)) {
        out[k] = v !== null && typeof v === "object" && !Array.isArray(v) && typeof out[k] === "object" ? withPatch(out[k], v) : v;
    }
    return out;
}

export const T = {
    asg: "aws:autoscaling/group:Group",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    tg: "aws:lb/targetGroup:TargetGroup",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    vpc: "awsx:ec2:Vpc",
    role: "aws:iam/role:Role",
    profile: "aws:iam/instanceProfile:InstanceProfile",
} as const;
