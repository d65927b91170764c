/**
 * Compliant resources as a Pulumi mock run records them, and helpers to run the lbstack policies over
 * variations of them. Type tokens are spelled out here (not taken from the aws classes) so a wrong token in
 * the policies fails the tests.
 */
import {
    PolicyTestResource,
    PolicyViolation,
    RunPoliciesOptions,
    runPolicies,
} from "../../packages/lbstack-policy/src";

/** Pulumi type tokens of the resources the policies check. */
export const T = {
    lb: "aws:lb/loadBalancer:LoadBalancer",
    albLb: "aws:alb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    albListener: "aws:alb/listener:Listener",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    albTargetGroup: "aws:alb/targetGroup:TargetGroup",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    launchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
    group: "aws:autoscaling/group:Group",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    legacyRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
} as const;

export const ALB_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/1";
export const TG_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/app/1";

/** A recorded resource. */
export const res = (type: string, name: string, props: Record<string, any>): PolicyTestResource => ({ type, name, props });

export const albProps = () => ({
    loadBalancerType: "application",
    subnets: ["subnet-a", "subnet-b"],
    securityGroups: ["sg-lb"],
    dropInvalidHeaderFields: true,
    desyncMitigationMode: "strictest",
    accessLogs: { bucket: "web-logs", enabled: true },
    enableDeletionProtection: true,
});

export const httpsListenerProps = () => ({
    loadBalancerArn: ALB_ARN,
    port: 443,
    protocol: "HTTPS",
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/1",
    defaultActions: [{ type: "forward", targetGroupArn: TG_ARN }],
});

export const httpListenerProps = () => ({
    loadBalancerArn: ALB_ARN,
    port: 80,
    protocol: "HTTP",
    defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
});

export const targetGroupProps = () => ({
    port: 8080,
    protocol: "HTTP",
    vpcId: "vpc-1",
    healthCheck: { path: "/healthz", interval: 10, timeout: 5, matcher: "200" },
});

export const launchTemplateProps = () => ({
    imageId: "ami-1",
    instanceType: "t3.small",
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
    iamInstanceProfile: { arn: "arn:aws:iam::123456789012:instance-profile/app" },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20, volumeType: "gp3" } }],
    networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: ["sg-app"] }],
});

export const groupProps = () => ({
    minSize: 2,
    maxSize: 4,
    vpcZoneIdentifiers: ["subnet-a", "subnet-b"],
    targetGroupArns: [TG_ARN],
    healthCheckType: "ELB",
    healthCheckGracePeriod: 120,
    launchTemplate: { id: "lt-1", version: "3" },
});

export const lbSecurityGroupProps = () => ({
    vpcId: "vpc-1",
    description: "web load balancer: HTTPS and HTTP from the internet",
    ingress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"], description: "HTTPS from the internet" },
        { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], description: "HTTP from the internet, redirected to HTTPS" },
    ],
    egress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.0.0.0/16"], description: "to the app instances" }],
});

export const appIngressRuleProps = () => ({
    securityGroupId: "sg-app",
    referencedSecurityGroupId: "sg-lb",
    ipProtocol: "tcp",
    fromPort: 8080,
    toPort: 8080,
    description: "app port from the load balancer only",
});

/** A whole compliant stack: load balancer, listeners, target group, template, group and security groups. */
export const compliantStack = (): PolicyTestResource[] => [
    res(T.lb, "web", albProps()),
    res(T.listener, "web-https", httpsListenerProps()),
    res(T.listener, "web-http", httpListenerProps()),
    res(T.targetGroup, "web-app", targetGroupProps()),
    res(T.launchTemplate, "app", launchTemplateProps()),
    res(T.group, "app-primary", groupProps()),
    res(T.group, "app-backup", { ...groupProps(), minSize: 0 }),
    res(T.securityGroup, "web-lb", lbSecurityGroupProps()),
    res(T.securityGroup, "app", { vpcId: "vpc-1", description: "app instances: traffic from the load balancer only" }),
    res(T.ingressRule, "app-from-lb", appIngressRuleProps()),
];

/** Runs every lbstack policy over `resources` and keeps what `policyName` reported. */
export async function violationsOf(policyName: string, resources: PolicyTestResource[], options?: RunPoliciesOptions): Promise<PolicyViolation[]> {
    return (await runPolicies(resources, options)).filter((v) => v.policyName === policyName);
}

/** The messages `policyName` reported for a single resource. */
export async function messagesOf(policyName: string, type: string, props: Record<string, any>, options?: RunPoliciesOptions): Promise<string[]> {
    return (await violationsOf(policyName, [res(type, "subject", props)], options)).map((v) => v.message);
}
