/**
 * Runs policies over recorded resources without a Pulumi CLI, a `PolicyPack` or its gRPC server: feed it the
 * inputs a Pulumi mock run records and assert on the violations it returns. It builds the validation
 * arguments the way `@pulumi/policy`'s analyzer does (config with schema defaults, enforcement overrides,
 * "not applicable", unknown values under preview) so a test sees what `pulumi preview --policy-pack` would.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    EnforcementLevel,
    Policies,
    PolicyPackConfig,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    StackValidationArgs,
    UnknownValueError,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { policies as lbstackPolicies } from "./policies";

/** A resource as a Pulumi mock run records it: type token, name and input properties. */
export interface PolicyTestResource {
    /** Pulumi type token, e.g. `aws:lb/loadBalancer:LoadBalancer`. */
    type: string;
    /** The resource's logical name. */
    name: string;
    /** @default `urn:pulumi:test::lbstack::<type>::<name>` */
    urn?: string;
    /** Input properties. `undefined` and {@link UNKNOWN} (or `pulumi.unknown`) mark values not known before deploy. */
    props: Record<string, any>;
    /** URN of the parent resource. */
    parent?: string;
    /** URNs this resource depends on (stack policies only). */
    dependencies?: string[];
    /** Per input property, the URNs its value came from, e.g. `{ loadBalancerArn: [lbUrn] }` (stack policies only). */
    propertyDependencies?: Record<string, string[]>;
    /** Resource options; unset fields take the engine's defaults. */
    opts?: Partial<PolicyResourceOptions>;
}

/** Options of {@link runPolicies}. */
export interface RunPoliciesOptions {
    /**
     * Policy config in the form `pulumi` takes it (`--policy-pack-config` JSON): policy name → enforcement
     * level, or `{ enforcementLevel?, ...properties }`. The key `"all"` sets every policy's level. Properties
     * not given take their `configSchema` defaults. A key naming no policy throws, so typos cannot pass silently.
     */
    config?: PolicyPackConfig;
    /** The policies to run. @default every lbstack policy */
    policies?: Policies;
    /** Level for policies that set none, as `PolicyPackArgs.enforcementLevel`. @default "advisory" */
    enforcementLevel?: EnforcementLevel;
    /** Stack tags handed to the policies. @default none */
    stackTags?: Record<string, string>;
}

/** One reported violation. */
export interface PolicyViolation {
    /** The reporting policy, e.g. `lbstack-multi-az`. */
    policyName: string;
    /** The level it was reported at: "remediate" reports as "mandatory", "disabled" policies do not run. */
    enforcementLevel: "advisory" | "mandatory";
    /** Type token of the resource in violation; `undefined` for a stack-wide violation. */
    resourceType: string | undefined;
    /** Name of the resource in violation; `undefined` for a stack-wide violation. */
    resourceName: string | undefined;
    /** URN of the resource in violation, if any. */
    urn: string | undefined;
    /** What is wrong and how to fix it. */
    message: string;
}

/**
 * The value a preview hands a policy for a property not known until deploy (the engine's unknown sentinel).
 * Reading it makes a policy fail with "can't run ... during preview", reported as advisory, as the engine does.
 */
export const UNKNOWN: string = pulumi.runtime.unknownValue;

/** Thrown by `notApplicable`, like the analyzer's own, and swallowed by {@link runPolicies}. */
class NotApplicable extends Error {}

const DEFAULT_OPTIONS: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

/** Puts values the way the engine sends them: unknowns as the sentinel, no `undefined` object fields. */
function engineForm(value: unknown): unknown {
    if (pulumi.isUnknown(value)) return UNKNOWN;
    if (Array.isArray(value)) return value.map(engineForm);
    if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
        return Object.fromEntries(
            Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, engineForm(v)]),
        );
    }
    return value;
}

const isTypeOf = (type: string, resourceClass: Function) => (resourceClass as { __pulumiType?: string }).__pulumiType === type;

type ResolvedConfig = { level: EnforcementLevel; properties: Record<string, any> };

/** Resolves each policy's level and properties as the CLI does: schema defaults, then "all", then the policy's own entry. */
function resolveConfig(policies: Policies, options: RunPoliciesOptions): Map<string, ResolvedConfig> {
    const given = options.config ?? {};
    const names = new Set(policies.map((p) => p.name));
    const unknownNames = Object.keys(given).filter((k) => k !== "all" && !names.has(k));
    if (unknownNames.length > 0) {
        throw new Error(`policy config names no policy: ${unknownNames.join(", ")} (policies: ${[...names].join(", ")})`);
    }
    const split = (c: PolicyPackConfig[string] | undefined) => {
        if (c === undefined) return { level: undefined, properties: {} };
        if (typeof c === "string") return { level: c, properties: {} };
        const { enforcementLevel, ...properties } = c;
        return { level: enforcementLevel, properties };
    };
    const all = split(given.all);
    return new Map(policies.map((p) => {
        const own = split(given[p.name]);
        const defaults = Object.fromEntries(
            Object.entries(p.configSchema?.properties ?? {})
                .filter(([, schema]) => schema.default !== undefined)
                .map(([key, schema]) => [key, schema.default]),
        );
        const level = own.level ?? all.level ?? p.enforcementLevel ?? options.enforcementLevel ?? "advisory";
        return [p.name, { level, properties: { ...defaults, ...own.properties } }];
    }));
}

/**
 * Runs policies (by default every lbstack policy) over `resources`: each resource policy on each resource,
 * then each stack policy on all of them, and returns what they report. A policy that reads a value unknown
 * under preview yields an advisory "can't run" violation, as in `pulumi preview`.
 *
 * @example
 * const violations = await runPolicies([{ type: "aws:lb/loadBalancer:LoadBalancer", name: "alb", props: { subnets: ["a", "b"] } }]);
 * expect(mandatoryViolations(violations)).toEqual([]);
 */
export async function runPolicies(resources: PolicyTestResource[], options: RunPoliciesOptions = {}): Promise<PolicyViolation[]> {
    const policies = options.policies ?? lbstackPolicies;
    const configs = resolveConfig(policies, options);
    const stackTags: ReadonlyMap<string, string> = new Map(Object.entries(options.stackTags ?? {}));
    const notApplicable = (reason?: string): never => {
        throw new NotApplicable(reason);
    };

    const byUrn = new Map<string, PolicyResource>();
    const stackResources: PolicyResource[] = resources.map((r) => {
        const urn = r.urn ?? `urn:pulumi:test::lbstack::${r.type}::${r.name}`;
        if (byUrn.has(urn)) throw new Error(`two resources share the URN ${urn}; give them distinct names`);
        const props = unknownCheckingProxy(engineForm(r.props) as Record<string, any>);
        const resource: PolicyResource = {
            type: r.type,
            name: r.name,
            urn,
            props,
            opts: { ...DEFAULT_OPTIONS, ...r.opts, ...(r.parent ? { parent: r.parent } : {}) },
            dependencies: [],
            propertyDependencies: {},
            isType: (c) => isTypeOf(r.type, c),
            asType: (c) => (isTypeOf(r.type, c) ? (props as any) : undefined),
        };
        byUrn.set(urn, resource);
        return resource;
    });
    // Links are filled in once every resource exists, as the analyzer does; unknown URNs are dropped.
    const lookUp = (urns: string[] = []) => urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => x !== undefined);
    resources.forEach((r, i) => {
        const resource = stackResources[i];
        resource.parent = r.parent ? byUrn.get(r.parent) : undefined;
        resource.dependencies = lookUp(r.dependencies);
        resource.propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, urns]) => [k, lookUp(urns)]));
    });

    const violations: PolicyViolation[] = [];
    const run = async (policyName: string, subject: PolicyResource | undefined, validate: (report: ReportViolation) => unknown) => {
        const { level } = configs.get(policyName)!;
        const enforcementLevel = level === "advisory" ? "advisory" : "mandatory";
        const record = (message: string, resourceUrn?: string, at: "advisory" | "mandatory" = enforcementLevel) => {
            const resource = subject ?? (resourceUrn === undefined ? undefined : byUrn.get(resourceUrn));
            violations.push({
                policyName,
                enforcementLevel: at,
                resourceType: resource?.type,
                resourceName: resource?.name,
                urn: resource?.urn ?? resourceUrn,
                message,
            });
        };
        try {
            await validate((message, urn) => record(message, urn));
        } catch (e) {
            if (e instanceof NotApplicable) return;
            if (e instanceof UnknownValueError) return record(`can't run policy '${policyName}' during preview: ${(e as Error).message}`, subject?.urn, "advisory");
            throw e;
        }
    };

    const active = policies.filter((p) => configs.get(p.name)!.level !== "disabled");
    for (const resource of stackResources) {
        for (const policy of active) {
            if (!("validateResource" in policy) || !policy.validateResource) continue;
            const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            // The analyzer skips a single typed validation without calling it when the type differs.
            const onlyType = validations.length === 1 ? (validations[0] as { __pulumiType?: string }).__pulumiType : undefined;
            if (onlyType !== undefined && onlyType !== resource.type) continue;
            const args: ResourceValidationArgs = {
                type: resource.type,
                props: resource.props,
                urn: resource.urn,
                name: resource.name,
                opts: resource.opts,
                stackTags,
                isType: resource.isType,
                asType: resource.asType as ResourceValidationArgs["asType"],
                getConfig: <T extends object>() => configs.get(policy.name)!.properties as T,
                notApplicable,
            };
            for (const validation of validations) await run(policy.name, resource, (report) => validation(args, report));
        }
    }
    for (const policy of active) {
        if (!("validateStack" in policy)) continue;
        const args: StackValidationArgs = {
            resources: stackResources,
            stackTags,
            getConfig: <T extends object>() => configs.get(policy.name)!.properties as T,
            notApplicable,
        };
        await run(policy.name, undefined, (report) => policy.validateStack(args, report));
    }
    return violations;
}

/** The violations that would block `pulumi up`. */
export function mandatoryViolations(violations: readonly PolicyViolation[]): PolicyViolation[] {
    return violations.filter((v) => v.enforcementLevel === "mandatory");
}
