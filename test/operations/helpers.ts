import { LoadBalancedStack, LoadBalancedStackArgs } from "../../packages/lbstack/src";
import { runWithMocks } from "../../packages/lbstack/src/plan/mock-runtime";

/**
 * A deploy-like mock run for the operations tests: every lookup and computed output gets a
 * realistic known value (Region, account, ARN suffixes, group names), so alarm dimensions,
 * policies and the dashboard body can be checked as AWS would receive them. Records each
 * resource's inputs, parent, options and dependencies.
 */

export const REGION = "eu-west-1";
export const ACCOUNT = "123456789012";

export interface OpsResource {
    type: string;
    name: string;
    parent: string | null;
    inputs: Record<string, any>;
    ignoreChanges: string[];
    /** Names of the resources this one waits for (dependsOn and inputs). */
    dependsOn: string[];
}

export const suffix = {
    loadBalancer: (name: string) => `app/${name}/50dc6c495c0c9188`,
    network: (name: string) => `net/${name}/50dc6c495c0c9188`,
    targetGroup: (name: string) => `targetgroup/${name}/943f017f100becff`,
};

function state(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    if (type === "awsx:ec2:Vpc") {
        const ids = (kind: string) => [0, 1].map((i) => `subnet-${kind}-${i}`);
        return { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ids("public"), privateSubnetIds: ids("private") };
    }
    const computed: Record<string, unknown> = { arn: `arn:aws:mock:${REGION}:${ACCOUNT}:${name}`, latestVersion: 1 };
    if (type === "aws:lb/loadBalancer:LoadBalancer") {
        computed.arnSuffix = inputs.loadBalancerType === "network" ? suffix.network(name) : suffix.loadBalancer(name);
        computed.dnsName = `${name}.elb.amazonaws.com`;
    }
    if (type === "aws:lb/targetGroup:TargetGroup") computed.arnSuffix = suffix.targetGroup(name);
    // Auto-named resources get a physical name as AWS would show it.
    if (inputs.name === undefined) computed.name = `${name}-physical`;
    if (type === "aws:s3/bucket:Bucket") computed.bucket = `${name}-physical`;
    return { ...computed, ...inputs };
}

function answer(token: string, inputs: Record<string, any>): Record<string, unknown> {
    switch (token) {
        case "aws:index/getPartition:getPartition": return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        case "aws:index/getRegion:getRegion": return { name: REGION, region: REGION, id: REGION };
        case "aws:index/getCallerIdentity:getCallerIdentity": return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ops`, userId: "AIDA", id: ACCOUNT };
        case "aws:ssm/getParameter:getParameter": return { name: inputs.name, value: "ami-0123456789abcdef0", insecureValue: "ami-0123456789abcdef0", type: "String", id: inputs.name };
        case "aws:ec2/getVpc:getVpc": return { id: inputs.id, cidrBlock: "10.0.0.0/16" };
        default: return {};
    }
}

/** Builds one LoadBalancedStack named "app" and returns what was registered. */
export async function deployStack(args: LoadBalancedStackArgs): Promise<OpsResource[]> {
    const run = await runWithMocks(() => { new LoadBalancedStack("app", args); }, {
        project: "lbstack", stack: "test", preview: false,
        state: (type, name, inputs) => state(type, name, inputs),
        answer: (token, inputs) => answer(token, inputs),
    });
    return run.resources.map((r) => ({
        type: r.type, name: r.name, parent: r.parent, inputs: r.inputs as Record<string, any>,
        ignoreChanges: r.options.ignoreChanges ?? [], dependsOn: r.dependsOn ?? [],
    }));
}

export { ofType as byType, named as find } from "../helpers/stack";


export const OT = {
    policy: "aws:autoscaling/policy:Policy",
    schedule: "aws:autoscaling/schedule:Schedule",
    asg: "aws:autoscaling/group:Group",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    key: "aws:kms/key:Key",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    monitoring: "lbstack:index:Monitoring",
} as const;

/** A stack with exactly one pinned instance type (what a warm pool needs). */
export function pinnedArgs(): LoadBalancedStackArgs {
    return {
        instance: { vcpus: 2, memoryGiB: 8, instanceTypes: ["m7i.large"] },
        primary: { capacity: { min: 2, max: 6 } },
        backup: { capacity: { min: 1, max: 3 } },
    };
}
