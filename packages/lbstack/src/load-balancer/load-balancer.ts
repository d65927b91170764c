import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TYPE_TOKENS } from "../common/tokens";
import { applyTransform, Transform } from "../common/transform";
import type { GroupRole, ResolvedGroup, ResolvedLoadBalancer, ResolvedRoute } from "../stack/schema";
import { listenerPorts, loadBalancerArgs, ruleConditions, targetGroupArgs, weightedForward } from "./args";
import { LOAD_BALANCER_DEFAULTS } from "./schema";

/**
 * Per-child escape hatches of {@link LoadBalancer}. Each changes the args (or options) of one kind
 * of child before it is registered; `${name}` in the names below is the component's name (in a
 * `LoadBalancedStack`, `${stack}-lb`). Default: none, every child gets lbstack's args.
 */
export interface LoadBalancerTransforms {
    /**
     * The load balancer (`aws.lb.LoadBalancer`, application or network), `${name}-lb`.
     * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html
     */
    loadBalancer?: Transform<aws.lb.LoadBalancerArgs>;
    /**
     * The load balancer's security group, `${name}-sg` (its rules are separate resources: see
     * `ingressRule`). In a `LoadBalancedStack` this is `loadBalancerSecurityGroup`: the stack's
     * `securityGroup` changes the instances' groups.
     * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html
     */
    securityGroup?: Transform<aws.ec2.SecurityGroupArgs>;
    /**
     * The ingress rules of the load balancer's security group: one per listener port and allowed
     * CIDR, `${name}-listener-in-${i}` and, with `listener.redirectHttpToHttps`, `${name}-redirect-in-${i}`
     * (`i`: the CIDR's index in `allowedCidrs` or the default sources). In a `LoadBalancedStack` this
     * is `loadBalancerIngressRule`: the stack's `ingressRule` changes the instances' rules.
     */
    ingressRule?: Transform<aws.vpc.SecurityGroupIngressRuleArgs>;
    /**
     * Both target groups, `${name}-primary` and `${name}-backup` (the name tells them apart).
     * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html
     */
    targetGroup?: Transform<aws.lb.TargetGroupArgs>;
    /**
     * The listener with the weighted forward action, `${name}-listener`. When the failover
     * controller owns routing, Pulumi ignores later changes to `defaultActions`, so a transform of
     * them applies at creation only.
     * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html
     */
    listener?: Transform<aws.lb.ListenerArgs>;
    /** The HTTP port 80 listener that redirects to HTTPS, `${name}-redirect`; exists only with `listener.redirectHttpToHttps`. */
    redirectListener?: Transform<aws.lb.ListenerArgs>;
    /**
     * The listener rules of `routes`, `${name}-route-${i}` (`i`: the route's index in `routes`).
     * When the failover controller owns routing, Pulumi ignores later changes to `actions`.
     * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
     */
    rule?: Transform<aws.lb.ListenerRuleArgs>;
}

export interface LoadBalancerArgs {
    /** The VPC of the target groups and security group. */
    vpcId: pulumi.Input<string>;
    /** Subnets of the load balancer (public for internet-facing, private for internal), at least two AZs. */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** CIDR of the VPC: the default allowed source of an internal load balancer. Required when `spec.internal` is true and `spec.allowedCidrs` is unset. */
    vpcCidr?: pulumi.Input<string>;
    /** The validated load balancer spec (see `parseStackSpec`). */
    spec: ResolvedLoadBalancer;
    /** The two groups' validated specs: port, protocol, health check, deregistration delay. */
    groups: Record<GroupRole, ResolvedGroup>;
    /** Configured weights of the default action. */
    weights: Record<GroupRole, number>;
    /** Listener rules. */
    routes: ResolvedRoute[];
    /**
     * Who owns the live forward actions after creation. `pulumi` (default): every deploy sets them.
     * `controller`: the failover controller rewrites them, so Pulumi sets them at creation and then
     * ignores them (one owner: a deploy never undoes a failover, a failover never shows as drift).
     */
    routingOwner?: "pulumi" | "controller";
    /**
     * Write access logs to this S3 bucket under `prefix` (application LB). `dependsOn`: what must
     * exist first (the bucket policy): ELB tests write access when logging is turned on. Default: no logs.
     * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
     */
    accessLogs?: { bucket: pulumi.Input<string>; prefix: string; dependsOn?: pulumi.Resource[] };
    /**
     * Tags on every child that takes tags: the security group (plus `Name`: the component's name),
     * its ingress rules, the load balancer, the target groups (plus `lbstack:group`), the listeners
     * and the rules (plus `lbstack:route-target`). Default: none.
     */
    tags?: Record<string, string>;
    /** Per-child escape hatches (see {@link LoadBalancerTransforms}). Default: none. */
    transform?: LoadBalancerTransforms;
}

/**
 * An application or network load balancer with its security group (listener ports only), one
 * target group per application group, a weighted listener, an optional HTTP→HTTPS redirect and
 * the route rules.
 */
export class LoadBalancer extends pulumi.ComponentResource {
    readonly loadBalancer: aws.lb.LoadBalancer;
    readonly securityGroup: aws.ec2.SecurityGroup;
    readonly targetGroups: Record<GroupRole, aws.lb.TargetGroup>;
    readonly listener: aws.lb.Listener;
    readonly redirectListener?: aws.lb.Listener;
    readonly rules: aws.lb.ListenerRule[];
    /** `http(s)://<dns name>[:port]` of the listener. */
    readonly url: pulumi.Output<string>;
    readonly dnsName: pulumi.Output<string>;

    constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE_TOKENS.LoadBalancer, name, {}, opts);
        const t = args.transform ?? {};
        const tags = args.tags ?? {};
        const spec = args.spec;
        const parent = { parent: this };

        this.securityGroup = new aws.ec2.SecurityGroup(...applyTransform(t.securityGroup, `${name}-sg`, {
            vpcId: args.vpcId,
            description: `lbstack ${name}: load balancer, listener ports from allowed sources only`,
            revokeRulesOnDelete: true,
            tags: { ...tags, Name: name },
        }, parent));

        if (spec.internal && spec.allowedCidrs === undefined && args.vpcCidr === undefined) {
            throw new Error(`LoadBalancer ${name}: an internal load balancer without allowedCidrs needs vpcCidr (its default allowed source)`);
        }
        const cidrs: pulumi.Input<string>[] = spec.allowedCidrs ?? (spec.internal ? [args.vpcCidr!] : [...LOAD_BALANCER_DEFAULTS.worldCidrs]);
        for (const { role, port } of listenerPorts(spec)) {
            cidrs.forEach((cidr, i) => {
                const v6 = typeof cidr === "string" && cidr.includes(":");
                new aws.vpc.SecurityGroupIngressRule(...applyTransform(t.ingressRule, `${name}-${role}-in-${i}`, {
                    securityGroupId: this.securityGroup.id,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    ...(v6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
                    description: `${role === "redirect" ? "HTTP redirect" : "Listener"} port ${port} from an allowed source`,
                    tags,
                }, parent));
            });
        }

        this.loadBalancer = new aws.lb.LoadBalancer(...applyTransform(t.loadBalancer, `${name}-lb`,
            {
                ...loadBalancerArgs(spec, args.subnetIds, this.securityGroup.id, tags),
                ...(args.accessLogs ? { accessLogs: { bucket: args.accessLogs.bucket, prefix: args.accessLogs.prefix, enabled: true } } : {}),
            }, { parent: this, dependsOn: args.accessLogs?.dependsOn ?? [] }));

        this.targetGroups = {
            primary: new aws.lb.TargetGroup(...applyTransform(t.targetGroup, `${name}-primary`, targetGroupArgs(args.groups.primary, spec.type, args.vpcId, tags), parent)),
            backup: new aws.lb.TargetGroup(...applyTransform(t.targetGroup, `${name}-backup`, targetGroupArgs(args.groups.backup, spec.type, args.vpcId, tags), parent)),
        };
        const arns = { primary: this.targetGroups.primary.arn, backup: this.targetGroups.backup.arn };
        const controlled = args.routingOwner === "controller";
        const routingOpts: pulumi.CustomResourceOptions = controlled ? { parent: this, ignoreChanges: ["defaultActions"] } : parent;

        const l = spec.listener;
        this.listener = new aws.lb.Listener(...applyTransform(t.listener, `${name}-listener`, {
            loadBalancerArn: this.loadBalancer.arn,
            port: l.port,
            protocol: l.protocol,
            ...(l.certificateArn !== undefined ? { certificateArn: l.certificateArn, sslPolicy: l.sslPolicy } : {}),
            defaultActions: [weightedForward(args.weights, arns)],
            tags,
        }, routingOpts));

        if (l.redirectHttpToHttps) {
            this.redirectListener = new aws.lb.Listener(...applyTransform(t.redirectListener, `${name}-redirect`, {
                loadBalancerArn: this.loadBalancer.arn,
                port: 80,
                protocol: "HTTP",
                defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: String(l.port), statusCode: "HTTP_301" } }],
                tags,
            }, parent));
        }

        this.rules = args.routes.map((route) => new aws.lb.ListenerRule(...applyTransform(t.rule, `${name}-route-${route.index}`, {
            listenerArn: this.listener.arn,
            priority: route.priority,
            conditions: ruleConditions(route),
            actions: [{ type: "forward", targetGroupArn: arns[route.target] }],
            tags: { ...tags, "lbstack:route-target": route.target },
        }, controlled ? { parent: this, ignoreChanges: ["actions"] } : parent)));

        this.dnsName = this.loadBalancer.dnsName;
        const scheme = l.protocol === "HTTPS" ? "https" : l.protocol === "HTTP" ? "http" : l.protocol.toLowerCase();
        const defaultPort = (scheme === "http" && l.port === 80) || (scheme === "https" && l.port === 443);
        this.url = pulumi.interpolate`${scheme}://${this.loadBalancer.dnsName}${defaultPort ? "" : `:${l.port}`}`;

        this.registerOutputs({ dnsName: this.dnsName, url: this.url });
    }
}
