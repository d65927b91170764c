import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AT_PATH } from "../common/validation";
import { inputString, int, range } from "../common/zod-helpers";

/**
 * EBS limits per volume type, from the EC2 API reference (CreateVolume / EbsBlockDevice) and the
 * EBS user guide. gp3 carries the limits raised in September 2025 (64 TiB, 80,000 IOPS,
 * 2,000 MiB/s); the ratios (500 IOPS per GiB, 0.25 MiB/s per IOPS) did not change.
 * https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html
 */
export const EBS_LIMITS = {
    gp3: { sizeGiB: [1, 65536], iops: [3000, 80000], iopsPerGiB: 500, throughputMiBps: [125, 2000], mibpsPerIops: 0.25, baselineIops: 3000, baselineThroughputMiBps: 125 },
    gp2: { sizeGiB: [1, 16384] },
    io1: { sizeGiB: [4, 16384], iops: [100, 64000], iopsPerGiB: 50 },
    io2: { sizeGiB: [4, 65536], iops: [100, 256000], iopsPerGiB: 1000 },
} as const;

export type VolumeType = keyof typeof EBS_LIMITS;

/** The root EBS volume of every instance. */
export const StorageSchema = z.strictObject({
    /** Root volume size in GiB. Range: gp3/gp2 1–16384 (gp3 up to 65536), io1 4–16384, io2 4–65536. Default 20. */
    sizeGiB: int(1, 65536, "GiB"),
    /** EBS volume type. Default `gp3` (cheaper than gp2 and performance does not depend on size). */
    type: z.enum(["gp3", "gp2", "io1", "io2"]).optional(),
    /** Provisioned IOPS. gp3: 3000–80000 and ≤ 500 per GiB in total, except that any size may use the 3000 baseline (default 3000; 20 GiB: at most 10000); io1: 100–64000, ≤ 50 per GiB; io2: 100–256000, ≤ 1000 per GiB (required for io1/io2); not settable on gp2. */
    iops: int(100, 256000, "IOPS").optional(),
    /** gp3 only: throughput in MiB/s, 125–2000 and ≤ 0.25 MiB/s per provisioned IOPS. Default 125. */
    throughputMiBps: int(125, 2000, "MiB/s").optional(),
    /** Encrypt the volume. Default `true`; `false` is an explicit opt-out. */
    encrypted: z.boolean().optional(),
    /**
     * KMS key ARN or ID for encryption. Default: the account's EBS default key (aws/ebs). A customer
     * managed key must let the Auto Scaling service-linked role (AWSServiceRoleForAutoScaling) use
     * it and create grants, or every launch fails. https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
     */
    kmsKeyId: inputString().optional(),
});
export type StorageSpec = z.input<typeof StorageSchema>;

const vcpuCount = int(1, 4096, "vCPUs");
const memory = z.number({ error: "must be a number (GiB)" }).positive({ error: "must be greater than 0 GiB" }).max(32768, { error: "must be at most 32768 GiB" });

/** The instance spec fields; shared by both groups, each field overridable per group. */
const instanceShape = {
    /** vCPUs per instance: an exact count or `{ min, max? }` for attribute-based selection. Range 1–4096. Required. */
    vcpus: range(vcpuCount),
    /** Memory per instance in GiB: exact or `{ min, max? }`. Range > 0 (0.5 for the smallest types) to 32768. Required. */
    memoryGiB: range(memory),
    /** CPU architecture. Default `x86_64`. Picks the default AMI and the instance types. */
    architecture: z.enum(["x86_64", "arm64"]).optional(),
    /**
     * Pin instance types (e.g. `["m7i.large"]`). One type: the launch template's instance type;
     * several: a mixed-instances policy override per type. Not together with bandwidth or burstable
     * requirements. Default: none, so EC2 attribute-based selection picks types that match vCPU and memory.
     */
    instanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, { error: "must be an instance type such as m7i.large" }))
        .min(1, { error: "must list at least one instance type (or leave it out for attribute-based selection)" })
        .max(40, { error: "at most 40 instance types (mixed-instances overrides)" }).optional(),
    /** Burstable (T-family) types in attribute-based selection: included, excluded or required. Default `excluded` (credits run out under sustained load). */
    burstable: z.enum(["included", "excluded", "required"]).optional(),
    /** Baseline network bandwidth in Gbps: exact or `{ min, max? }`, ≥ 0. Attribute-based selection only. */
    networkBandwidthGbps: range(z.number({ error: "must be a number (Gbps)" }).min(0, { error: "must be at least 0 Gbps" })).optional(),
    /** Baseline EBS bandwidth in Mbps: exact or `{ min, max? }`, whole numbers ≥ 0. Attribute-based selection only. */
    ebsBandwidthMbps: range(int(0, 1_000_000, "Mbps")).optional(),
    /** The root volume. Default `{ sizeGiB: 20, type: "gp3", encrypted: true }`. */
    storage: StorageSchema.optional(),
    /**
     * The machine image: `{ amiId }` pins one; `{ ssmParameter }` names an SSM parameter that holds an AMI id.
     * Either way the launch template gets a concrete AMI id looked up at deploy time, never `resolve:ssm:`,
     * so instance refresh can roll back. Default: the latest Amazon Linux 2023 for the architecture.
     */
    image: z.union([
        z.strictObject({ amiId: z.string().regex(/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/, { error: "must be an AMI id such as ami-0123456789abcdef0" }) }),
        z.strictObject({ ssmParameter: z.string().regex(/^\/?[a-zA-Z0-9_.\-/]+$/, { error: "must be an SSM parameter name such as /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" }).max(2048) }),
    ]).optional(),
    /** Shell script run at first boot (plain text; lbstack base64-encodes it). At most 16 KB. Default: none. */
    userData: z.string().refine((s) => Buffer.byteLength(s, "utf8") <= 16384, { error: "must be at most 16 KB (16384 bytes) before base64 encoding (EC2 limit)" }).optional(),
    /** Instance tenancy. Default `default` (shared hardware). `dedicated` costs more. */
    tenancy: z.enum(["default", "dedicated"]).optional(),
    /** IMDSv2 response hop limit, 1–64. Default 1 (only the instance itself; use 2 for containers that need instance credentials). */
    metadataHopLimit: int(1, 64, "hops").optional(),
    /** 1-minute EC2 metrics (detailed monitoring) so CPU scaling reacts in minutes, not five. Default `true` (billed per metric). */
    detailedMonitoring: z.boolean().optional(),
};

export const InstanceSpecSchema = z.strictObject(instanceShape);
/** The instance spec a user writes: the {@link InstanceSpecSchema} input. */
export type InstanceSpec = z.input<typeof InstanceSpecSchema>;

export const InstanceOverrideSchema = z.strictObject(instanceShape).partial();
/** Per-group override of the shared instance spec: any field, replacing the shared one. */
export type InstanceOverride = z.input<typeof InstanceOverrideSchema>;

/** Defaults applied to the instance spec, each with its reason in the README. */
export const INSTANCE_DEFAULTS = {
    architecture: "x86_64",
    burstable: "excluded",
    storage: { sizeGiB: 20, type: "gp3", encrypted: true },
    tenancy: "default",
    metadataHopLimit: 1,
    detailedMonitoring: true,
} as const;

/** An attribute range of a resolved instance spec: at least `min`, at most `max` when given (unit of the field that holds it). */
export type Range = { min: number; max?: number };
/** An instance spec as zod parsed it, before {@link resolveInstance} fills in the defaults. */
export type ParsedInstance = z.output<typeof InstanceSpecSchema>;

/** A validated instance spec with every default filled in. */
export interface ResolvedInstance {
    vcpus: Range;
    memoryGiB: Range;
    architecture: "x86_64" | "arm64";
    instanceTypes?: string[];
    burstable: "included" | "excluded" | "required";
    networkBandwidthGbps?: Range;
    ebsBandwidthMbps?: Range;
    storage: { sizeGiB: number; type: VolumeType; iops?: number; throughputMiBps?: number; encrypted: boolean; kmsKeyId?: pulumi.Input<string> };
    image: { amiId: string } | { ssmParameter: string };
    userData?: string;
    tenancy: "default" | "dedicated";
    metadataHopLimit: number;
    detailedMonitoring: boolean;
    /** Which fields the user set explicitly (so contradictions are only reported for what was written). */
    explicit: ReadonlySet<string>;
}

/** The public SSM parameter of the latest Amazon Linux 2023 AMI for an architecture. */
export function defaultImageParameter(arch: "x86_64" | "arm64"): string {
    return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;
}

/** Merges a group's override over the shared spec (field by field) and fills in the defaults. */
export function resolveInstance(shared: Partial<ParsedInstance>, override?: Partial<ParsedInstance>): ResolvedInstance {
    const merged: Partial<ParsedInstance> = { ...shared, ...stripUndefined(override ?? {}) };
    const architecture = merged.architecture ?? INSTANCE_DEFAULTS.architecture;
    const storageIn = merged.storage;
    return {
        vcpus: merged.vcpus!,
        memoryGiB: merged.memoryGiB!,
        architecture,
        instanceTypes: merged.instanceTypes,
        burstable: merged.burstable ?? INSTANCE_DEFAULTS.burstable,
        networkBandwidthGbps: merged.networkBandwidthGbps,
        ebsBandwidthMbps: merged.ebsBandwidthMbps,
        storage: {
            sizeGiB: storageIn?.sizeGiB ?? INSTANCE_DEFAULTS.storage.sizeGiB,
            type: storageIn?.type ?? INSTANCE_DEFAULTS.storage.type,
            iops: storageIn?.iops,
            throughputMiBps: storageIn?.throughputMiBps,
            encrypted: storageIn?.encrypted ?? INSTANCE_DEFAULTS.storage.encrypted,
            kmsKeyId: storageIn?.kmsKeyId,
        },
        image: merged.image ?? { ssmParameter: defaultImageParameter(architecture) },
        userData: merged.userData,
        tenancy: merged.tenancy ?? INSTANCE_DEFAULTS.tenancy,
        metadataHopLimit: merged.metadataHopLimit ?? INSTANCE_DEFAULTS.metadataHopLimit,
        detailedMonitoring: merged.detailedMonitoring ?? INSTANCE_DEFAULTS.detailedMonitoring,
        explicit: new Set(Object.keys(stripUndefined(merged))),
    };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A cross-field problem in an instance spec, with a path relative to the spec. */
export interface RelativeIssue {
    path: (string | number)[];
    value: unknown;
    message: string;
}

/**
 * Rules that involve more than one field of a (merged) instance spec: EBS ratios and settable
 * fields per volume type, and pinned types against attribute-based requirements.
 */
export function instanceIssues(spec: ResolvedInstance): RelativeIssue[] {
    const issues: RelativeIssue[] = [];
    const s = spec.storage;
    const at = (field: string) => ["storage", field];
    const limits = EBS_LIMITS[s.type];
    const [minSize, maxSize] = limits.sizeGiB;
    if (s.sizeGiB < minSize || s.sizeGiB > maxSize) {
        issues.push({ path: at("sizeGiB"), value: s.sizeGiB, message: `must be between ${minSize} and ${maxSize} GiB for ${s.type}` });
    }
    if ("iops" in limits) {
        const [minIops, maxIops] = limits.iops;
        if (s.iops === undefined && s.type !== "gp3") {
            issues.push({ path: at("iops"), value: undefined, message: `is required for ${s.type} volumes (${minIops}–${maxIops} IOPS)` });
        }
        if (s.iops !== undefined) {
            if (s.iops < minIops || s.iops > maxIops) {
                issues.push({ path: at("iops"), value: s.iops, message: `must be between ${minIops} and ${maxIops} for ${s.type}` });
            } else if (s.iops > limits.iopsPerGiB * s.sizeGiB && !(s.type === "gp3" && s.iops <= EBS_LIMITS.gp3.baselineIops)) {
                // gp3's 3000 IOPS baseline is free at any size; only IOPS above it are bound by the ratio.
                issues.push({ path: at("iops"), value: s.iops, message: `must be at most ${limits.iopsPerGiB} IOPS per GiB for ${s.type}: ${limits.iopsPerGiB * s.sizeGiB} for ${s.sizeGiB} GiB` });
            }
        }
    } else if (s.iops !== undefined) {
        issues.push({ path: at("iops"), value: s.iops, message: `cannot be set on ${s.type} volumes (IOPS follow the size: 3 per GiB); use gp3 to provision IOPS` });
    }
    if (s.throughputMiBps !== undefined) {
        if (s.type !== "gp3") {
            issues.push({ path: at("throughputMiBps"), value: s.throughputMiBps, message: `can only be set on gp3 volumes, not ${s.type}` });
        } else {
            const iops = s.iops ?? EBS_LIMITS.gp3.baselineIops;
            const max = iops * EBS_LIMITS.gp3.mibpsPerIops;
            if (s.throughputMiBps > max) {
                issues.push({ path: at("throughputMiBps"), value: s.throughputMiBps, message: `must be at most 0.25 MiB/s per provisioned IOPS: ${max} MiB/s at ${iops} IOPS (raise storage.iops to ${Math.ceil(s.throughputMiBps / EBS_LIMITS.gp3.mibpsPerIops)})` });
            }
        }
    }
    if (s.kmsKeyId !== undefined && !s.encrypted) {
        issues.push({ path: at("encrypted"), value: false, message: "must be true when storage.kmsKeyId is set (EC2 encrypts with a key only on an encrypted volume)" });
    }
    if (spec.instanceTypes) {
        spec.instanceTypes.forEach((t, i) => {
            const arch = instanceTypeArchitecture(t);
            if (arch !== spec.architecture) {
                issues.push({ path: ["instanceTypes", i], value: t, message: `is an ${arch} (${arch === "arm64" ? "Graviton" : "Intel/AMD"}) type but architecture is ${spec.architecture}: the AMI would not boot (set architecture: "${arch}")` });
            }
        });
    }
    if (spec.instanceTypes) {
        for (const field of ["networkBandwidthGbps", "ebsBandwidthMbps", "burstable"] as const) {
            if (spec.explicit.has(field)) {
                issues.push({ path: [field], value: AT_PATH, message: "cannot be combined with instanceTypes: bandwidth and burstable requirements apply only to attribute-based selection (leave instanceTypes out, or drop this field)" });
            }
        }
        const seen = new Set<string>();
        spec.instanceTypes.forEach((t, i) => {
            if (seen.has(t)) issues.push({ path: ["instanceTypes", i], value: t, message: "is listed twice" });
            seen.add(t);
        });
    }
    return issues;
}

/**
 * The architecture of an instance type from its family name: Graviton families carry a "g" in
 * the suffix after the generation digit (m7g, c7gn, r6gd, t4g, x2gd, im4gn, is4gen, hpc7g);
 * everything else in the current EC2 catalogue that lbstack can launch is x86_64 (g5 and g6
 * are NVIDIA GPU families on x86, their "g" is the prefix).
 */
export function instanceTypeArchitecture(instanceType: string): "x86_64" | "arm64" {
    const family = instanceType.split(".")[0];
    const m = /^[a-z]+\d+([a-z-]*)$/.exec(family);
    return m && m[1].includes("g") ? "arm64" : "x86_64";
}
