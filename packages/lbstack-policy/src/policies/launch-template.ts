/** Policies on what the instances are launched with: launch templates (and legacy launch configurations). */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isNonBlank, isTrue, readKnown, shown, typeToken } from "../util";

/**
 * Instances require IMDSv2 tokens and keep the hop limit at 1. Why: with IMDSv1 one server-side request
 * forgery in the app hands out the instance role's credentials; a hop limit above 1 lets containers and
 * forwarded traffic on the host reach the metadata service too.
 */
export const imdsv2Required: ResourceValidationPolicy = {
    name: "lbstack-imdsv2-required",
    description: 'Launch templates require IMDSv2 (metadataOptions.httpTokens "required") with a hop limit of 1. [EC2.170] [CKV_AWS_79] [CKV_AWS_341]',
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, reportViolation) => {
        const fix = 'Set metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 }.';
        const options = template.metadataOptions;
        // Absent options are themselves the violation: instances then inherit account and AMI defaults,
        // which allow IMDSv1 unless someone changed them.
        if (options === undefined) {
            return reportViolation(`metadataOptions is not set, so instances accept IMDSv1 unless the AMI or account says otherwise. ${fix}`);
        }
        // With the endpoint off there is no metadata service to abuse.
        if (options.httpEndpoint === "disabled") return;
        if (options.httpTokens !== "required") {
            reportViolation(`metadataOptions.httpTokens is ${shown(options.httpTokens, 'default "optional"')}: IMDSv1 stays open. ${fix}`);
        }
        // Unset inherits the AMI default, which is 2 on Amazon Linux 2023: report it like any value but 1.
        if (options.httpPutResponseHopLimit !== 1) {
            reportViolation(
                `metadataOptions.httpPutResponseHopLimit is ${shown(options.httpPutResponseHopLimit, "inherits the AMI default, 2 on Amazon Linux 2023")}: ` +
                `tokens can be fetched from beyond the instance. ${fix}`,
            );
        }
    }),
};

const LAUNCH_TYPES = [aws.ec2.LaunchTemplate, aws.ec2.LaunchConfiguration].map(typeToken);

/**
 * Instances get no public IP address. Why: the app is reached through the load balancer only; a public
 * address exposes every instance directly, bypassing the load balancer's TLS, logs and security group.
 */
export const noPublicIp: ResourceValidationPolicy = {
    name: "lbstack-no-public-ip",
    description: "Launch templates and launch configurations assign no public IP addresses. [EC2.25] [Autoscaling.5] [CKV_AWS_88]",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        const fix = "Remove associatePublicIpAddress (or set it to false) and launch into private subnets.";
        const template = args.asType(aws.ec2.LaunchTemplate);
        if (template) {
            // Unset leaves it to the subnet's mapPublicIpOnLaunch, which this resource cannot see.
            (template.networkInterfaces ?? []).forEach((nic, i) => {
                if (isTrue(nic.associatePublicIpAddress)) {
                    reportViolation(`networkInterfaces[${i}].associatePublicIpAddress is ${JSON.stringify(nic.associatePublicIpAddress)}: instances are reachable from the internet. ${fix}`);
                }
            });
            return;
        }
        const configuration = args.asType(aws.ec2.LaunchConfiguration);
        if (!configuration) return args.notApplicable(`Policy only applies to resources of type '${LAUNCH_TYPES.join("', '")}'`);
        if (configuration.associatePublicIpAddress === true) {
            reportViolation(`associatePublicIpAddress is true: every instance the group launches is reachable from the internet. ${fix}`);
        }
    },
};

/**
 * Every EBS volume the template defines is encrypted. Why: snapshots and detached volumes otherwise carry the
 * app's data in clear; encryption is free and cannot be added to a volume later.
 */
export const ebsEncrypted: ResourceValidationPolicy = {
    name: "lbstack-ebs-encrypted",
    description: "Every EBS volume in a launch template's blockDeviceMappings is encrypted. [AwsSolutions-EC26]",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, reportViolation) => {
        // Without mappings the volumes come from the AMI's snapshots; their encryption is not set here.
        (template.blockDeviceMappings ?? []).forEach((mapping, i) => {
            if (mapping.ebs === undefined) return; // instance store or a suppressed device: not EBS
            // A plain setting: unset falls back to the account default, which is unencrypted unless changed.
            if (!isTrue(mapping.ebs.encrypted)) {
                const device = isNonBlank(mapping.deviceName) ? ` (${mapping.deviceName})` : "";
                reportViolation(
                    `blockDeviceMappings[${i}]${device}.ebs.encrypted is ${shown(mapping.ebs.encrypted, "account default, unencrypted unless changed")}: ` +
                    'the volume and its snapshots hold data in clear. Set ebs.encrypted: "true" (and kmsKeyId for a customer-managed key).',
                );
            }
        });
    }),
};

/**
 * Instances run with an instance profile. Why: the app and its agents (SSM, CloudWatch) then get short-lived
 * role credentials, instead of access keys baked into user data or the image.
 */
export const instanceProfile: ResourceValidationPolicy = {
    name: "lbstack-instance-profile",
    description: "Launch templates attach an IAM instance profile (iamInstanceProfile).",
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, reportViolation) => {
        const fix = "Set iamInstanceProfile: { arn: profile.arn } with an aws.iam.InstanceProfile for a least-privilege role.";
        // Absent is the violation; present with an arn or name unknown before deploy passes.
        if (template.iamInstanceProfile === undefined) {
            return reportViolation(`iamInstanceProfile is not set: instances have no role, so credentials end up in user data or the image. ${fix}`);
        }
        const ids = [readKnown(() => template.iamInstanceProfile?.arn), readKnown(() => template.iamInstanceProfile?.name)];
        if (ids.some((id) => typeof id === "string") && !ids.some(isNonBlank)) {
            reportViolation(`iamInstanceProfile has an empty arn and name. ${fix}`);
        }
    }),
};

/** The launch template policies, in pack order. */
export const launchTemplatePolicies = [imdsv2Required, noPublicIp, ebsEncrypted, instanceProfile];
