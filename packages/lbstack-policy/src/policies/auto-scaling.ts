/** Policies on auto-scaling groups, and the multi-AZ rule they share with load balancers. */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { LOAD_BALANCER, distinctCount, readKnown, shown, typeToken } from "../util";

const nonEmpty = (list: unknown) => Array.isArray(list) && list.length > 0;

/**
 * Groups behind a load balancer use ELB health checks, with a grace period. Why: with EC2 checks a group
 * keeps an instance whose app fails the load balancer's check, so the group never heals and never fails
 * over; without a grace period new instances are killed before the app has started.
 */
export const asgElbHealthCheck: ResourceValidationPolicy = {
    name: "lbstack-asg-elb-health-check",
    description: 'Auto-scaling groups attached to target groups use healthCheckType "ELB" with a grace period above 0. [AutoScaling.1] [AwsSolutions-AS2] [CKV2_AWS_15]',
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: validateResourceOfType(aws.autoscaling.Group, (group, args, reportViolation) => {
        // Attachments made by separate resources (aws.autoscaling.Attachment) are not visible from the group.
        const attached = ([() => group.targetGroupArns, () => group.trafficSources, () => group.loadBalancers] as (() => unknown)[])
            .some((get) => nonEmpty(readKnown(get)));
        if (!attached) return args.notApplicable("The group names no target group or load balancer.");
        // A plain setting whose AWS default is "EC2", so unset is a violation. The API takes a comma-separated list.
        const types = String(group.healthCheckType ?? "").split(",").map((t) => t.trim().toUpperCase());
        if (!types.includes("ELB")) {
            reportViolation(
                `healthCheckType is ${shown(group.healthCheckType, 'AWS default "EC2"')}: instances that fail the load ` +
                'balancer\'s health check are never replaced. Set healthCheckType: "ELB".',
            );
        }
        // Unset means the provider default of 300 s, which passes; only an explicit 0 (or less) is reported.
        const grace = group.healthCheckGracePeriod;
        if (typeof grace === "number" && grace <= 0) {
            reportViolation(
                `healthCheckGracePeriod is ${grace}: new instances are judged before the app has started and are ` +
                "replaced in a loop. Set healthCheckGracePeriod to the app's start-up time in seconds (e.g. 300).",
            );
        }
    }),
};

/** Launch template versions that move under the group without a deployment. */
const FLOATING_VERSIONS = ["$Latest", "$Default"];

/**
 * Groups pin a launch template version. Why: with `$Latest` / `$Default` a new template version changes what
 * the group launches without an instance refresh or any deployment (the primary and backup groups drift
 * apart), and instance refresh cannot roll back.
 */
export const asgLaunchTemplateVersionPinned: ResourceValidationPolicy = {
    name: "lbstack-asg-launch-template-version-pinned",
    description: 'Auto-scaling groups pin a launch template version (not "$Latest" or "$Default"), also in a mixed instances policy.',
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: validateResourceOfType(aws.autoscaling.Group, (group, args, reportViolation) => {
        const specs: { where: string; version: unknown }[] = [];
        if (group.launchTemplate) specs.push({ where: "launchTemplate.version", version: readKnown(() => group.launchTemplate?.version) });
        const mixed = group.mixedInstancesPolicy?.launchTemplate;
        if (mixed) {
            const base = "mixedInstancesPolicy.launchTemplate";
            specs.push({ where: `${base}.launchTemplateSpecification.version`, version: readKnown(() => mixed.launchTemplateSpecification.version) });
            (mixed.overrides ?? []).forEach((o, i) => {
                if (o.launchTemplateSpecification) {
                    specs.push({ where: `${base}.overrides[${i}].launchTemplateSpecification.version`, version: readKnown(() => o.launchTemplateSpecification?.version) });
                }
            });
        }
        if (specs.length === 0) return args.notApplicable("The group uses no launch template.");
        // An unset version cannot be told apart from one wired to launchTemplate.latestVersion before the
        // template exists, so only the floating names are reported.
        for (const { where, version } of specs) {
            if (typeof version === "string" && FLOATING_VERSIONS.includes(version)) {
                reportViolation(
                    `${where} is "${version}": a new template version changes the instances without a deployment or an ` +
                    "instance refresh. Set it to the template's version number, e.g. launchTemplate.latestVersion.",
                );
            }
        }
    }),
};

const GROUP_TOKEN = typeToken(aws.autoscaling.Group);
const LB_TOKENS = LOAD_BALANCER.map(typeToken);

/**
 * Groups and load balancers span at least two subnets, one per Availability Zone. Why: a single AZ is a single
 * point of failure for both the primary and the backup group. For a load balancer each subnet is in its own
 * AZ; for a group two subnets could share one, which this policy cannot see.
 */
export const multiAz: ResourceValidationPolicy = {
    name: "lbstack-multi-az",
    description: "Auto-scaling groups and load balancers span at least two subnets (Availability Zones). [AutoScaling.2] [ELB.13]",
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        const group = args.asType(aws.autoscaling.Group);
        const lb = LOAD_BALANCER.map((c) => args.asType(c)).find((x) => x !== undefined);
        // Subnet ids are outputs of other resources: an unknown or missing list is "cannot tell".
        let lists: [string, () => unknown][];
        if (group) lists = [["vpcZoneIdentifiers", () => group.vpcZoneIdentifiers], ["availabilityZones", () => group.availabilityZones]];
        else if (lb) lists = [["subnetMappings", () => lb.subnetMappings?.map((m) => readKnown(() => m.subnetId))], ["subnets", () => lb.subnets]];
        else return args.notApplicable(`Policy only applies to resources of type '${GROUP_TOKEN}', '${LB_TOKENS.join("', '")}'`);
        const found = lists.map(([field, get]) => [field, readKnown(get)] as const).find(([, list]) => Array.isArray(list));
        if (!found) return;
        const [field, list] = found as [string, unknown[]];
        const count = distinctCount(list);
        if (count < 2) {
            reportViolation(
                `${field} has ${count} distinct entr${count === 1 ? "y" : "ies"}: one Availability Zone outage takes ` +
                `the ${group ? "group" : "load balancer"} down. Give it subnets in at least two Availability Zones.`,
            );
        }
    },
};

/** The auto-scaling policies, in pack order. */
export const autoScalingPolicies = [asgElbHealthCheck, asgLaunchTemplateVersionPinned, multiAz];
