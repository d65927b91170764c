import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TYPE_TOKENS } from "../common/tokens";
import { applyTransform, Transform } from "../common/transform";
import { LbstackValidationError, SpecIssue } from "../common/validation";
import { launchTemplateArgs } from "../instance/launch-template";
import type { ResolvedGroup } from "../stack/schema";
import { autoScalingGroupArgs } from "./args";
import {
    cpuTargetTrackingArgs, predictiveArgs, requestsTargetTrackingArgs, scheduledActionArgs, stepAlarmArgs, stepDirections, stepPolicyArgs,
} from "./scaling";

/**
 * Per-child escape hatches of {@link AppGroup}. Each changes the args (or options) of one kind of
 * child before it is registered; `${name}` in the names below is the component's name (in a
 * `LoadBalancedStack`, `${stack}-primary` or `${stack}-backup`: one transform applies to both
 * groups). Default: none, every child gets lbstack's args.
 */
export interface AppGroupTransforms {
    /**
     * The instances' security group, `${name}-sg` (its rules are separate resources: see
     * `ingressRule` and `egressRule`).
     * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html
     */
    securityGroup?: Transform<aws.ec2.SecurityGroupArgs>;
    /**
     * The instances' ingress rules from the load balancer's security group: `${name}-app-from-lb`
     * (the application port) and, when the health check uses another port, `${name}-health-from-lb`.
     */
    ingressRule?: Transform<aws.vpc.SecurityGroupIngressRuleArgs>;
    /**
     * Every egress rule the group creates: the instances' outbound rule `${name}-egress` (TCP 443 to
     * anywhere, or all traffic with `allowAllEgress`) and, on the load balancer's security group,
     * `${name}-lb-to-app` and (when the health check uses another port) `${name}-lb-to-health`.
     */
    egressRule?: Transform<aws.vpc.SecurityGroupEgressRuleArgs>;
    /**
     * The instance role, `${name}-role` (EC2 may assume it; AmazonSSMManagedInstanceCore is attached
     * by the separate `${name}-ssm`, which has no transform).
     * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html
     */
    instanceRole?: Transform<aws.iam.RoleArgs>;
    /** The instance profile that hands the role to the instances, `${name}-profile`. */
    instanceProfile?: Transform<aws.iam.InstanceProfileArgs>;
    /**
     * The launch template compiled from the instance spec, `${name}-lt`. A change starts an instance
     * refresh (a rolling replacement) of the group.
     * https://docs.aws.amazon.com/autoscaling/ec2/userguide/launch-templates.html
     */
    launchTemplate?: Transform<aws.ec2.LaunchTemplateArgs>;
    /**
     * The auto-scaling group, `${name}-asg`. Pulumi ignores later changes to `desiredCapacity`
     * (scaling policies and the failover controller own it), so a transform of it applies at creation only.
     * https://docs.aws.amazon.com/autoscaling/ec2/userguide/auto-scaling-groups.html
     */
    autoScalingGroup?: Transform<aws.autoscaling.GroupArgs>;
    /**
     * Target tracking, predictive and step scaling policies: `${name}-cpu-target`,
     * `${name}-requests-target`, `${name}-predictive`, `${name}-step-out` and `${name}-step-in`
     * (each only when its `scaling` field turns it on).
     */
    scalingPolicy?: Transform<aws.autoscaling.PolicyArgs>;
    /** The scheduled actions of `scaling.schedule`, `${name}-schedule-${i}` (`i`: the action's index). */
    scheduledAction?: Transform<aws.autoscaling.ScheduleArgs>;
    /** The alarms that trigger step scaling, `${name}-step-out-alarm` and `${name}-step-in-alarm`. */
    stepScalingAlarm?: Transform<aws.cloudwatch.MetricAlarmArgs>;
}

export interface AppGroupArgs {
    /** The validated group spec (see `parseStackSpec`). */
    spec: ResolvedGroup;
    /** The VPC of the instances' security group: the load balancer's VPC, since the rules reference its security group. Required. */
    vpcId: pulumi.Input<string>;
    /** Private subnets for the instances. */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The target group the instances register with. */
    targetGroupArn: pulumi.Input<string>;
    /** The load balancer's security group: the only source the instances accept. */
    loadBalancerSecurityGroupId: pulumi.Input<string>;
    /** `arnSuffix` of the load balancer: needed (with the target group's) by `scaling.requestsPerTarget`. */
    loadBalancerArnSuffix?: pulumi.Input<string>;
    /** `arnSuffix` of the target group: needed by `scaling.requestsPerTarget`. */
    targetGroupArnSuffix?: pulumi.Input<string>;
    /** Names of the CloudWatch alarms that stop an instance refresh; required when `deploy.rollbackOnAlarm` is true (at most 10). */
    rollbackAlarmNames?: pulumi.Input<string>[];
    /**
     * Tags on every child that takes tags: the security group and its rules, the instance role and
     * profile, the launch template (and through it each instance and volume), the auto-scaling
     * group (propagated at launch, plus `lbstack:group`) and the step scaling alarms. `Name` is
     * always the component's name. Default: none beyond `Name`.
     */
    tags?: Record<string, string>;
    /** Per-child escape hatches (see {@link AppGroupTransforms}). Default: none. */
    transform?: AppGroupTransforms;
}

const SSM_POLICY = "AmazonSSMManagedInstanceCore";

/**
 * One application group: a launch template compiled from the instance spec, an auto-scaling
 * group registered with its target group, an instance role with SSM access (no SSH keys) and a
 * security group that accepts only the load balancer.
 */
export class AppGroup extends pulumi.ComponentResource {
    readonly securityGroup: aws.ec2.SecurityGroup;
    readonly role: aws.iam.Role;
    readonly instanceProfile: aws.iam.InstanceProfile;
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    readonly autoScalingGroup: aws.autoscaling.Group;
    /** The auto-scaling group's name. */
    readonly groupName: pulumi.Output<string>;

    /** Target tracking (CPU, requests), predictive and step scaling policies. */
    readonly scalingPolicies: aws.autoscaling.Policy[] = [];
    readonly scheduledActions: aws.autoscaling.Schedule[] = [];

    constructor(name: string, args: AppGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        // The stack validates these; a caller composing AppGroup alone gets the same error before anything is registered.
        const missing = missingInputs(args);
        if (missing.length > 0) throw new LbstackValidationError("AppGroup", missing);
        super(TYPE_TOKENS.AppGroup, name, {}, opts);
        const t = args.transform ?? {};
        const g = args.spec;
        const tags = { ...(args.tags ?? {}), Name: name };
        const parent = { parent: this };

        this.securityGroup = new aws.ec2.SecurityGroup(...applyTransform(t.securityGroup, `${name}-sg`, {
            vpcId: args.vpcId,
            description: `lbstack ${name}: instances, traffic from the load balancer only`,
            revokeRulesOnDelete: true,
            tags,
        }, parent));

        // Ingress on the instances and the matching egress on the load balancer, for the app port and
        // (when different) the health check port: nothing else reaches the instances.
        const ports = [...new Set([g.port, g.healthCheck.port ?? g.port])];
        ports.forEach((port, i) => {
            const role = i === 0 ? "app" : "health";
            new aws.vpc.SecurityGroupIngressRule(...applyTransform(t.ingressRule, `${name}-${role}-from-lb`, {
                securityGroupId: this.securityGroup.id,
                referencedSecurityGroupId: args.loadBalancerSecurityGroupId,
                ipProtocol: "tcp", fromPort: port, toPort: port,
                description: `${role === "app" ? "Application" : "Health check"} port ${port} from the load balancer`,
                tags,
            }, parent));
            new aws.vpc.SecurityGroupEgressRule(...applyTransform(t.egressRule, `${name}-lb-to-${role}`, {
                securityGroupId: args.loadBalancerSecurityGroupId,
                referencedSecurityGroupId: this.securityGroup.id,
                ipProtocol: "tcp", fromPort: port, toPort: port,
                description: `Load balancer to ${name} ${role === "app" ? "application" : "health check"} port ${port}`,
                tags,
            }, parent));
        });
        new aws.vpc.SecurityGroupEgressRule(...applyTransform(t.egressRule, `${name}-egress`, g.allowAllEgress
            ? { securityGroupId: this.securityGroup.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "All outbound traffic (allowAllEgress)", tags }
            : { securityGroupId: this.securityGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "Outbound HTTPS: SSM, package repositories, AWS APIs", tags },
        parent));

        this.role = new aws.iam.Role(...applyTransform(t.instanceRole, `${name}-role`, {
            description: `lbstack ${name}: instance role (SSM Session Manager instead of SSH keys)`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            tags,
        }, parent));
        const partition = aws.getPartitionOutput({}, parent).partition;
        new aws.iam.RolePolicyAttachment(`${name}-ssm`, {
            role: this.role.name,
            policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${SSM_POLICY}`,
        }, parent);
        this.instanceProfile = new aws.iam.InstanceProfile(...applyTransform(t.instanceProfile, `${name}-profile`, { role: this.role.name, tags }, parent));

        const image = g.instance.image;
        // A concrete AMI id looked up at deploy time: instance refresh cannot roll back a template whose
        // image is a `resolve:ssm:` reference.
        const imageId = "amiId" in image ? image.amiId : aws.ssm.getParameterOutput({ name: image.ssmParameter }, parent).value;

        this.launchTemplate = new aws.ec2.LaunchTemplate(...applyTransform(t.launchTemplate, `${name}-lt`, launchTemplateArgs(g.instance, {
            imageId,
            securityGroupId: this.securityGroup.id,
            instanceProfileArn: this.instanceProfile.arn,
            tags,
        }), parent));

        this.autoScalingGroup = new aws.autoscaling.Group(...applyTransform(t.autoScalingGroup, `${name}-asg`, autoScalingGroupArgs(g, {
            subnetIds: args.subnetIds,
            targetGroupArn: args.targetGroupArn,
            launchTemplateId: this.launchTemplate.id,
            launchTemplateVersion: this.launchTemplate.latestVersion.apply(String),
            rollbackAlarmNames: args.rollbackAlarmNames,
            tags,
        }), { parent: this, ignoreChanges: ["desiredCapacity"] }));
        this.groupName = this.autoScalingGroup.name;
        this.createScaling(name, args, tags);

        this.registerOutputs({ groupName: this.groupName });
    }

    /** Policies, schedules and step alarms: all need the group's name, so they come after it. */
    private createScaling(name: string, args: AppGroupArgs, tags: Record<string, string>) {
        const t = args.transform ?? {};
        const s = args.spec.scaling;
        const group = this.autoScalingGroup.name;
        const parent = { parent: this };
        const policy = (role: string, policyArgs: aws.autoscaling.PolicyArgs) => {
            const p = new aws.autoscaling.Policy(...applyTransform(t.scalingPolicy, `${name}-${role}`, policyArgs, parent));
            this.scalingPolicies.push(p);
            return p;
        };
        if (s.cpuTargetPercent !== false) policy("cpu-target", cpuTargetTrackingArgs(group, s.cpuTargetPercent));
        if (s.requestsPerTarget !== undefined) {
            policy("requests-target", requestsTargetTrackingArgs(group, s.requestsPerTarget, args.loadBalancerArnSuffix!, args.targetGroupArnSuffix!));
        }
        if (s.predictive) policy("predictive", predictiveArgs(group, s.predictive));
        if (s.stepScaling) {
            const st = s.stepScaling;
            for (const dir of stepDirections(st, s.scaleInCooldownSeconds)) {
                const p = policy(`step-${dir.direction}`, stepPolicyArgs(group, st, dir, s.instanceWarmupSeconds));
                const what = dir.direction === "out" ? `at or above ${dir.threshold}: scale out` : `below ${dir.threshold}: scale in`;
                new aws.cloudwatch.MetricAlarm(...applyTransform(t.stepScalingAlarm, `${name}-step-${dir.direction}-alarm`,
                    stepAlarmArgs(st, dir, p.arn, `lbstack ${name}: ${st.metric.namespace} ${st.metric.name} ${what}`, tags), parent));
            }
        }
        s.schedule.forEach((a, i) => {
            this.scheduledActions.push(new aws.autoscaling.Schedule(...applyTransform(t.scheduledAction, `${name}-schedule-${i}`, scheduledActionArgs(group, a), parent)));
        });
    }
}

/** Inputs the spec needs that only a caller can give: ARN suffixes for request scaling, alarm names for rollback. */
function missingInputs(args: AppGroupArgs): SpecIssue[] {
    const issues: SpecIssue[] = [];
    const g = args.spec;
    if (g.scaling.requestsPerTarget !== undefined && (args.loadBalancerArnSuffix === undefined || args.targetGroupArnSuffix === undefined)) {
        issues.push({ path: "scaling.requestsPerTarget", value: g.scaling.requestsPerTarget, message: "needs loadBalancerArnSuffix and targetGroupArnSuffix in AppGroupArgs (the ALB request metric is per load balancer and target group)" });
    }
    if (g.deploy.rollbackOnAlarm && (args.rollbackAlarmNames ?? []).length === 0) {
        issues.push({ path: "deploy.rollbackOnAlarm", value: true, message: "needs rollbackAlarmNames in AppGroupArgs (the alarms that stop a refresh)" });
    }
    if ((args.rollbackAlarmNames ?? []).length > 10) {
        issues.push({ path: "rollbackAlarmNames", value: args.rollbackAlarmNames!.length, message: "at most 10 alarms per instance refresh (AWS limit)" });
    }
    return issues;
}
