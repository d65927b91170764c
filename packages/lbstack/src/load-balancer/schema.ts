import { z } from "zod";
import { ARN, cidr, inputString, int } from "../common/zod-helpers";

/** The recommended TLS 1.3 policy (TLS 1.3 and 1.2, forward secrecy). https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export const ListenerSchema = z.strictObject({
    /** Listener port, 1–65535. Default 80, or 443 with a certificate. */
    port: int(1, 65535).optional(),
    /** HTTP or HTTPS (application LB); TCP or TLS (network LB). Default HTTP/TCP, or HTTPS/TLS with a certificate. */
    protocol: z.enum(["HTTP", "HTTPS", "TCP", "TLS"]).optional(),
    /** ACM (or IAM) certificate ARN; turns on HTTPS/TLS. Default: none. */
    certificateArn: inputString({ test: (s) => ARN.test(s) && /:(acm|iam):/.test(s), message: "must be an ACM or IAM certificate ARN (arn:aws:acm:region:account:certificate/id)" }).optional(),
    /** ELB security policy for HTTPS/TLS. Default `ELBSecurityPolicy-TLS13-1-2-2021-06` (TLS 1.3 + 1.2). */
    sslPolicy: z.string().regex(/^ELBSecurityPolicy-[A-Za-z0-9-]+$/, { error: "must be an ELB security policy name such as ELBSecurityPolicy-TLS13-1-2-2021-06" }).optional(),
    /** With a certificate on an application LB, also listen on port 80 and redirect to HTTPS (301). Default `true` with a certificate. */
    redirectHttpToHttps: z.boolean().optional(),
});

export const LoadBalancerSpecSchema = z.strictObject({
    /** `application` (HTTP routing, weights, routes) or `network` (TCP/TLS). Default `application`. */
    type: z.enum(["application", "network"]).optional(),
    /** Internal (private subnets, no internet access) instead of internet-facing. Default `false`. */
    internal: z.boolean().optional(),
    /** Application LB idle connection timeout, 1–4000 s. Default 60. */
    idleTimeoutSeconds: int(1, 4000, "seconds").optional(),
    /** Refuse deletion through the API. Default `false` (it blocks `pulumi destroy`; turn it on for production). */
    deletionProtection: z.boolean().optional(),
    /** Who may connect to the listener ports. Default `["0.0.0.0/0"]` for an internet-facing LB, the VPC CIDR for an internal one. Nothing else is opened. */
    allowedCidrs: z.array(cidr).min(1, { error: "must list at least one CIDR (leave it out for the default)" }).optional(),
    /** HTTP desync mitigation (application LB): `defensive` or `strictest`; `monitor` is not offered. Default `defensive`. */
    desyncMitigation: z.enum(["defensive", "strictest"]).optional(),
    /** Network LB cross-zone load balancing (inter-AZ data is billed). Default `false`; application LBs always balance across zones. */
    crossZone: z.boolean().optional(),
    /** The listener. */
    listener: ListenerSchema.optional(),
});
export type LoadBalancerSpec = z.input<typeof LoadBalancerSpecSchema>;

/** A route: listener rule that sends matching requests to one group (application LB only). */
export const RouteSchema = z.strictObject({
    /** The group that receives matching requests. Required. */
    target: z.enum(["primary", "backup"]),
    /** Path patterns such as `/backup/*` (case-sensitive, `*` and `?` wildcards), 1–3 per route, each ≤ 128 chars. */
    paths: z.array(z.string().min(1).max(128, { error: "must be at most 128 characters" }).regex(/^[ -~]+$/, { error: "must be visible ASCII characters" })).optional(),
    /** Host names such as `backup.example.com` or `*.example.com`, 1–3 per route, each ≤ 128 chars. */
    hosts: z.array(z.string().min(1).max(128, { error: "must be at most 128 characters" }).regex(/^[A-Za-z0-9*?.-]+$/, { error: "must be a host name (letters, digits, - . * ?)" })).optional(),
    /** HTTP headers and accepted values, e.g. `{ "X-Backup": ["1"] }`; name ≤ 40 chars, 1–3 values each ≤ 128 chars. */
    headers: z.record(
        z.string().min(1).max(40, { error: "header names are at most 40 characters" }).regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { error: "must be an HTTP header name" }),
        z.array(z.string().min(1).max(128, { error: "must be at most 128 characters" })),
    ).optional(),
    /** Rule priority, 1–50000, unique. Default: 100 + 10 × the route's index. */
    priority: int(1, 50000).optional(),
});
export type RouteSpec = z.input<typeof RouteSchema>;

export const LOAD_BALANCER_DEFAULTS = {
    type: "application",
    internal: false,
    idleTimeoutSeconds: 60,
    deletionProtection: false,
    worldCidrs: ["0.0.0.0/0"],
    desyncMitigation: "defensive",
    crossZone: false,
    sslPolicy: DEFAULT_SSL_POLICY,
} as const;

/** ALB rule limits: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html */
export const RULE_LIMITS = { valuesPerCondition: 3, valuesPerRule: 5, wildcardsPerRule: 5, rulesPerLoadBalancer: 100 } as const;
/** Default quota of inbound rules per security group. */
export const INBOUND_RULES_PER_SECURITY_GROUP = 60;
