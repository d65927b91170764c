/**
 * Small helpers the policies share: type-token matching for the aws.lb / aws.alb aliases, reading values that
 * may be unknown during `pulumi preview`, and the security-group arithmetic (world CIDRs, port ranges).
 */
import * as aws from "@pulumi/aws";
import {
    ResourceValidation,
    ResourceValidationArgs,
    TypedResourceValidation,
    UnknownValueError,
    validateResourceOfType,
} from "@pulumi/policy";
import { Resource, Unwrap } from "@pulumi/pulumi";

/** A generated `@pulumi/aws` resource class, in the form `validateResourceOfType` takes it. */
export type ResourceClass<TArgs> = { new (name: string, args: TArgs, ...rest: any[]): Resource };

/** The Pulumi type token of a generated resource class, e.g. `aws:lb/loadBalancer:LoadBalancer`. */
export function typeToken(resourceClass: Function): string {
    return (resourceClass as { __pulumiType?: string }).__pulumiType ?? resourceClass.name;
}

// aws.alb.* are aliases of aws.lb.* with their own type tokens; a program may use either.
/** Load balancer classes under both type tokens. */
export const LOAD_BALANCER = [aws.lb.LoadBalancer, aws.alb.LoadBalancer];
/** Listener classes under both type tokens. */
export const LISTENER = [aws.lb.Listener, aws.alb.Listener];
/** Target group classes under both type tokens. */
export const TARGET_GROUP = [aws.lb.TargetGroup, aws.alb.TargetGroup];

/**
 * `validateResourceOfType` for several classes that share one args shape (aws.lb.X and aws.alb.X).
 * One function rather than an array of validations: given an array, the engine would also record the policy
 * as "not applicable" for every class that did not match, even on a resource that one of them checked.
 */
export function validateResourceOfTypes<TArgs>(
    classes: ResourceClass<TArgs>[],
    validate: TypedResourceValidation<Unwrap<NonNullable<TArgs>>>,
): ResourceValidation {
    if (classes.length === 1) return validateResourceOfType(classes[0], validate);
    const byToken = new Map(classes.map((c) => [typeToken(c), validateResourceOfType(c, validate)]));
    const tokens = [...byToken.keys()].map((t) => `'${t}'`).join(" or ");
    return (args, reportViolation) => {
        const validation = byToken.get(args.type);
        if (!validation) return args.notApplicable(`Policy only applies to resources of type ${tokens}`);
        return validation(args, reportViolation);
    };
}

/**
 * Reads a value that is often an output of another resource (subnet ids, ARNs, versions). During preview the
 * engine hands such values over as "unknown" and throws when a policy touches one; here that becomes
 * `undefined`, which every policy treats as "cannot tell" rather than as a violation.
 */
export function readKnown<T>(get: () => T): T | undefined {
    try {
        return get();
    } catch (e) {
        if (e instanceof UnknownValueError) return undefined;
        throw e;
    }
}

/** How many distinct entries a list has; an entry not known before deploy counts as distinct. */
export function distinctCount(list: readonly unknown[]): number {
    const seen = new Set<unknown>();
    for (let i = 0; i < list.length; i++) seen.add(readKnown(() => list[i]) ?? Symbol(i));
    return seen.size;
}

/** True for `true` and for `"true"`: launch templates take several booleans as strings. */
export function isTrue(value: unknown): boolean {
    return value === true || value === "true";
}

/** True for a string with something other than whitespace in it. */
export function isNonBlank(value: unknown): value is string {
    return typeof value === "string" && value.trim() !== "";
}

/** Renders a setting's value for a message, naming the default that applies when it is not set. */
export function shown(value: unknown, whenUnset: string): string {
    return value === undefined || value === null ? `not set (${whenUnset})` : JSON.stringify(value);
}

/** True for a CIDR with a /0 prefix (0.0.0.0/0, ::/0): the whole internet. */
export function isWorldCidr(cidr: unknown): boolean {
    return typeof cidr === "string" && /\/0$/.test(cidr.trim());
}

/** A security group rule in one shape, whichever resource or inline block declared it. */
export interface SecurityGroupRule {
    /** Where the rule sits, for messages: `ingress[0]`, `egress[1]` or `rule`. */
    where: string;
    /** `undefined` when a legacy aws.ec2.SecurityGroupRule's `type` is not known. */
    direction: "ingress" | "egress" | undefined;
    /** Lower-case protocol name: `tcp`, `udp`, `icmp`, `icmpv6`, `all` (for -1), or what was given. */
    protocol: string | undefined;
    /** As declared; a number once known. */
    fromPort: unknown;
    /** As declared; a number once known. */
    toPort: unknown;
    /** IPv4 and IPv6 source/destination CIDRs. */
    cidrs: unknown[];
    /** The rule's own description, as declared. */
    description: unknown;
}

const PROTOCOL_NUMBERS: Record<string, string> = { "-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

/** Normalizes a security group protocol (`"-1"`, `"6"`, `"TCP"`, ...) to a lower-case name. */
export function protocolName(protocol: unknown): string | undefined {
    if (protocol === undefined || protocol === null) return undefined;
    const p = String(protocol).toLowerCase();
    return PROTOCOL_NUMBERS[p] ?? p;
}

/** An inclusive port range. */
export interface PortRange {
    from: number;
    to: number;
}

/**
 * The ports a rule opens: every port for protocol "all", the from/to range for TCP and UDP, `"none"` for
 * protocols without ports (ICMP), and `undefined` when the protocol or a port is not known.
 */
export function portsOf(rule: SecurityGroupRule): PortRange | "none" | undefined {
    if (rule.protocol === "all") return { from: 0, to: 65535 };
    if (rule.protocol === undefined) return undefined;
    if (rule.protocol !== "tcp" && rule.protocol !== "udp") return "none";
    const { fromPort, toPort } = rule;
    return typeof fromPort === "number" && typeof toPort === "number" ? { from: fromPort, to: toPort } : undefined;
}

/** True if the range includes `port`. */
export function coversPort(range: PortRange, port: number): boolean {
    return range.from <= port && port <= range.to;
}

/** Renders a rule's ports for a message: `tcp 22`, `tcp 0-65535`, `all protocols and ports`. */
export function describePorts(rule: SecurityGroupRule, range: PortRange | "none" | undefined): string {
    if (rule.protocol === "all") return "all protocols and ports";
    if (range === undefined || range === "none") return `protocol ${rule.protocol}`;
    return `${rule.protocol} ${range.from === range.to ? range.from : `${range.from}-${range.to}`}`;
}

/** The world CIDRs among a rule's sources, e.g. `["0.0.0.0/0"]`. */
export function worldCidrsOf(rule: SecurityGroupRule): string[] {
    return rule.cidrs.filter(isWorldCidr) as string[];
}

/** `cidrBlocks` and `ipv6CidrBlocks` of an inline or legacy rule, or `cidrIpv4` / `cidrIpv6` of a vpc rule. */
function cidrs(...lists: unknown[]): unknown[] {
    return lists.flatMap((l) => (Array.isArray(l) ? l : l === undefined || l === null ? [] : [l]));
}

type InlineRule = { protocol?: unknown; fromPort?: unknown; toPort?: unknown; cidrBlocks?: unknown; ipv6CidrBlocks?: unknown; description?: unknown };

function inlineRule(rule: InlineRule, direction: "ingress" | "egress", where: string): SecurityGroupRule {
    return {
        where,
        direction,
        protocol: protocolName(rule.protocol),
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        cidrs: cidrs(rule.cidrBlocks, rule.ipv6CidrBlocks),
        description: rule.description,
    };
}

/**
 * The rules a resource declares, in one shape: inline `ingress` / `egress` of aws.ec2.SecurityGroup, an
 * aws.vpc.SecurityGroupIngressRule / EgressRule, or a legacy aws.ec2.SecurityGroupRule. `undefined` for
 * any other resource type.
 */
export function securityGroupRulesOf(args: Pick<ResourceValidationArgs, "asType">): SecurityGroupRule[] | undefined {
    const group = args.asType(aws.ec2.SecurityGroup);
    if (group) {
        return [
            ...(group.ingress ?? []).map((r, i) => inlineRule(r, "ingress", `ingress[${i}]`)),
            ...(group.egress ?? []).map((r, i) => inlineRule(r, "egress", `egress[${i}]`)),
        ];
    }
    const ingress = args.asType(aws.vpc.SecurityGroupIngressRule);
    const egress = ingress ? undefined : args.asType(aws.vpc.SecurityGroupEgressRule);
    const rule = ingress ?? egress;
    if (rule) {
        return [{
            where: "rule",
            direction: ingress ? "ingress" : "egress",
            protocol: protocolName(rule.ipProtocol),
            fromPort: rule.fromPort,
            toPort: rule.toPort,
            cidrs: cidrs(rule.cidrIpv4, rule.cidrIpv6),
            description: rule.description,
        }];
    }
    const legacy = args.asType(aws.ec2.SecurityGroupRule);
    if (legacy) {
        const direction = legacy.type === "ingress" || legacy.type === "egress" ? legacy.type : undefined;
        return [{ ...inlineRule(legacy, "ingress", "rule"), direction }];
    }
    return undefined;
}

/** The resource classes `securityGroupRulesOf` reads, for "not applicable" reasons. */
export const SECURITY_GROUP_TYPES = [
    aws.ec2.SecurityGroup,
    aws.vpc.SecurityGroupIngressRule,
    aws.vpc.SecurityGroupEgressRule,
    aws.ec2.SecurityGroupRule,
].map(typeToken);
