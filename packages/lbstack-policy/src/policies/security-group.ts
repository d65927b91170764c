/**
 * Policies on security groups and their rules: inline ingress/egress of aws.ec2.SecurityGroup,
 * aws.vpc.SecurityGroupIngressRule / EgressRule, and the legacy aws.ec2.SecurityGroupRule.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
    PortRange,
    SECURITY_GROUP_TYPES,
    SecurityGroupRule,
    coversPort,
    describePorts,
    isNonBlank,
    portsOf,
    securityGroupRulesOf,
    worldCidrsOf,
} from "../util";

/** Ports that may be open to the world unless configured otherwise: the load balancer's HTTP and HTTPS listeners. */
export const DEFAULT_WORLD_OPEN_PORTS = [80, 443];

/** Config of `lbstack-sg-no-world-ingress`. */
export interface WorldIngressConfig {
    /** TCP/UDP ports that may be open to 0.0.0.0/0 and ::/0: the load balancer's listener ports. @default [80, 443] */
    allowedPorts?: number[];
}

/** The rules of a security-group-like resource, or "not applicable" for any other resource. */
function rulesOf(args: ResourceValidationArgs): SecurityGroupRule[] {
    return securityGroupRulesOf(args) ?? args.notApplicable(`Policy only applies to resources of type '${SECURITY_GROUP_TYPES.join("', '")}'`);
}

/** Ingress rules open to the world, with the ports they open. A rule whose direction is unknown is left out. */
function worldIngress(args: ResourceValidationArgs) {
    return rulesOf(args)
        .filter((rule) => rule.direction === "ingress")
        .map((rule) => ({ rule, world: worldCidrsOf(rule), ports: portsOf(rule) }))
        .filter(({ world }) => world.length > 0);
}

const allowedRange = (range: PortRange, allowed: number[]) =>
    range.to - range.from < allowed.length && Array.from({ length: range.to - range.from + 1 }, (_, i) => range.from + i).every((p) => allowed.includes(p));

/**
 * Nothing is open to the world except the load balancer's listener ports. Why: the instances are reached
 * through the load balancer's security group; any other world-open port is an unreviewed way in.
 */
export const sgNoWorldIngress: ResourceValidationPolicy = {
    name: "lbstack-sg-no-world-ingress",
    description: "Security groups allow ingress from 0.0.0.0/0 or ::/0 only on load balancer listener ports (config allowedPorts, default [80, 443]). [EC2.18] [AwsSolutions-EC23]",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: {
        properties: {
            allowedPorts: {
                type: "array",
                items: { type: "integer", minimum: 1, maximum: 65535 },
                default: DEFAULT_WORLD_OPEN_PORTS,
                description: "TCP/UDP ports that may be open to 0.0.0.0/0 and ::/0: the load balancer's listener ports.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const allowed = args.getConfig<WorldIngressConfig>().allowedPorts ?? DEFAULT_WORLD_OPEN_PORTS;
        for (const { rule, world, ports } of worldIngress(args)) {
            if (ports === undefined) continue; // protocol or ports unknown: cannot tell
            if (ports !== "none" && allowedRange(ports, allowed)) continue;
            reportViolation(
                `${rule.where} opens ${describePorts(rule, ports)} to ${world.join(", ")}; only ports ${JSON.stringify(allowed)} ` +
                "may be open to the world. Allow the source security group (e.g. the load balancer's) or a narrow CIDR instead, " +
                "or add the listener port to this policy's allowedPorts config.",
            );
        }
    },
};

const ADMIN_PORTS = [{ port: 22, name: "SSH" }, { port: 3389, name: "RDP" }];

/**
 * SSH and RDP are never open to the world, whatever `allowedPorts` says. Why: they are the ports scanned and
 * brute-forced first; administer instances through SSM Session Manager instead.
 */
export const sgNoWorldSshRdp: ResourceValidationPolicy = {
    name: "lbstack-sg-no-world-ssh-rdp",
    description: "Security groups never allow SSH (22) or RDP (3389) from 0.0.0.0/0 or ::/0. [EC2.13] [EC2.14] [CKV_AWS_24] [CKV_AWS_25]",
    enforcementLevel: "mandatory",
    severity: "critical",
    validateResource: (args, reportViolation) => {
        for (const { rule, world, ports } of worldIngress(args)) {
            if (ports === undefined || ports === "none") continue;
            const open = ADMIN_PORTS.filter(({ port }) => coversPort(ports, port));
            if (open.length === 0) continue;
            reportViolation(
                `${rule.where} opens ${open.map((p) => `${p.name} (${p.port})`).join(" and ")} to ${world.join(", ")} ` +
                `(${describePorts(rule, ports)}). Remove the rule and use SSM Session Manager, or allow only a bastion's security group.`,
            );
        }
    },
};

/** The provider fills this in when a group has no description: it tells an operator nothing. */
const PLACEHOLDER_DESCRIPTION = "Managed by Pulumi";

/**
 * Every security group and every rule says what it is for. Why: the first question in an incident or an
 * audit is "why is this open?"; a group description cannot be changed without replacing the group.
 */
export const sgDescriptions: ResourceValidationPolicy = {
    name: "lbstack-sg-descriptions",
    description: "Every security group and security group rule has a non-empty description. [AwsSolutions-EC27] [CKV_AWS_23]",
    enforcementLevel: "mandatory",
    severity: "low",
    validateResource: (args, reportViolation) => {
        const rules = rulesOf(args);
        // Descriptions are plain settings, so a missing one is reported.
        const group = args.asType(aws.ec2.SecurityGroup);
        if (group) {
            const description = group.description;
            if (!isNonBlank(description) || description.trim() === PLACEHOLDER_DESCRIPTION) {
                reportViolation(
                    `description is ${description === undefined ? 'not set (provider default "Managed by Pulumi")' : JSON.stringify(description)}: ` +
                    "say what the group protects, e.g. \"app instances: HTTP from the load balancer only\" (it cannot change without replacing the group).",
                );
            }
        }
        for (const rule of rules) {
            if (!isNonBlank(rule.description)) {
                reportViolation(`${rule.where} has no description: say why it is open, e.g. "HTTPS from the internet to the load balancer". Set description on the rule.`);
            }
        }
    },
};

/** The security group policies, in pack order. */
export const securityGroupPolicies = [sgNoWorldIngress, sgNoWorldSshRdp, sgDescriptions];
