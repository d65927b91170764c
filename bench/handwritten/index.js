// The hand-written side of `npm run bench`: what N default LoadBalancedStacks register, written
// directly with @pulumi/aws and @pulumi/awsx: the same resource types, counts, names, parents and
// (near enough) inputs, but no validation, no defaults to resolve and no helpers. The bench checks
// that both programs register the same types and counts before it times them.
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const aws = require("@pulumi/aws");
const awsx = require("@pulumi/awsx");
const { demoUserData } = require("lbstack/dist/demo/user-data");

const stacks = Number(new pulumi.Config().get("stacks") ?? "1");
const lambdaDir = path.dirname(require.resolve("lbstack/dist/failover/handler.js"));
const lambdaFiles = ["handler.js", "decide.js", "controller-config.js", "routing.js", "capacity.js"];
const metrics = ["GroupMinSize", "GroupMaxSize", "GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances", "GroupTerminatingInstances", "GroupTotalInstances"];
const assume = (service) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });

function component(type, name, parent) {
    return new pulumi.ComponentResource(type, name, {}, parent ? { parent } : undefined);
}

function group(name, role, capacity, stackTags, vpcId, subnets, targetGroup, lbSg, rollbackAlarms, parentOf) {
    const g = component("lbstack:index:AppGroup", `${name}-${role}`, parentOf);
    const p = { parent: g };
    const tags = { ...stackTags, Name: `${name}-${role}` };
    const sg = new aws.ec2.SecurityGroup(`${name}-${role}-sg`, { vpcId, description: `${name}-${role} instances`, revokeRulesOnDelete: true, tags }, p);
    new aws.vpc.SecurityGroupIngressRule(`${name}-${role}-app-from-lb`, { securityGroupId: sg.id, referencedSecurityGroupId: lbSg.id, ipProtocol: "tcp", fromPort: 80, toPort: 80, description: "Application port 80 from the load balancer", tags }, p);
    new aws.vpc.SecurityGroupEgressRule(`${name}-${role}-lb-to-app`, { securityGroupId: lbSg.id, referencedSecurityGroupId: sg.id, ipProtocol: "tcp", fromPort: 80, toPort: 80, description: "Load balancer to application port 80", tags }, p);
    new aws.vpc.SecurityGroupEgressRule(`${name}-${role}-egress`, { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "Outbound HTTPS", tags }, p);
    const instanceRole = new aws.iam.Role(`${name}-${role}-role`, { description: `${name}-${role} instance role`, assumeRolePolicy: assume("ec2.amazonaws.com"), tags }, p);
    const partition = aws.getPartitionOutput({}, p).partition;
    new aws.iam.RolePolicyAttachment(`${name}-${role}-ssm`, { role: instanceRole.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore` }, p);
    const profile = new aws.iam.InstanceProfile(`${name}-${role}-profile`, { role: instanceRole.name, tags }, p);
    const ami = aws.ssm.getParameterOutput({ name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" }, p).value;
    const lt = new aws.ec2.LaunchTemplate(`${name}-${role}-lt`, {
        imageId: ami,
        updateDefaultVersion: true,
        iamInstanceProfile: { arn: profile.arn },
        networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [sg.id], deleteOnTermination: "true" }],
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "enabled" },
        monitoring: { enabled: true },
        userData: Buffer.from(demoUserData(role), "utf8").toString("base64"),
        tagSpecifications: [{ resourceType: "instance", tags }, { resourceType: "volume", tags }],
        tags,
    }, p);
    const asg = new aws.autoscaling.Group(`${name}-${role}-asg`, {
        minSize: capacity.min, maxSize: capacity.max, desiredCapacity: capacity.min,
        vpcZoneIdentifiers: subnets, targetGroupArns: [targetGroup.arn],
        healthCheckType: "ELB", healthCheckGracePeriod: 120, defaultInstanceWarmup: 120,
        metricsGranularity: "1Minute", enabledMetrics: metrics, capacityRebalance: false,
        mixedInstancesPolicy: {
            instancesDistribution: { onDemandPercentageAboveBaseCapacity: 100, onDemandAllocationStrategy: "lowest-price" },
            launchTemplate: {
                launchTemplateSpecification: { launchTemplateId: lt.id, version: lt.latestVersion.apply(String) },
                overrides: [{ instanceRequirements: { vcpuCount: { min: 2, max: 2 }, memoryMib: { min: 4096, max: 4096 }, cpuManufacturers: ["intel", "amd"], burstablePerformance: "excluded", instanceGenerations: ["current"] } }],
            },
        },
        instanceRefresh: {
            strategy: "Rolling",
            preferences: {
                minHealthyPercentage: 90, maxHealthyPercentage: 110, instanceWarmup: "120", skipMatching: true, autoRollback: false,
                scaleInProtectedInstances: "Ignore", standbyInstances: "Ignore",
                alarmSpecification: { alarms: rollbackAlarms.map((a) => a.name) },
            },
        },
        tags: Object.entries({ ...tags, "lbstack:group": role }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
    }, { parent: g, ignoreChanges: ["desiredCapacity"] });
    new aws.autoscaling.Policy(`${name}-${role}-cpu-target`, {
        autoscalingGroupName: asg.name, policyType: "TargetTrackingScaling",
        targetTrackingConfiguration: { predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" }, targetValue: 50 },
    }, p);
    g.registerOutputs({ groupName: asg.name });
    return asg;
}

function failover(name, stackTags, listener, lbResource, tgs, asgs, parentOf) {
    const f = component("lbstack:index:FailoverController", `${name}-failover`, parentOf);
    const p = { parent: f };
    const tags = stackTags;
    const state = new aws.ssm.Parameter(`${name}-failover-state`, { type: "String", value: "{}", description: "failover state", tags }, { parent: f, ignoreChanges: ["value"] });
    const logs = new aws.cloudwatch.LogGroup(`${name}-failover-logs`, { retentionInDays: 30, tags }, p);
    const role = new aws.iam.Role(`${name}-failover-role`, { description: "failover controller", assumeRolePolicy: assume("lambda.amazonaws.com"), tags }, p);
    new aws.iam.RolePolicy(`${name}-failover-policy`, {
        role: role.id,
        policy: pulumi.all([listener.arn, asgs.primary.arn, asgs.backup.arn, state.arn, logs.arn]).apply(([l, a, b, s, lg]) => JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: ["elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "autoscaling:DescribeAutoScalingGroups"], Resource: "*" },
                { Effect: "Allow", Action: ["elasticloadbalancing:ModifyListener"], Resource: [l] },
                { Effect: "Allow", Action: ["autoscaling:SetDesiredCapacity"], Resource: [a, b] },
                { Effect: "Allow", Action: ["ssm:GetParameter", "ssm:PutParameter"], Resource: [s] },
                { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${lg}:*`] },
            ],
        })),
    }, p);
    const config = pulumi.all([listener.arn, tgs.primary.arn, tgs.backup.arn, asgs.primary.name, asgs.backup.name, state.name]).apply(([l, tp, tb, ap, ab, s]) => JSON.stringify({
        listenerArn: l, targetGroupArns: { primary: tp, backup: tb }, weights: { primary: 90, backup: 10 },
        minHealthy: { primary: { count: 1 }, backup: { count: 1 } }, settleSeconds: 30, pollSeconds: 5, routes: { primary: "", backup: "" },
        autoScalingGroups: { primary: { name: ap, desiredCapacity: 2, maxSize: 6 }, backup: { name: ab, desiredCapacity: 1, maxSize: 3 } },
        stateParameterName: s,
    }));
    const fn = new aws.lambda.Function(`${name}-failover-function`, {
        description: "failover controller", runtime: "nodejs22.x", architectures: ["arm64"], handler: "handler.handler",
        memorySize: 128, timeout: 60, reservedConcurrentExecutions: 1, role: role.arn,
        code: new pulumi.asset.AssetArchive(Object.fromEntries(lambdaFiles.map((file) => [file, new pulumi.asset.FileAsset(path.join(lambdaDir, file))]))),
        environment: { variables: { LBSTACK_FAILOVER_CONFIG: config } },
        loggingConfig: { logFormat: "Text", logGroup: logs.name },
        tags,
    }, p);
    new aws.lambda.FunctionEventInvokeConfig(`${name}-failover-async`, { functionName: fn.name, maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 }, p);
    const schedulerRole = new aws.iam.Role(`${name}-failover-scheduler-role`, { description: "scheduler", assumeRolePolicy: assume("scheduler.amazonaws.com"), tags }, p);
    new aws.iam.RolePolicy(`${name}-failover-scheduler-policy`, { role: schedulerRole.id, policy: fn.arn.apply((arn) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: [arn] }] })) }, p);
    new aws.scheduler.Schedule(`${name}-failover-schedule`, { description: "every minute", scheduleExpression: "rate(1 minute)", flexibleTimeWindow: { mode: "OFF" }, target: { arn: fn.arn, roleArn: schedulerRole.arn, retryPolicy: { maximumRetryAttempts: 0 } } }, p);
    const alarms = {};
    for (const r of ["primary", "backup"]) {
        alarms[r] = new aws.cloudwatch.MetricAlarm(`${name}-failover-${r}-no-healthy`, {
            alarmDescription: `${r} has no healthy host`, namespace: "AWS/ApplicationELB", metricName: "HealthyHostCount",
            dimensions: { TargetGroup: tgs[r].arnSuffix, LoadBalancer: lbResource.arnSuffix },
            statistic: "Minimum", period: 60, evaluationPeriods: 1, threshold: 1, comparisonOperator: "LessThanThreshold", treatMissingData: "breaching", tags,
        }, p);
    }
    const alarmRule = new aws.cloudwatch.EventRule(`${name}-failover-alarm-events`, {
        description: "backstop alarms",
        eventPattern: pulumi.all([alarms.primary.name, alarms.backup.name]).apply((names) => JSON.stringify({ source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], detail: { alarmName: names } })),
        tags,
    }, p);
    new aws.cloudwatch.EventTarget(`${name}-failover-alarm-target`, { rule: alarmRule.name, arn: fn.arn }, p);
    new aws.lambda.Permission(`${name}-failover-alarm-invoke`, { function: fn.name, action: "lambda:InvokeFunction", principal: "events.amazonaws.com", sourceArn: alarmRule.arn }, p);
    new aws.cloudwatch.MetricAlarm(`${name}-failover-stopped`, {
        alarmDescription: "the failover controller stopped",
        metricQueries: [
            { id: "inv", metric: { namespace: "AWS/Lambda", metricName: "Invocations", dimensions: { FunctionName: fn.name }, stat: "Sum", period: 60 } },
            { id: "err", metric: { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: fn.name }, stat: "Sum", period: 60 } },
            { id: "ok", expression: "inv - err", label: "successful runs", returnData: true },
        ],
        evaluationPeriods: 3, datapointsToAlarm: 3, threshold: 1, comparisonOperator: "LessThanThreshold", treatMissingData: "breaching", tags,
    }, p);
    f.registerOutputs({ functionName: fn.name });
}

/** The monitoring component's first half: alarm topic and its key, and the access-log bucket the load balancer writes to. */
function monitoringBase(name, tags, parentOf) {
    const m = component("lbstack:index:Monitoring", `${name}-monitoring`, parentOf);
    const p = { parent: m };
    const partition = aws.getPartitionOutput({}, p).partition;
    const accountId = aws.getCallerIdentityOutput({}, p).accountId;
    const region = aws.getRegionOutput({}, p).region;
    const key = new aws.kms.Key(`${name}-monitoring-topic-key`, {
        description: `${name}-monitoring: encrypts the alarm topic`, enableKeyRotation: true,
        policy: pulumi.all([partition, accountId]).apply(([pa, a]) => JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Sid: "Account", Effect: "Allow", Principal: { AWS: `arn:${pa}:iam::${a}:root` }, Action: "kms:*", Resource: "*" },
                { Sid: "Services", Effect: "Allow", Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Resource: "*" },
            ],
        })),
        tags,
    }, p);
    const topic = new aws.sns.Topic(`${name}-monitoring-topic`, { kmsMasterKeyId: key.arn, tags }, p);
    const bucket = new aws.s3.Bucket(`${name}-monitoring-access-logs`, { forceDestroy: false, tags }, p);
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-monitoring-access-logs-encryption`, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, p);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-monitoring-access-logs-public-access`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, p);
    const ownership = new aws.s3.BucketOwnershipControls(`${name}-monitoring-access-logs-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, p);
    new aws.s3.BucketLifecycleConfiguration(`${name}-monitoring-access-logs-lifecycle`, {
        bucket: bucket.id, rules: [{ id: "expire-access-logs", status: "Enabled", filter: { prefix: "alb/" }, expiration: { days: 90 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }],
    }, p);
    const policy = new aws.s3.BucketPolicy(`${name}-monitoring-access-logs-policy`, {
        bucket: bucket.id,
        policy: pulumi.all([partition, accountId, bucket.bucket]).apply(([pa, a, b]) => JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: `arn:${pa}:s3:::${b}/alb/AWSLogs/${a}/*` }],
        })),
    }, { parent: m, dependsOn: [publicAccess] });
    return { m, p, partition, accountId, region, topic, bucket, logDependencies: [policy, encryption, publicAccess, ownership] };
}

/** The alarms on the load balancer and each target group. */
function alarms(name, mon, lb, tgs, tags) {
    const lbDim = { LoadBalancer: lb.arnSuffix };
    const notify = [mon.topic.arn];
    const alarm = (id, args) => new aws.cloudwatch.MetricAlarm(`${name}-monitoring-${id}`, { namespace: "AWS/ApplicationELB", period: 60, alarmActions: notify, okActions: notify, tags, ...args }, mon.p);
    const metric = (metricName) => ({ namespace: "AWS/ApplicationELB", metricName, dimensions: lbDim, stat: "Sum", period: 60 });
    const out = {
        "5xx-rate": alarm("5xx-rate", {
            alarmDescription: "5xx responses above 5 % of requests", comparisonOperator: "GreaterThanThreshold", threshold: 5,
            evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching", namespace: undefined, period: undefined,
            metricQueries: [
                { id: "elb5xx", metric: metric("HTTPCode_ELB_5XX_Count") },
                { id: "target5xx", metric: metric("HTTPCode_Target_5XX_Count") },
                { id: "requests", metric: metric("RequestCount") },
                { id: "rate", expression: "IF(FILL(requests, 0) > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / FILL(requests, 0), IF(FILL(elb5xx, 0) > 0, 100, 0))", label: "5xx rate (%)", returnData: true },
            ],
        }),
        "p99-latency": alarm("p99-latency", {
            alarmDescription: "p99 target response time above 2 s", metricName: "TargetResponseTime", extendedStatistic: "p99", dimensions: lbDim,
            comparisonOperator: "GreaterThanThreshold", threshold: 2, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching",
        }),
    };
    for (const role of ["primary", "backup"]) {
        const dims = { LoadBalancer: lb.arnSuffix, TargetGroup: tgs[role].arnSuffix };
        out[`${role}-unhealthy-hosts`] = alarm(`${role}-unhealthy-hosts`, {
            alarmDescription: `${role}: 1 or more unhealthy hosts`, metricName: "UnHealthyHostCount", statistic: "Maximum", dimensions: dims,
            comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "notBreaching",
        });
        // The failover controller's backstop alarm already notifies: this one only gates deploys.
        out[`${role}-no-healthy-hosts`] = alarm(`${role}-no-healthy-hosts`, {
            alarmDescription: `${role}: fewer than 1 healthy hosts`, metricName: "HealthyHostCount", statistic: "Minimum", dimensions: dims,
            comparisonOperator: "LessThanThreshold", threshold: 1, evaluationPeriods: 2, datapointsToAlarm: 2, treatMissingData: "breaching",
            alarmActions: [], okActions: [],
        });
    }
    return out;
}

/** The monitoring component's second half: failed-refresh events, the topic policy and the dashboard. */
function monitoringRest(name, mon, lb, tgs, asgs, tags) {
    const rule = new aws.cloudwatch.EventRule(`${name}-monitoring-refresh-failed`, {
        description: `${name}-monitoring: an instance refresh failed`,
        eventPattern: pulumi.all([asgs.primary.name, asgs.backup.name]).apply((names) => JSON.stringify({
            source: ["aws.autoscaling"], "detail-type": ["EC2 Auto Scaling Instance Refresh Failed"], detail: { AutoScalingGroupName: names },
        })),
        tags,
    }, mon.p);
    new aws.cloudwatch.EventTarget(`${name}-monitoring-refresh-failed-target`, { rule: rule.name, arn: mon.topic.arn }, mon.p);
    new aws.sns.TopicPolicy(`${name}-monitoring-topic-policy`, {
        arn: mon.topic.arn,
        policy: pulumi.all([mon.accountId, mon.topic.arn, rule.arn]).apply(([a, topicArn, ruleArn]) => JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Sid: "Alarms", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: topicArn, Condition: { StringEquals: { "aws:SourceAccount": a } } },
                { Sid: "Events", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: topicArn, Condition: { ArnEquals: { "aws:SourceArn": ruleArn } } },
            ],
        })),
    }, mon.p);
    new aws.cloudwatch.Dashboard(`${name}-monitoring-dashboard`, {
        dashboardName: `${pulumi.getProject()}-${pulumi.getStack()}-${name}-monitoring`,
        dashboardBody: pulumi.all([mon.region, lb.arnSuffix, tgs.primary.arnSuffix, tgs.backup.arnSuffix, asgs.primary.name, asgs.backup.name])
            .apply(([region, l, tp, tb, ap, ab]) => JSON.stringify({
                widgets: [
                    { type: "metric", x: 0, y: 0, width: 12, height: 6, properties: { title: "Requests", region, metrics: [["AWS/ApplicationELB", "RequestCount", "LoadBalancer", l]] } },
                    { type: "metric", x: 12, y: 0, width: 12, height: 6, properties: { title: "Healthy hosts", region, metrics: [["AWS/ApplicationELB", "HealthyHostCount", "TargetGroup", tp, "LoadBalancer", l], ["...", tb, ".", l]] } },
                    { type: "metric", x: 0, y: 6, width: 12, height: 6, properties: { title: "Instances", region, metrics: [["AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", ap], ["...", ab]] } },
                ],
            })),
    }, mon.p);
    mon.m.registerOutputs({ topicArn: mon.topic.arn });
}

function stack(name) {
    const s = component("lbstack:index:LoadBalancedStack", name);
    const tags = { "lbstack:stack": name };

    const network = component("lbstack:index:Network", `${name}-network`, s);
    const vpc = new awsx.ec2.Vpc(`${name}-network-vpc`, {
        cidrBlock: "10.0.0.0/16", numberOfAvailabilityZones: 2, natGateways: { strategy: "Single" }, subnetStrategy: "Auto",
        enableDnsHostnames: true, enableDnsSupport: true, tags: { ...tags, Name: `${name}-network` },
    }, { parent: network });
    network.registerOutputs({ vpcId: vpc.vpcId });

    const mon = monitoringBase(name, tags, s);

    const lbc = component("lbstack:index:LoadBalancer", `${name}-lb`, s);
    const p = { parent: lbc };
    const lbSg = new aws.ec2.SecurityGroup(`${name}-lb-sg`, { vpcId: vpc.vpcId, description: `${name}-lb load balancer`, revokeRulesOnDelete: true, tags: { ...tags, Name: `${name}-lb` } }, p);
    new aws.vpc.SecurityGroupIngressRule(`${name}-lb-listener-in-0`, { securityGroupId: lbSg.id, ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: "0.0.0.0/0", description: "Listener port 80", tags }, p);
    const lb = new aws.lb.LoadBalancer(`${name}-lb-lb`, {
        loadBalancerType: "application", internal: false, subnets: vpc.publicSubnetIds, securityGroups: [lbSg.id], ipAddressType: "ipv4",
        enableDeletionProtection: false, idleTimeout: 60, dropInvalidHeaderFields: true, desyncMitigationMode: "defensive", enableHttp2: true,
        accessLogs: { bucket: mon.bucket.bucket, prefix: "alb", enabled: true },
        tags,
    }, { parent: lbc, dependsOn: mon.logDependencies });
    const targetGroup = (role) => new aws.lb.TargetGroup(`${name}-lb-${role}`, {
        port: 80, protocol: "HTTP", vpcId: vpc.vpcId, targetType: "instance", deregistrationDelay: 30, slowStart: 0,
        healthCheck: { enabled: true, protocol: "HTTP", port: "traffic-port", interval: 10, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 2, path: "/health", matcher: "200" },
        tags: { ...tags, "lbstack:group": role },
    }, p);
    const tgs = { primary: targetGroup("primary"), backup: targetGroup("backup") };
    const listener = new aws.lb.Listener(`${name}-lb-listener`, {
        loadBalancerArn: lb.arn, port: 80, protocol: "HTTP",
        defaultActions: [{ type: "forward", forward: { targetGroups: [{ arn: tgs.primary.arn, weight: 90 }, { arn: tgs.backup.arn, weight: 10 }] } }],
        tags,
    }, { parent: lbc, ignoreChanges: ["defaultActions"] });
    const url = pulumi.interpolate`http://${lb.dnsName}`;
    lbc.registerOutputs({ dnsName: lb.dnsName, url });

    const a = alarms(name, mon, lb, tgs, tags);
    const rollback = (role) => [a["5xx-rate"], a["p99-latency"], a[`${role}-unhealthy-hosts`], a[`${role}-no-healthy-hosts`]];
    const asgs = {
        primary: group(name, "primary", { min: 2, max: 6 }, tags, vpc.vpcId, vpc.privateSubnetIds, tgs.primary, lbSg, rollback("primary"), s),
        backup: group(name, "backup", { min: 1, max: 3 }, tags, vpc.vpcId, vpc.privateSubnetIds, tgs.backup, lbSg, rollback("backup"), s),
    };
    monitoringRest(name, mon, lb, tgs, asgs, tags);
    failover(name, tags, listener, lb, tgs, asgs, s);
    s.registerOutputs({ url, dnsName: lb.dnsName, primaryGroupName: asgs.primary.name, backupGroupName: asgs.backup.name });
}

for (let i = 0; i < stacks; i++) stack(`app${i}`);
