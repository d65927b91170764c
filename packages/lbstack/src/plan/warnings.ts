import type { PlannedComponent } from "../common/registry";
import { TYPE_TOKENS } from "../common/tokens";
import { GROUP_ROLES, ResolvedStackSpec } from "../stack/schema";

/**
 * Valid settings that a reviewer should know about before a deploy: each one is allowed (the
 * spec validated), but costs availability, security or an easy recovery. Derived from the
 * resolved spec only, so every warning holds for any account and region.
 */
export interface PlanWarning {
    /** The stack's logical name. */
    stack: string;
    /** Stable identifier for scripts, e.g. `deletion-protection-off`. */
    code: string;
    /** The spec field that decides it, e.g. `loadBalancer.deletionProtection`. */
    path: string;
    /** What is set and what it means; reads after the path (`<path> <message>`). */
    message: string;
}

const WORLD = new Set(["0.0.0.0/0", "::/0"]);

/** The warnings of one stack's resolved spec, in a fixed order. */
export function stackWarnings(name: string, spec: ResolvedStackSpec): PlanWarning[] {
    const out: PlanWarning[] = [];
    const warn = (code: string, path: string, message: string) => out.push({ stack: name, code, path, message });
    const lb = spec.loadBalancer;
    const l = lb.listener;

    if (spec.network.kind === "new") {
        if (spec.network.natGateways === "none") {
            warn("nat-none", "network.natGateways", "is \"none\": instances in the private subnets cannot reach the internet, so SSM, package repositories and AWS APIs need VPC endpoints");
        } else if (spec.network.natGateways === "single") {
            warn("nat-single", "network.natGateways", "is \"single\": one NAT gateway in one AZ; if that AZ fails, instances in the other AZs lose outbound access (\"one-per-az\" avoids it)");
        }
    }
    if (!lb.deletionProtection) {
        warn("deletion-protection-off", "loadBalancer.deletionProtection", "is off: a destroy or a replacement deletes the load balancer and its DNS name (turn it on for production)");
    }
    if (!lb.internal) {
        const open = lb.allowedCidrs === undefined ? ["0.0.0.0/0"] : lb.allowedCidrs.filter((c) => WORLD.has(c));
        if (open.length > 0) {
            const ports = l.redirectHttpToHttps ? `ports ${l.port} and 80` : `port ${l.port}`;
            warn("listener-world-open", "loadBalancer.allowedCidrs", `${lb.allowedCidrs === undefined ? "(default) " : ""}lets the whole internet (${open.join(", ")}) reach listener ${ports}`);
        }
        if (l.protocol === "HTTP" || l.protocol === "TCP") {
            warn("listener-plaintext", "loadBalancer.listener.protocol", `is ${l.protocol} on an internet-facing load balancer: traffic crosses the internet unencrypted (set listener.certificateArn for ${l.protocol === "HTTP" ? "HTTPS" : "TLS"})`);
        }
    }
    for (const role of GROUP_ROLES) {
        const g = spec.groups[role];
        if (!g.instance.storage.encrypted) {
            warn("storage-unencrypted", `${role}.instance.storage.encrypted`, `is false: ${role} root volumes are not encrypted`);
        }
        if (g.instance.metadataHopLimit > 1) {
            warn("imds-hop-limit", `${role}.instance.metadataHopLimit`, `is ${g.instance.metadataHopLimit}: containers on ${role} instances can reach instance credentials; the lbstack-imdsv2-required policy (mandatory, hop limit 1) fails`);
        }
        if (g.allowAllEgress) {
            warn("egress-open", `${role}.allowAllEgress`, `is true: ${role} instances may open any outbound connection, not only HTTPS`);
        }
    }
    // Valid choices that the lbstack-policy pack's mandatory rules refuse: say so before --policy does.
    const noLogs = spec.monitoring === false || spec.monitoring.accessLogs === false;
    if (noLogs) {
        const why = lb.type === "network" ? "network load balancers get no lbstack access-log bucket" : spec.monitoring === false ? "monitoring is false" : "monitoring.accessLogs is false";
        warn("access-logs-off", lb.type === "network" ? "loadBalancer.type" : "monitoring.accessLogs", `leaves access logs off (${why}): no request is recorded, and the lbstack-lb-access-logs policy (mandatory) fails`);
    }
    if (l.sslPolicy !== undefined && !l.sslPolicy.includes("TLS13")) {
        warn("tls-policy-no-tls13", "loadBalancer.listener.sslPolicy", `is ${l.sslPolicy}, which does not offer TLS 1.3; the lbstack-listener-tls13 policy (mandatory) fails`);
    }
    if (!lb.internal && (lb.allowedCidrs === undefined || lb.allowedCidrs.some((c) => WORLD.has(c))) && ![80, 443].includes(l.port)) {
        warn("world-open-port", "loadBalancer.listener.port", `is ${l.port} and open to the whole internet; the lbstack-sg-no-world-ingress policy (mandatory) allows only 80 and 443 unless configured`);
    }
    if (spec.groups.primary.capacity.min === 1 && spec.traffic.weights.primary > 0) {
        warn("primary-single-instance", "primary.capacity.min", "is 1: one instance in one AZ serves the primary share; its failure leaves primary without a target until a replacement passes health checks");
    }
    return out;
}

/** The warnings of every `LoadBalancedStack` a program recorded. */
export function planWarnings(components: readonly PlannedComponent[]): PlanWarning[] {
    return components
        .filter((c) => c.type === TYPE_TOKENS.LoadBalancedStack)
        .flatMap((c) => stackWarnings(c.name, c.spec as ResolvedStackSpec));
}

/** One line of human output: `warning: app: loadBalancer.deletionProtection is off: …`. */
export function formatWarning(w: PlanWarning): string {
    return `warning: ${w.stack}: ${w.path} ${w.message}`;
}
