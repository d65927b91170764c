import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TYPE_TOKENS } from "../common/tokens";
import { applyTransform, Transform } from "../common/transform";
import { launchTemplateArgs } from "../instance/launch-template";
import type { ResolvedGroup } from "../stack/schema";
import { autoScalingGroupArgs } from "./args";

/** Per-child escape hatches of {@link AppGroup}. */
export interface AppGroupTransforms {
    securityGroup?: Transform<aws.ec2.SecurityGroupArgs>;
    ingressRule?: Transform<aws.vpc.SecurityGroupIngressRuleArgs>;
    egressRule?: Transform<aws.vpc.SecurityGroupEgressRuleArgs>;
    instanceRole?: Transform<aws.iam.RoleArgs>;
    instanceProfile?: Transform<aws.iam.InstanceProfileArgs>;
    launchTemplate?: Transform<aws.ec2.LaunchTemplateArgs>;
    autoScalingGroup?: Transform<aws.autoscaling.GroupArgs>;
}

export interface AppGroupArgs {
    /** The validated group spec (see `parseStackSpec`). */
    spec: ResolvedGroup;
    vpcId: pulumi.Input<string>;
    /** Private subnets for the instances. */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The target group the instances register with. */
    targetGroupArn: pulumi.Input<string>;
    /** The load balancer's security group: the only source the instances accept. */
    loadBalancerSecurityGroupId: pulumi.Input<string>;
    tags?: Record<string, string>;
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

    constructor(name: string, args: AppGroupArgs, opts?: pulumi.ComponentResourceOptions) {
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
            tags,
        }), { parent: this, ignoreChanges: ["desiredCapacity"] }));
        this.groupName = this.autoScalingGroup.name;

        this.registerOutputs({ groupName: this.groupName });
    }
}
