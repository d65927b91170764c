import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { GROUP_DEFAULTS, groupShape, HEALTH_CHECK_LIMITS } from "../app-group/schema";
import { parseSpec } from "../common/validation";
import { int, tags } from "../common/zod-helpers";
import { InstanceSpecSchema, instanceIssues, RelativeIssue, resolveInstance, ResolvedInstance } from "../instance/schema";
import {
    DEFAULT_SSL_POLICY, INBOUND_RULES_PER_SECURITY_GROUP, LOAD_BALANCER_DEFAULTS, LoadBalancerSpecSchema, RouteSchema, RULE_LIMITS,
} from "../load-balancer/schema";
import { NETWORK_DEFAULTS, NetworkSpecSchema } from "../network/schema";
import { FailoverSpecSchema, resolveFailover, ResolvedFailover } from "../failover/schema";
import { MAX_FAILOVER_ROUTES } from "../failover/config-size";
import { resolveDeploy, ResolvedDeploy, resolveScaling, ResolvedScaling } from "../app-group/operations-schema";
import { MonitoringSpecSchema, resolveMonitoring, ResolvedMonitoring } from "../monitoring/schema";
import { operationsIssues, rollbackAlarmCount } from "../monitoring/operations";
import type { AlarmContext } from "../monitoring/alarms";

import { GROUP_ROLES, GroupRole } from "../common/roles";
export { GROUP_ROLES };
export type { GroupRole };

export const GroupSpecSchema = z.strictObject(groupShape);
/** One application group as a user writes it. */
export type GroupSpec = z.input<typeof GroupSpecSchema>;

export const TrafficSchema = z.strictObject({
    /** Relative share of requests per group, 0–999 each, not both 0. Default `{ primary: 90, backup: 10 }`. Active-passive: `{ primary: 100, backup: 0 }`. */
    weights: z.strictObject({ primary: int(0, 999), backup: int(0, 999) }).optional(),
    /** Automatic failover between the groups by target health (see {@link FailoverSpecSchema}). Default: on; `false` registers no controller. */
    failover: FailoverSpecSchema.optional(),
    /** Send all traffic (and every route) to one group for maintenance; automatic changes are suspended while set. Default: none. */
    pin: z.enum(["primary", "backup"]).optional(),
});

/** Everything `LoadBalancedStack` takes, except the `transform` escape hatch. */
export const LoadBalancedStackSpecSchema = z.strictObject({
    /** Your own VPC and subnets, or the shape of a new VPC. Default: a new VPC, 2 AZs, one NAT gateway. */
    network: NetworkSpecSchema.optional(),
    /** The instance spec shared by both groups. Required. */
    instance: InstanceSpecSchema,
    /** The primary application group. Required. */
    primary: GroupSpecSchema,
    /** The backup application group. Required. */
    backup: GroupSpecSchema,
    /** How requests are shared between the groups. */
    traffic: TrafficSchema.optional(),
    /**
     * Listener rules that send matching requests to one group (application LB only), at most 99
     * (an ALB's default quota is 100 rules), and at most {@link MAX_FAILOVER_ROUTES} (94) with
     * `traffic.failover` on: the failover controller's config, which lists every route's rule id,
     * must fit in Lambda's 4 KB for environment variables with every ARN and name at its longest.
     * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
     */
    routes: z.array(RouteSchema).max(RULE_LIMITS.rulesPerLoadBalancer - 1, { error: "at most 99 routes (an ALB has a default quota of 100 rules)" }).optional(),
    /** The load balancer. Default: an internet-facing ALB with an HTTP listener on port 80. */
    loadBalancer: LoadBalancerSpecSchema.optional(),
    /** Tags on every resource that takes them: at most 47 (lbstack adds up to 3: Name, lbstack:stack, lbstack:group; those keys are reserved); keys 1–128 chars of letters, digits and + - = . , _ : @ (no spaces or /: instance tags are exposed in the metadata service), not `aws:`; values ≤ 256 chars. */
    tags: tags.optional(),
    /** Dashboard, alarms, alarm topic and access logs (see {@link MonitoringSpecSchema}). Default: on; `false` registers none of it. */
    monitoring: MonitoringSpecSchema.optional(),
}).superRefine((spec, ctx) => {
    for (const issue of stackIssues(spec)) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message, params: { value: issue.value } });
});

type ParsedSpec = z.output<typeof LoadBalancedStackSpecSchema>;
type ParsedGroup = z.output<typeof GroupSpecSchema>;

export interface ResolvedHealthCheck {
    path: string;
    port?: number;
    protocol: "HTTP" | "HTTPS" | "TCP";
    intervalSeconds: number;
    timeoutSeconds: number;
    healthyThreshold: number;
    unhealthyThreshold: number;
    matcher: string;
    gracePeriodSeconds: number;
}

/** A group with every default filled in. */
export interface ResolvedGroup {
    role: GroupRole;
    instance: ResolvedInstance;
    capacity: { min: number; max: number; desired?: number };
    port: number;
    protocol: "HTTP" | "HTTPS" | "TCP";
    healthCheck: ResolvedHealthCheck;
    deregistrationDelaySeconds: number;
    slowStartSeconds: number;
    allowAllEgress: boolean;
    scaling: ResolvedScaling;
    deploy: ResolvedDeploy;
}

export interface ResolvedListener {
    port: number;
    protocol: "HTTP" | "HTTPS" | "TCP" | "TLS";
    certificateArn?: pulumi.Input<string>;
    sslPolicy?: string;
    redirectHttpToHttps: boolean;
}

export interface ResolvedLoadBalancer {
    type: "application" | "network";
    internal: boolean;
    idleTimeoutSeconds: number;
    deletionProtection: boolean;
    /** undefined: the default (the world, or the VPC CIDR for an internal LB). */
    allowedCidrs?: string[];
    desyncMitigation: "defensive" | "strictest";
    crossZone: boolean;
    listener: ResolvedListener;
}

export type ResolvedNetwork =
    | { kind: "existing"; vpcId: pulumi.Input<string>; publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>; privateSubnetIds: pulumi.Input<pulumi.Input<string>[]> }
    | { kind: "new"; cidrBlock: string; availabilityZones: number; natGateways: "single" | "one-per-az" | "none" };

export interface ResolvedRoute {
    index: number;
    target: GroupRole;
    priority: number;
    paths?: string[];
    hosts?: string[];
    headers?: Record<string, string[]>;
}

/** A validated `LoadBalancedStack` spec with every default filled in: what the components build from. */
export interface ResolvedStackSpec {
    network: ResolvedNetwork;
    loadBalancer: ResolvedLoadBalancer;
    groups: Record<GroupRole, ResolvedGroup>;
    traffic: {
        /** Configured weights. */
        weights: Record<GroupRole, number>;
        /** The failover controller's settings, or false when it is off. */
        failover: ResolvedFailover | false;
        pin?: GroupRole;
    };
    routes: ResolvedRoute[];
    tags: Record<string, string>;
    /** Dashboard, alarms, topic and access logs, or false when monitoring is off. */
    monitoring: ResolvedMonitoring | false;
}

export const TRAFFIC_DEFAULTS = { weights: { primary: 90, backup: 10 } } as const;

function resolveListener(lb: ParsedSpec["loadBalancer"]): ResolvedListener {
    const type = lb?.type ?? LOAD_BALANCER_DEFAULTS.type;
    const l = lb?.listener ?? {};
    const secure = l.certificateArn !== undefined;
    const protocol = l.protocol ?? (type === "application" ? (secure ? "HTTPS" : "HTTP") : (secure ? "TLS" : "TCP"));
    const tls = protocol === "HTTPS" || protocol === "TLS";
    return {
        port: l.port ?? (tls ? 443 : 80),
        protocol,
        certificateArn: l.certificateArn,
        sslPolicy: tls ? (l.sslPolicy ?? DEFAULT_SSL_POLICY) : l.sslPolicy,
        redirectHttpToHttps: l.redirectHttpToHttps ?? (type === "application" && tls),
    };
}

function resolveGroup(role: GroupRole, g: ParsedGroup, shared: ParsedSpec["instance"], lbType: "application" | "network", monitoring: ResolvedMonitoring | false, alarms: AlarmContext): ResolvedGroup {
    const protocol = g.protocol ?? (lbType === "network" ? "TCP" : "HTTP");
    const hc = g.healthCheck ?? {};
    const d = GROUP_DEFAULTS.healthCheck;
    const scaling = resolveScaling(g.scaling, hc.gracePeriodSeconds ?? d.gracePeriodSeconds);
    return {
        role,
        instance: resolveInstance(shared, g.instance),
        capacity: g.capacity,
        port: g.port ?? GROUP_DEFAULTS.port,
        protocol,
        healthCheck: {
            path: hc.path ?? d.path,
            port: hc.port,
            protocol: hc.protocol ?? (protocol === "TCP" ? "TCP" : protocol),
            intervalSeconds: hc.intervalSeconds ?? d.intervalSeconds,
            timeoutSeconds: hc.timeoutSeconds ?? d.timeoutSeconds,
            healthyThreshold: hc.healthyThreshold ?? d.healthyThreshold,
            unhealthyThreshold: hc.unhealthyThreshold ?? d.unhealthyThreshold,
            matcher: hc.matcher ?? d.matcher,
            gracePeriodSeconds: hc.gracePeriodSeconds ?? d.gracePeriodSeconds,
        },
        deregistrationDelaySeconds: g.deregistrationDelaySeconds ?? GROUP_DEFAULTS.deregistrationDelaySeconds,
        slowStartSeconds: g.slowStartSeconds ?? GROUP_DEFAULTS.slowStartSeconds,
        allowAllEgress: g.allowAllEgress ?? GROUP_DEFAULTS.allowAllEgress,
        scaling,
        deploy: resolveDeploy(g.deploy, scaling, rollbackAlarmCount(monitoring, alarms, role) > 0),
    };
}

/** Route priorities: explicit ones as given, the rest 100 + 10 × index, skipping taken numbers. */
function routePriorities(routes: ParsedSpec["routes"]): number[] {
    const list = routes ?? [];
    const taken = new Set(list.map((r) => r.priority).filter((p): p is number => p !== undefined));
    return list.map((r, i) => {
        if (r.priority !== undefined) return r.priority;
        let p = 100 + 10 * i;
        while (taken.has(p)) p++;
        taken.add(p);
        return p;
    });
}

/** Fills in every default of an already-parsed spec. */
export function resolveStackSpec(spec: ParsedSpec): ResolvedStackSpec {
    const lb = spec.loadBalancer ?? {};
    const type = lb.type ?? LOAD_BALANCER_DEFAULTS.type;
    const n = spec.network ?? {};
    const priorities = routePriorities(spec.routes);
    const monitoring = resolveMonitoring(spec.monitoring, type);
    const alarms: AlarmContext = { loadBalancerType: type, groups: { primary: { capacity: spec.primary.capacity }, backup: { capacity: spec.backup.capacity } } };
    return {
        network: n.vpcId !== undefined
            ? { kind: "existing", vpcId: n.vpcId, publicSubnetIds: n.publicSubnetIds!, privateSubnetIds: n.privateSubnetIds! }
            : { kind: "new", cidrBlock: n.cidrBlock ?? NETWORK_DEFAULTS.cidrBlock, availabilityZones: n.availabilityZones ?? NETWORK_DEFAULTS.availabilityZones, natGateways: n.natGateways ?? NETWORK_DEFAULTS.natGateways },
        loadBalancer: {
            type,
            internal: lb.internal ?? LOAD_BALANCER_DEFAULTS.internal,
            idleTimeoutSeconds: lb.idleTimeoutSeconds ?? LOAD_BALANCER_DEFAULTS.idleTimeoutSeconds,
            deletionProtection: lb.deletionProtection ?? LOAD_BALANCER_DEFAULTS.deletionProtection,
            allowedCidrs: lb.allowedCidrs,
            desyncMitigation: lb.desyncMitigation ?? LOAD_BALANCER_DEFAULTS.desyncMitigation,
            crossZone: lb.crossZone ?? LOAD_BALANCER_DEFAULTS.crossZone,
            listener: resolveListener(spec.loadBalancer),
        },
        groups: {
            primary: resolveGroup("primary", spec.primary, spec.instance, type, monitoring, alarms),
            backup: resolveGroup("backup", spec.backup, spec.instance, type, monitoring, alarms),
        },
        traffic: {
            weights: spec.traffic?.weights ?? { ...TRAFFIC_DEFAULTS.weights },
            failover: resolveFailover(spec.traffic?.failover),
            ...(spec.traffic?.pin ? { pin: spec.traffic.pin } : {}),
        },
        routes: (spec.routes ?? []).map((r, i) => ({ index: i, target: r.target, priority: priorities[i], paths: r.paths, hosts: r.hosts, headers: r.headers })),
        tags: spec.tags ?? {},
        monitoring,
    };
}

/** Every cross-field rule of the stack spec; field-level ranges are in the schemas. */
export function stackIssues(spec: ParsedSpec): RelativeIssue[] {
    const r = resolveStackSpec(spec);
    const issues: RelativeIssue[] = [];
    const push = (path: (string | number)[], value: unknown, message: string) => issues.push({ path, value, message });

    const sharedIssues = instanceIssues(resolveInstance(spec.instance));
    for (const i of sharedIssues) push(["instance", ...i.path], i.value, i.message);
    for (const role of GROUP_ROLES) {
        const override = spec[role].instance;
        if (override && Object.keys(override).length > 0) {
            // Only the merged spec's problems that the override introduced; the shared spec's own are reported above.
            const shared = new Set(sharedIssues.map((i) => i.path.join(".") + i.message));
            for (const i of instanceIssues(r.groups[role].instance)) {
                if (!shared.has(i.path.join(".") + i.message)) push([role, "instance", ...i.path], i.value, i.message);
            }
        }
        groupIssues(r, role, spec[role], push);
    }
    loadBalancerIssues(r, spec, push);
    trafficIssues(r, push);
    failoverIssues(r, push);
    tagIssues(r, push);
    routeIssues(r, spec, push);
    for (const i of operationsIssues(r, spec)) push(i.path, i.value, i.message);
    return issues;
}

type Push = (path: (string | number)[], value: unknown, message: string) => void;

function groupIssues(r: ResolvedStackSpec, role: GroupRole, raw: ParsedGroup, push: Push) {
    const g = r.groups[role];
    const hc = g.healthCheck;
    const lbType = r.loadBalancer.type;
    const given = raw.healthCheck ?? {};
    // Compare only values that are themselves valid: an out-of-range timeout already has its own line.
    const within = (v: number, [lo, hi]: readonly [number, number]) => v >= lo && v <= hi;
    const valid = within(hc.timeoutSeconds, HEALTH_CHECK_LIMITS.timeoutSeconds) && within(hc.intervalSeconds, HEALTH_CHECK_LIMITS.intervalSeconds);
    if (valid && hc.timeoutSeconds >= hc.intervalSeconds) {
        const why = given.timeoutSeconds === undefined ? ` (timeoutSeconds defaults to ${hc.timeoutSeconds})` : "";
        push([role, "healthCheck", "timeoutSeconds"], hc.timeoutSeconds, `must be less than intervalSeconds (${hc.intervalSeconds})${why}`);
    }
    if (lbType === "application" && g.protocol === "TCP") {
        push([role, "protocol"], g.protocol, "must be HTTP or HTTPS on an application load balancer (TCP needs loadBalancer.type network)");
    }
    if (lbType === "network" && g.protocol !== "TCP") {
        push([role, "protocol"], g.protocol, "must be TCP on a network load balancer (HTTP/HTTPS need loadBalancer.type application)");
    }
    if (hc.protocol === "TCP") {
        if (lbType === "application") push([role, "healthCheck", "protocol"], hc.protocol, "must be HTTP or HTTPS on an application load balancer");
        if (given.path !== undefined) push([role, "healthCheck", "path"], given.path, "cannot be set with a TCP health check (use protocol HTTP to check a path)");
        if (given.matcher !== undefined) push([role, "healthCheck", "matcher"], given.matcher, "cannot be set with a TCP health check");
    }
    const [lo, hi] = lbType === "application" ? [200, 499] : [200, 599];
    for (const code of hc.matcher.split(/[,-]/).map(Number)) {
        if (code < lo || code > hi) {
            push([role, "healthCheck", "matcher"], hc.matcher, `HTTP codes must be between ${lo} and ${hi} on ${lbType === "application" ? "an application" : "a network"} load balancer`);
            break;
        }
    }
    for (const part of hc.matcher.split(",")) {
        const [a, b] = part.split("-").map(Number);
        if (b !== undefined && b < a) push([role, "healthCheck", "matcher"], hc.matcher, `range ${part} must go from the lower code to the higher`);
    }
    if (lbType === "network" && g.slowStartSeconds > 0) {
        push([role, "slowStartSeconds"], g.slowStartSeconds, "is only supported by application load balancers");
    }
}

function loadBalancerIssues(r: ResolvedStackSpec, spec: ParsedSpec, push: Push) {
    const lb = r.loadBalancer;
    const raw = spec.loadBalancer ?? {};
    const l = lb.listener;
    const rawL = raw.listener ?? {};
    const path = (...p: string[]) => ["loadBalancer", ...p];
    const alb = lb.type === "application";
    if (alb && (l.protocol === "TCP" || l.protocol === "TLS")) push(path("listener", "protocol"), l.protocol, "must be HTTP or HTTPS on an application load balancer");
    if (!alb && (l.protocol === "HTTP" || l.protocol === "HTTPS")) push(path("listener", "protocol"), l.protocol, "must be TCP or TLS on a network load balancer");
    const tls = l.protocol === "HTTPS" || l.protocol === "TLS";
    if (l.certificateArn !== undefined && !tls) push(path("listener", "certificateArn"), l.certificateArn, `cannot be used with a ${l.protocol} listener (use HTTPS or TLS)`);
    if (tls && l.certificateArn === undefined) push(path("listener", "certificateArn"), undefined, `is required for a ${l.protocol} listener`);
    if (rawL.sslPolicy !== undefined && !tls) push(path("listener", "sslPolicy"), rawL.sslPolicy, "only applies to HTTPS or TLS listeners");
    if (rawL.redirectHttpToHttps === true) {
        if (!alb) push(path("listener", "redirectHttpToHttps"), true, "only applies to application load balancers");
        else if (l.protocol !== "HTTPS") push(path("listener", "redirectHttpToHttps"), true, "needs an HTTPS listener (set listener.certificateArn)");
    }
    if (l.redirectHttpToHttps && l.port === 80) push(path("listener", "port"), l.port, "is taken by the HTTP-to-HTTPS redirect; use another port or set redirectHttpToHttps to false");
    if (!alb) {
        if (raw.idleTimeoutSeconds !== undefined) push(path("idleTimeoutSeconds"), raw.idleTimeoutSeconds, "only applies to application load balancers");
        if (raw.desyncMitigation !== undefined) push(path("desyncMitigation"), raw.desyncMitigation, "only applies to application load balancers");
    } else if (raw.crossZone !== undefined) {
        push(path("crossZone"), raw.crossZone, "only applies to network load balancers (application load balancers always balance across zones)");
    }
    const ports = l.redirectHttpToHttps ? 2 : 1;
    const cidrs = lb.allowedCidrs?.length ?? 1;
    if (ports * cidrs > INBOUND_RULES_PER_SECURITY_GROUP) {
        push(path("allowedCidrs"), lb.allowedCidrs, `needs ${ports * cidrs} inbound rules (${cidrs} CIDRs × ${ports} ports), above the default quota of ${INBOUND_RULES_PER_SECURITY_GROUP} per security group`);
    }
}

function trafficIssues(r: ResolvedStackSpec, push: Push) {
    const w = r.traffic.weights;
    if (w.primary === 0 && w.backup === 0) push(["traffic", "weights"], w, "must not both be 0 (no group would get requests)");
    for (const role of GROUP_ROLES) {
        if (w[role] > 0 && r.groups[role].capacity.max === 0) {
            push(["traffic", "weights", role], w[role], `sends requests to ${role}, whose capacity.max is 0 (set the weight to 0 or raise ${role}.capacity.max)`);
        }
    }
}

/**
 * Stack tags reach the instances, and lbstack turns on instance tags in the metadata service
 * (the demo server and tooling read `lbstack:group` there); EC2 then refuses instance tag keys
 * with spaces, "/" or other characters. https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/work-with-tags-in-IMDS.html
 */
export const INSTANCE_METADATA_TAG_KEY = /^[A-Za-z0-9+\-=.,_:@]+$/;

/** Tag keys lbstack sets itself (the logical name, the stack, the group, a route's target). */
export const RESERVED_TAG_KEYS = ["Name", "lbstack:stack", "lbstack:group", "lbstack:route-target"] as const;
/** AWS allows 50 tags per resource and lbstack adds at most 3 of its own to any one resource. */
export const MAX_USER_TAGS = 50 - 3;

function tagIssues(r: ResolvedStackSpec, push: Push) {
    const keys = Object.keys(r.tags);
    if (keys.length > MAX_USER_TAGS) {
        push(["tags"], keys.length, `at most ${MAX_USER_TAGS} tags: AWS allows 50 per resource and lbstack adds up to 3 of its own (${RESERVED_TAG_KEYS.slice(0, 3).join(", ")})`);
    }
    for (const key of keys) {
        if ((RESERVED_TAG_KEYS as readonly string[]).includes(key)) {
            push(["tags", key], key, "is set by lbstack on the resources it creates; choose another key");
            continue;
        }
        if (!INSTANCE_METADATA_TAG_KEY.test(key) || key === "." || key === ".." || key === "_index") {
            push(["tags", key], key, "instance tag keys may use only letters, digits and + - = . , _ : @ (no spaces or /), because lbstack exposes instance tags in the instance metadata service");
        }
    }
}

function failoverIssues(r: ResolvedStackSpec, push: Push) {
    const f = r.traffic.failover;
    const pin = r.traffic.pin;
    if (pin && r.groups[pin].capacity.max === 0) {
        push(["traffic", "pin"], pin, `pins all traffic to ${pin}, whose capacity.max is 0`);
    }
    if (f === false) return;
    const backupEmpty = r.groups.backup.capacity.max === 0;
    if (backupEmpty) {
        push(["traffic", "failover"], undefined, "needs a backup group to fail over to, but backup.capacity.max is 0 (raise it, or set traffic.failover to false)");
    }
    if ("count" in f.minHealthy) {
        for (const role of GROUP_ROLES) {
            const max = r.groups[role].capacity.max;
            if (max > 0 && f.minHealthy.count > max) {
                push(["traffic", "failover", "minHealthy", "count"], f.minHealthy.count, `is above ${role}.capacity.max (${max}): ${role} could never count as healthy`);
            }
        }
    }
    // The controller moves traffic only to a group that is up, and scales the survivor out only
    // after it has moved traffic: a group that may sit below the threshold can never take over.
    const needed = "count" in f.minHealthy ? f.minHealthy.count : 1;
    for (const role of GROUP_ROLES) {
        const c = r.groups[role].capacity;
        if (c.max > 0 && needed <= c.max && c.min < needed) {
            push([role, "capacity", "min"], c.min, `must be at least ${needed} with failover on (traffic.failover.minHealthy): a smaller ${role} never counts as up, so traffic could never fail over to it (raise it, or set traffic.failover to false)`);
        }
    }
    if (r.routes.length > MAX_FAILOVER_ROUTES) {
        push(["routes"], r.routes.length, `at most ${MAX_FAILOVER_ROUTES} routes with traffic.failover on: the failover controller's config lists every route and must fit in Lambda's 4 KB for environment variables (use fewer routes, or set traffic.failover to false)`);
    }
}

function routeIssues(r: ResolvedStackSpec, spec: ParsedSpec, push: Push) {
    const routes = spec.routes ?? [];
    if (routes.length > 0 && r.loadBalancer.type === "network") {
        push(["routes"], undefined, "need an application load balancer: loadBalancer.type is network, and network load balancers have no listener rules");
        return;
    }
    const byPriority = new Map<number, number>();
    routes.forEach((route, i) => {
        const at = (...p: (string | number)[]) => ["routes", i, ...p];
        const conditions: { name: string; values: string[] }[] = [];
        if (route.paths) conditions.push({ name: "paths", values: route.paths });
        if (route.hosts) conditions.push({ name: "hosts", values: route.hosts });
        for (const [h, v] of Object.entries(route.headers ?? {})) conditions.push({ name: `headers.${h}`, values: v });
        if (conditions.length === 0 || conditions.every((c) => c.values.length === 0)) {
            push(at(), route, "needs at least one condition: paths, hosts or headers");
        }
        for (const c of conditions) {
            if (c.values.length === 0) push(at(...c.name.split(".")), c.values, "must list at least one value");
            if (c.values.length > RULE_LIMITS.valuesPerCondition) push(at(...c.name.split(".")), c.values, `at most ${RULE_LIMITS.valuesPerCondition} values per condition (ALB limit)`);
        }
        const total = conditions.reduce((n, c) => n + c.values.length, 0);
        if (total > RULE_LIMITS.valuesPerRule) push(at(), total, `has ${total} condition values; an ALB rule takes at most ${RULE_LIMITS.valuesPerRule}`);
        const wildcards = conditions.flatMap((c) => c.values).reduce((n, v) => n + (v.match(/[*?]/g)?.length ?? 0), 0);
        if (wildcards > RULE_LIMITS.wildcardsPerRule) push(at(), wildcards, `has ${wildcards} wildcards; an ALB rule takes at most ${RULE_LIMITS.wildcardsPerRule}`);
        if (r.groups[route.target].capacity.max === 0) push(at("target"), route.target, `sends requests to ${route.target}, whose capacity.max is 0`);
        const p = r.routes[i].priority;
        if (route.priority !== undefined) {
            if (byPriority.has(p)) push(at("priority"), p, `is already used by routes[${byPriority.get(p)}]; priorities must be unique`);
            else byPriority.set(p, i);
        }
    });
}

/**
 * The routing Pulumi writes: the configured weights and routes, or everything to the pinned
 * group. With failover on this is only the routing at creation; the controller owns it after.
 */
export function initialRouting(spec: ResolvedStackSpec): { weights: Record<GroupRole, number>; routes: ResolvedStackSpec["routes"] } {
    const pin = spec.traffic.pin;
    if (!pin) return { weights: spec.traffic.weights, routes: spec.routes };
    return {
        weights: { primary: pin === "primary" ? 100 : 0, backup: pin === "backup" ? 100 : 0 },
        routes: spec.routes.map((r) => ({ ...r, target: pin })),
    };
}

/** Validates a whole stack spec (every problem in one error) and fills in the defaults. */
export function parseStackSpec(input: unknown): ResolvedStackSpec {
    return resolveStackSpec(parseSpec("LoadBalancedStack", LoadBalancedStackSpecSchema, input));
}

export type LoadBalancedStackSpec = z.input<typeof LoadBalancedStackSpecSchema>;
