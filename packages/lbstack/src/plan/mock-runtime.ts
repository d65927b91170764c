import * as pulumi from "@pulumi/pulumi";
import { planRegistry, PlannedComponent } from "../common/registry";

/** How an unknown value (known only after deploy) appears in a plan. */
export const UNKNOWN = { $unknown: "known after deploy" } as const;

/** One resource the program would register. */
export interface PlannedResource {
    /** Pulumi type token, e.g. `aws:autoscaling/group:Group`. */
    type: string;
    /** Logical name. */
    name: string;
    /** The parent's logical name; null for children of the stack root. */
    parent: string | null;
    /** The parent's URN (null for children of the stack root): names alone can repeat across types. */
    parentUrn: string | null;
    urn: string;
    /** A provider resource (true) or a component (false). */
    custom: boolean;
    /** The inputs the program passed, with unknowns marked as {@link UNKNOWN}. */
    inputs: Record<string, unknown>;
    /** Resource options that change what a deploy does. */
    options: { ignoreChanges?: string[]; protect?: boolean; deleteBeforeReplace?: boolean; remote?: boolean };
    /** Logical names of the resources this one waits for (dependsOn and the outputs in its inputs). */
    dependsOn?: string[];
}

/** A data-source call the program made (a lookup answered by the mocks). */
export interface PlannedCall {
    token: string;
    inputs: Record<string, unknown>;
}

export interface PlanRun {
    resources: PlannedResource[];
    calls: PlannedCall[];
    /** Stack outputs the program exported (unknowns marked). */
    outputs: Record<string, unknown>;
    /** Validated specs that lbstack components recorded. */
    components: PlannedComponent[];
}

export interface MockRuntimeOptions {
    project?: string;
    stack?: string;
    /** Config as `{ "<namespace>:<key>": value }`; objects are passed as structured config. */
    config?: Record<string, unknown>;
    /**
     * Preview mode (default true): every computed output (IDs, ARNs, DNS names) is unknown, as in
     * `pulumi preview`. With false, tests get stable fake IDs and ARNs (`<name>-id`,
     * `arn:mock:<type>/<name>`) so they can check how resources are wired together.
     */
    preview?: boolean;
    /**
     * Outside preview only: the state (outputs) to return for a resource instead of the stable
     * fakes, e.g. realistic ARN suffixes; undefined keeps the default.
     */
    state?: (type: string, name: string, inputs: Record<string, any>) => Record<string, unknown> | undefined;
    /** Answers a lookup instead of the defaults (which answer what only AWS knows as unknown); undefined keeps the default. */
    answer?: (token: string, inputs: Record<string, any>) => Record<string, unknown> | undefined;
}

/**
 * Lookups the mock runtime answers. Values that only AWS knows (an AMI id, a VPC's CIDR) are
 * answered as unknown so the plan never invents them.
 */
function answerCall(token: string, inputs: Record<string, any>): Record<string, unknown> {
    const unknown = pulumi.runtime.unknownValue;
    switch (token) {
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" };
        case "aws:index/getRegion:getRegion":
            return { name: unknown, region: unknown, id: unknown };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: unknown, arn: unknown, userId: unknown, id: unknown };
        case "aws:ssm/getParameter:getParameter":
            return { name: inputs.name, value: unknown, insecureValue: unknown, type: "String", id: inputs.name, arn: unknown, version: unknown, withDecryption: true };
        case "aws:ec2/getVpc:getVpc":
            return { id: inputs.id, cidrBlock: unknown, arn: unknown };
        default:
            return {};
    }
}

function markUnknowns(v: unknown): unknown {
    if (pulumi.isUnknown(v) || v === pulumi.runtime.unknownValue) return UNKNOWN;
    if (Array.isArray(v)) return v.map(markUnknowns);
    if (v !== null && typeof v === "object") {
        if (pulumi.asset.Asset.isInstance(v) || pulumi.asset.Archive.isInstance(v)) return describeAsset(v);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, markUnknowns(x)]));
    }
    return v;
}

function describeAsset(v: any): unknown {
    // The SDK keeps an asset's path/text and an archive's entries as promises; resolveAssets
    // replaced them with plain values before we get here.
    if (v.path !== undefined) return { $asset: "file", path: v.path };
    if (v.text !== undefined) return { $asset: "string", bytes: Buffer.byteLength(String(v.text)) };
    if (v.assets !== undefined) return { $archive: "assets", entries: Object.keys(v.assets) };
    return { $asset: "other" };
}

/** Awaits the promise-valued fields of assets and archives anywhere in `v` (in place). */
async function resolveAssets(v: unknown): Promise<void> {
    if (Array.isArray(v)) {
        await Promise.all(v.map(resolveAssets));
    } else if (v !== null && typeof v === "object") {
        if (pulumi.asset.Asset.isInstance(v) || pulumi.asset.Archive.isInstance(v)) {
            for (const key of ["path", "text", "assets", "uri"]) {
                if ((v as any)[key] !== undefined) (v as any)[key] = await (v as any)[key];
            }
            return;
        }
        await Promise.all(Object.values(v).map(resolveAssets));
    }
}

function nameFromUrn(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * Runs `program` under the Pulumi SDK's mock runtime in preview mode and records every resource
 * it would register, with its parent, inputs and options, and every lookup it made. Nothing
 * reaches a cloud or the Pulumi engine.
 */
export async function runWithMocks(program: () => unknown, options: MockRuntimeOptions = {}): Promise<PlanRun> {
    const project = options.project ?? "lbstack";
    const stack = options.stack ?? "plan";
    const resources: PlannedResource[] = [];
    const calls: PlannedCall[] = [];
    const byKey = new Map<string, PlannedResource>();
    const preview = options.preview ?? true;
    const dependencyUrns = new Map<PlannedResource, string[]>();
    planRegistry().length = 0;

    await pulumi.runtime.setMocks({
        async newResource(args) {
            await resolveAssets(args.inputs);
            const r = byKey.get(`${args.type}::${args.name}`);
            if (r) r.inputs = markUnknowns(args.inputs) as Record<string, unknown>;
            // In preview, return no outputs beyond the inputs: every computed output is unknown.
            if (preview) return { id: undefined as any, state: args.custom ? args.inputs : {} };
            const custom = options.state?.(args.type, args.name, args.inputs);
            if (custom !== undefined) return { id: `${args.name}-id`, state: custom };
            const fake = { arn: `arn:mock:${args.type}/${args.name}`, name: args.inputs.name ?? args.name, latestVersion: 1, dnsName: `${args.name}.mock.elb.amazonaws.com` };
            if (args.type === "awsx:ec2:Vpc") {
                const azs = Number(args.inputs.numberOfAvailabilityZones ?? 3);
                const ids = (kind: string) => Array.from({ length: azs }, (_, i) => `subnet-${kind}-${i}`);
                return { id: `${args.name}-id`, state: { vpcId: `${args.name}-id`, publicSubnetIds: ids("public"), privateSubnetIds: ids("private") } };
            }
            return { id: `${args.name}-id`, state: args.custom ? { ...fake, ...args.inputs } : {} };
        },
        call(args) {
            calls.push({ token: args.token, inputs: markUnknowns(args.inputs) as Record<string, unknown> });
            return options.answer?.(args.token, args.inputs) ?? answerCall(args.token, args.inputs);
        },
    }, project, stack, preview);
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])));

    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        const parentUrn: string = req.getParent();
        const type: string = req.getType();
        const name: string = req.getName();
        const underRoot = !parentUrn || parentUrn.includes("::pulumi:pulumi:Stack::");
        const entry: PlannedResource = {
            type, name,
            parent: underRoot ? null : nameFromUrn(parentUrn),
            parentUrn: underRoot ? null : parentUrn,
            urn: "",
            custom: req.getCustom(),
            inputs: {},
            options: {
                ...(req.getIgnorechangesList().length ? { ignoreChanges: req.getIgnorechangesList() } : {}),
                ...(req.getProtect() ? { protect: true } : {}),
                ...(req.getDeletebeforereplace() ? { deleteBeforeReplace: true } : {}),
                ...(req.getRemote() ? { remote: true } : {}),
            },
        };
        if (type !== "pulumi:pulumi:Stack") {
            resources.push(entry);
            byKey.set(`${type}::${name}`, entry);
            dependencyUrns.set(entry, req.getDependenciesList());
        }
        return register(req, (err: unknown, resp: any) => {
            if (resp) entry.urn = resp.getUrn();
            callback(err, resp);
        });
    };

    // The program's own return value, not the stack's massaged outputs: in preview the stack's
    // output promise resolves unknown values to undefined, which would drop them from the plan.
    let exported: unknown;
    // A program error is kept and rethrown after the run: if it escaped the stack's init, the SDK's
    // internal promises would also reject unhandled and crash the process before the caller sees it.
    let failure: { error: unknown } | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
        try {
            exported = await program();
        } catch (error) {
            failure = { error };
        }
        return undefined;
    });
    await pulumi.runtime.disconnect();
    if (failure) throw failure.error;
    const byUrn = new Map(resources.map((r) => [r.urn, r.name]));
    for (const [entry, urns] of dependencyUrns) entry.dependsOn = urns.map((u) => byUrn.get(u) ?? u);
    let outputs: Record<string, unknown> = {};
    if (exported && typeof exported === "object") {
        outputs = markUnknowns(await resolveDeep(exported)) as Record<string, unknown>;
    }
    return { resources, calls, outputs, components: [...planRegistry()] };
}

async function resolveDeep(v: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(v)) {
        const known = await (v as any).isKnown;
        return known ? resolveDeep(await (v as any).promise()) : UNKNOWN;
    }
    if (v && typeof (v as any).then === "function") return resolveDeep(await v);
    if (Array.isArray(v)) return Promise.all(v.map(resolveDeep));
    // An exported resource shows as its URN (as Pulumi shows it), not as its object graph.
    if (pulumi.Resource.isInstance(v)) return { $resource: await resolveDeep((v as pulumi.Resource).urn) };
    if (typeof v === "function") return undefined;
    if (v !== null && typeof v === "object") {
        const entries = await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await resolveDeep(x)] as const));
        return Object.fromEntries(entries);
    }
    return v;
}
