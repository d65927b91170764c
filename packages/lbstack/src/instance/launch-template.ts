import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedInstance } from "./schema";

/** Pure helpers that compile a validated instance spec into EC2 args (no Pulumi calls). */

/** The root device of Amazon Linux 2023 (and most current Linux AMIs). */
export const ROOT_DEVICE = "/dev/xvda";

export interface LaunchTemplateInputs {
    imageId: pulumi.Input<string>;
    securityGroupId: pulumi.Input<string>;
    instanceProfileArn: pulumi.Input<string>;
    tags: Record<string, string>;
}

/**
 * The launch template: concrete AMI id, encrypted root volume, IMDSv2 only, no public IP,
 * instance profile, the single pinned type if there is one (attribute-based selection lives in
 * the group's mixed-instances policy, see {@link instanceRequirements}).
 */
export function launchTemplateArgs(spec: ResolvedInstance, inputs: LaunchTemplateInputs): aws.ec2.LaunchTemplateArgs {
    const s = spec.storage;
    return {
        imageId: inputs.imageId,
        ...(spec.instanceTypes?.length === 1 ? { instanceType: spec.instanceTypes[0] } : {}),
        updateDefaultVersion: true,
        iamInstanceProfile: { arn: inputs.instanceProfileArn },
        networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [inputs.securityGroupId], deleteOnTermination: "true" }],
        blockDeviceMappings: [{
            deviceName: ROOT_DEVICE,
            ebs: {
                volumeSize: s.sizeGiB,
                volumeType: s.type,
                ...(s.iops !== undefined ? { iops: s.iops } : {}),
                ...(s.throughputMiBps !== undefined ? { throughput: s.throughputMiBps } : {}),
                encrypted: String(s.encrypted),
                ...(s.kmsKeyId !== undefined ? { kmsKeyId: s.kmsKeyId } : {}),
                deleteOnTermination: "true",
            },
        }],
        metadataOptions: {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: spec.metadataHopLimit,
            instanceMetadataTags: "enabled",
        },
        monitoring: { enabled: spec.detailedMonitoring },
        ...(spec.tenancy !== "default" ? { placement: { tenancy: spec.tenancy } } : {}),
        ...(spec.userData !== undefined ? { userData: Buffer.from(spec.userData, "utf8").toString("base64") } : {}),
        tagSpecifications: [
            { resourceType: "instance", tags: inputs.tags },
            { resourceType: "volume", tags: inputs.tags },
        ],
        tags: inputs.tags,
    };
}

const GIB = 1024;

/**
 * EC2 attribute-based instance selection for the spec: vCPU, memory, bandwidths, burstable and
 * the CPU makers that fit the architecture (the AMI decides the architecture; requirements
 * select only by attributes). Current generation only.
 */
export function instanceRequirements(spec: ResolvedInstance): aws.types.input.autoscaling.GroupMixedInstancesPolicyLaunchTemplateOverrideInstanceRequirements {
    const mib = (r: { min: number; max?: number }) => ({ min: Math.round(r.min * GIB), ...(r.max !== undefined ? { max: Math.round(r.max * GIB) } : {}) });
    const minMax = (r: { min: number; max?: number }) => ({ min: r.min, ...(r.max !== undefined ? { max: r.max } : {}) });
    return {
        vcpuCount: minMax(spec.vcpus),
        memoryMib: mib(spec.memoryGiB),
        cpuManufacturers: spec.architecture === "arm64" ? ["amazon-web-services"] : ["intel", "amd"],
        burstablePerformance: spec.burstable,
        instanceGenerations: ["current"],
        ...(spec.networkBandwidthGbps ? { networkBandwidthGbps: minMax(spec.networkBandwidthGbps) } : {}),
        ...(spec.ebsBandwidthMbps ? { baselineEbsBandwidthMbps: minMax(spec.ebsBandwidthMbps) } : {}),
    };
}

/** How the group launches: one pinned type uses the template alone; otherwise a mixed-instances policy. */
export function launchMode(spec: ResolvedInstance): "template" | "pinned-types" | "attribute-based" {
    if (!spec.instanceTypes) return "attribute-based";
    return spec.instanceTypes.length === 1 ? "template" : "pinned-types";
}
