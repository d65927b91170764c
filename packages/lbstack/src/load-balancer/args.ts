import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GROUP_ROLES, GroupRole } from "../common/roles";
import type { ResolvedGroup, ResolvedLoadBalancer, ResolvedRoute } from "../stack/schema";

/** Pure helpers that turn a validated spec into load balancer resource args (no Pulumi calls). */

export function loadBalancerArgs(lb: ResolvedLoadBalancer, subnetIds: pulumi.Input<pulumi.Input<string>[]>, securityGroupId: pulumi.Input<string>, tags: Record<string, string>): aws.lb.LoadBalancerArgs {
    const alb = lb.type === "application";
    return {
        loadBalancerType: lb.type,
        internal: lb.internal,
        subnets: subnetIds,
        securityGroups: [securityGroupId],
        ipAddressType: "ipv4",
        enableDeletionProtection: lb.deletionProtection,
        ...(alb
            ? { idleTimeout: lb.idleTimeoutSeconds, dropInvalidHeaderFields: true, desyncMitigationMode: lb.desyncMitigation, enableHttp2: true }
            : { enableCrossZoneLoadBalancing: lb.crossZone }),
        tags,
    };
}

export function targetGroupArgs(g: ResolvedGroup, lbType: ResolvedLoadBalancer["type"], vpcId: pulumi.Input<string>, tags: Record<string, string>): aws.lb.TargetGroupArgs {
    const hc = g.healthCheck;
    const http = hc.protocol !== "TCP";
    return {
        port: g.port,
        protocol: g.protocol,
        vpcId,
        targetType: "instance",
        deregistrationDelay: g.deregistrationDelaySeconds,
        ...(lbType === "application" ? { slowStart: g.slowStartSeconds } : {}),
        healthCheck: {
            enabled: true,
            protocol: hc.protocol,
            port: hc.port === undefined ? "traffic-port" : String(hc.port),
            interval: hc.intervalSeconds,
            timeout: hc.timeoutSeconds,
            healthyThreshold: hc.healthyThreshold,
            unhealthyThreshold: hc.unhealthyThreshold,
            ...(http ? { path: hc.path, matcher: hc.matcher } : {}),
        },
        tags: { ...tags, "lbstack:group": g.role },
    };
}

/** A forward action that shares requests between the target groups by weight. */
export function weightedForward(weights: Record<GroupRole, number>, targetGroupArns: Record<GroupRole, pulumi.Input<string>>): aws.types.input.lb.ListenerDefaultAction {
    return {
        type: "forward",
        forward: {
            targetGroups: GROUP_ROLES.map((role) => ({ arn: targetGroupArns[role], weight: weights[role] })),
        },
    };
}

export function ruleConditions(route: ResolvedRoute): aws.types.input.lb.ListenerRuleCondition[] {
    const conditions: aws.types.input.lb.ListenerRuleCondition[] = [];
    if (route.paths?.length) conditions.push({ pathPattern: { values: route.paths } });
    if (route.hosts?.length) conditions.push({ hostHeader: { values: route.hosts } });
    for (const [name, values] of Object.entries(route.headers ?? {})) {
        conditions.push({ httpHeader: { httpHeaderName: name, values } });
    }
    return conditions;
}

/** Ports the load balancer's security group opens: the listener, and 80 when it redirects to HTTPS. */
export function listenerPorts(lb: ResolvedLoadBalancer): { role: "listener" | "redirect"; port: number }[] {
    const ports: { role: "listener" | "redirect"; port: number }[] = [{ role: "listener", port: lb.listener.port }];
    if (lb.listener.redirectHttpToHttps) ports.push({ role: "redirect", port: 80 });
    return ports;
}
