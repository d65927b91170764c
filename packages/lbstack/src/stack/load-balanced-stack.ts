import * as pulumi from "@pulumi/pulumi";
import { AppGroup, AppGroupTransforms } from "../app-group/app-group";
import { recordPlannedComponent } from "../common/registry";
import { TYPE_TOKENS } from "../common/tokens";
import { Transform } from "../common/transform";
import { LoadBalancer, LoadBalancerTransforms } from "../load-balancer/load-balancer";
import { Network } from "../network/network";
import { FailoverController, FailoverControllerTransforms } from "../failover/controller";
import { Monitoring, MonitoringTransforms } from "../monitoring/monitoring";
import type * as awsx from "@pulumi/awsx";
import { GROUP_ROLES, GroupRole, initialRouting, LoadBalancedStackSpec, parseStackSpec, ResolvedStackSpec } from "./schema";

/** Per-child escape hatches: change any underlying resource's args or options. */
export interface LoadBalancedStackTransforms extends LoadBalancerTransforms, AppGroupTransforms, FailoverControllerTransforms, MonitoringTransforms {
    /** The awsx VPC (when lbstack creates one). */
    vpc?: Transform<awsx.ec2.VpcArgs>;
    /** The load balancer's security group (AppGroup's `securityGroup` is the instances'). */
    loadBalancerSecurityGroup?: LoadBalancerTransforms["securityGroup"];
    /** The load balancer's ingress rules (AppGroup's `ingressRule` is the instances'). */
    loadBalancerIngressRule?: LoadBalancerTransforms["ingressRule"];
}

/** The args of {@link LoadBalancedStack}: the validated spec plus the `transform` escape hatch. */
export type LoadBalancedStackArgs = LoadBalancedStackSpec & {
    /** Per-child transforms, applied to both groups where the child exists in each (the name tells them apart). */
    transform?: LoadBalancedStackTransforms;
};

/** Direct access to every child component. */
export interface LoadBalancedStackNodes {
    network: Network;
    loadBalancer: LoadBalancer;
    primary: AppGroup;
    backup: AppGroup;
    /** The failover controller, unless `traffic.failover` is false. */
    failover?: FailoverController;
    /** Dashboard, alarms, alarm topic and access logs, unless `monitoring` is false. */
    monitoring?: Monitoring;
}

/**
 * A load-balanced application on AWS: a primary and a backup auto-scaling group, each with its
 * own target group and health check, behind one load balancer that shares requests between them
 * by weight and routes. Every value is validated before anything is registered.
 *
 * Cost (us-east-1, defaults): the instances (3 × 2 vCPU / 4 GiB at the minimum), one ALB
 * (~$16/month + LCUs), one NAT gateway (~$33/month + data), 20 GiB gp3 per instance.
 */
export class LoadBalancedStack extends pulumi.ComponentResource {
    /** `http(s)://` URL of the listener. */
    readonly url: pulumi.Output<string>;
    /** DNS name of the load balancer. */
    readonly dnsName: pulumi.Output<string>;
    readonly primaryGroupName: pulumi.Output<string>;
    readonly backupGroupName: pulumi.Output<string>;
    readonly primaryTargetGroupArn: pulumi.Output<string>;
    readonly backupTargetGroupArn: pulumi.Output<string>;
    /** The validated spec with every default filled in. */
    readonly spec: ResolvedStackSpec;
    readonly nodes: LoadBalancedStackNodes;

    constructor(name: string, args: LoadBalancedStackArgs, opts?: pulumi.ComponentResourceOptions) {
        const { transform, ...specInput } = args ?? ({} as LoadBalancedStackArgs);
        // Validate everything before super() registers the component: a bad value registers nothing.
        const spec = parseStackSpec(specInput);
        super(TYPE_TOKENS.LoadBalancedStack, name, {}, opts);
        this.spec = spec;
        const t = transform ?? {};
        const tags = { ...spec.tags, "lbstack:stack": name };

        const network = new Network(`${name}-network`, { spec: spec.network, tags, transform: { vpc: t.vpc } }, { parent: this });
        const lbSubnets = spec.loadBalancer.internal ? network.privateSubnetIds : network.publicSubnetIds;
        const { weights, routes } = initialRouting(spec);
        const controlled = spec.traffic.failover !== false;

        // Monitoring comes first: the load balancer writes access logs to its bucket and the group
        // refreshes watch its alarms, while its alarms and dashboard need the load balancer's and
        // groups' names. Deferred outputs close the loop (resolved below, dependencies kept).
        const deferred = () => pulumi.deferredOutput<string>();
        const lbSuffix = deferred();
        const tgSuffix = { primary: deferred(), backup: deferred() };
        const asgName = { primary: deferred(), backup: deferred() };
        const monitoring = spec.monitoring === false ? undefined : new Monitoring(`${name}-monitoring`, {
            spec: spec.monitoring,
            title: name,
            loadBalancerType: spec.loadBalancer.type,
            weights: spec.traffic.weights,
            pin: spec.traffic.pin,
            failover: controlled,
            groups: spec.groups,
            loadBalancerArnSuffix: lbSuffix[0],
            targetGroupArnSuffixes: { primary: tgSuffix.primary[0], backup: tgSuffix.backup[0] },
            autoScalingGroupNames: { primary: asgName.primary[0], backup: asgName.backup[0] },
            tags,
            transform: t,
        }, { parent: this });

        const loadBalancer = new LoadBalancer(`${name}-lb`, {
            vpcId: network.vpcId,
            subnetIds: lbSubnets,
            ...(spec.loadBalancer.internal && spec.loadBalancer.allowedCidrs === undefined ? { vpcCidr: network.vpcCidr } : {}),
            spec: spec.loadBalancer,
            groups: spec.groups,
            weights,
            routes,
            routingOwner: controlled ? "controller" : "pulumi",
            accessLogs: monitoring?.accessLogs,
            tags,
            transform: { ...t, securityGroup: t.loadBalancerSecurityGroup, ingressRule: t.loadBalancerIngressRule },
        }, { parent: this });
        lbSuffix[1](loadBalancer.loadBalancer.arnSuffix);
        for (const role of GROUP_ROLES) tgSuffix[role][1](loadBalancer.targetGroups[role].arnSuffix);

        const groups = {} as Record<GroupRole, AppGroup>;
        for (const role of GROUP_ROLES) {
            groups[role] = new AppGroup(`${name}-${role}`, {
                spec: spec.groups[role],
                vpcId: network.vpcId,
                subnetIds: network.privateSubnetIds,
                targetGroupArn: loadBalancer.targetGroups[role].arn,
                loadBalancerSecurityGroupId: loadBalancer.securityGroup.id,
                loadBalancerArnSuffix: loadBalancer.loadBalancer.arnSuffix,
                targetGroupArnSuffix: loadBalancer.targetGroups[role].arnSuffix,
                rollbackAlarmNames: monitoring?.rollbackAlarmNames[role],
                tags,
                transform: t,
            }, { parent: this });
            asgName[role][1](groups[role].autoScalingGroup.name);
        }

        let failover: FailoverController | undefined;
        if (spec.traffic.failover !== false) {
            failover = new FailoverController(`${name}-failover`, {
                failover: spec.traffic.failover,
                weights: spec.traffic.weights,
                pin: spec.traffic.pin,
                groups: spec.groups,
                listenerArn: loadBalancer.listener.arn,
                loadBalancerArnSuffix: loadBalancer.loadBalancer.arnSuffix,
                targetGroups: {
                    primary: { arn: loadBalancer.targetGroups.primary.arn, arnSuffix: loadBalancer.targetGroups.primary.arnSuffix },
                    backup: { arn: loadBalancer.targetGroups.backup.arn, arnSuffix: loadBalancer.targetGroups.backup.arnSuffix },
                },
                routes: spec.routes.map((r, i) => ({ ruleArn: loadBalancer.rules[i].arn, target: r.target })),
                autoScalingGroups: {
                    primary: { name: groups.primary.autoScalingGroup.name, arn: groups.primary.autoScalingGroup.arn },
                    backup: { name: groups.backup.autoScalingGroup.name, arn: groups.backup.autoScalingGroup.arn },
                },
                loadBalancerType: spec.loadBalancer.type,
                alarmTopicArn: monitoring?.topic.arn,
                tags,
                transform: t,
            }, { parent: this });
        }

        this.nodes = { network, loadBalancer, primary: groups.primary, backup: groups.backup, failover, monitoring };
        this.url = loadBalancer.url;
        this.dnsName = loadBalancer.dnsName;
        this.primaryGroupName = groups.primary.groupName;
        this.backupGroupName = groups.backup.groupName;
        this.primaryTargetGroupArn = loadBalancer.targetGroups.primary.arn;
        this.backupTargetGroupArn = loadBalancer.targetGroups.backup.arn;
        recordPlannedComponent({ type: TYPE_TOKENS.LoadBalancedStack, name, spec });
        this.registerOutputs({
            url: this.url, dnsName: this.dnsName,
            primaryGroupName: this.primaryGroupName, backupGroupName: this.backupGroupName,
            primaryTargetGroupArn: this.primaryTargetGroupArn, backupTargetGroupArn: this.backupTargetGroupArn,
        });
    }
}
