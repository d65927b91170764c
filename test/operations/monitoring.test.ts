import { baseArgs, withPatch } from "../helpers/stack";
import { ACCOUNT, byType, deployStack, find, OpsResource, OT, REGION, suffix } from "./helpers";

/** The monitoring a stack gets by default: topic, alarms, refresh-failure rule, dashboard and access logs. */

const LB = suffix.loadBalancer("app-lb-lb");
const TG = { primary: suffix.targetGroup("app-lb-primary"), backup: suffix.targetGroup("app-lb-backup") };
const TOPIC_ARN = `arn:aws:mock:${REGION}:${ACCOUNT}:app-monitoring-topic`;
const NLB_ARGS = { loadBalancer: { type: "network" }, primary: { protocol: "TCP" }, backup: { protocol: "TCP" } };

describe("monitoring of the default stack", () => {
    let rs: OpsResource[];
    beforeAll(async () => {
        rs = await deployStack(withPatch(baseArgs(), {
            monitoring: { notify: { emails: ["ops@example.com", "oncall@example.com"], httpsEndpoints: ["https://hooks.example.com/alarms"] } },
        }));
    });

    test("is one Monitoring component under the stack", () => {
        expect(find(rs, "app-monitoring")).toMatchObject({ type: OT.monitoring, parent: "app" });
        for (const r of rs.filter((x) => x.name.startsWith("app-monitoring-"))) expect(r.parent).toBe("app-monitoring");
    });

    test("the alarm topic is encrypted with its own rotating KMS key that CloudWatch and EventBridge may use", () => {
        expect(find(rs, "app-monitoring-topic").inputs.kmsMasterKeyId).toBe(`arn:aws:mock:${REGION}:${ACCOUNT}:app-monitoring-topic-key`);
        const key = find(rs, "app-monitoring-topic-key").inputs;
        expect(key.enableKeyRotation).toBe(true);
        const statements = JSON.parse(key.policy).Statement;
        expect(statements).toEqual([
            expect.objectContaining({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*" }),
            expect.objectContaining({ Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] }, Action: ["kms:GenerateDataKey*", "kms:Decrypt"] }),
        ]);
    });

    test("email and HTTPS subscriptions, one per endpoint", () => {
        const subs = byType(rs, OT.subscription).map((s) => [s.name, s.inputs.protocol, s.inputs.endpoint, s.inputs.topic]).sort();
        expect(subs).toEqual([
            ["app-monitoring-email-0", "email", "ops@example.com", TOPIC_ARN],
            ["app-monitoring-email-1", "email", "oncall@example.com", TOPIC_ARN],
            ["app-monitoring-https-0", "https", "https://hooks.example.com/alarms", TOPIC_ARN],
        ]);
    });

    test("5xx rate: (ELB 5xx + target 5xx) / requests × 100 > 5 % in 3 of 5 minutes, notifying the topic", () => {
        const a = find(rs, "app-monitoring-5xx-rate").inputs;
        expect(a).toMatchObject({
            comparisonOperator: "GreaterThanThreshold", threshold: 5, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching",
            alarmActions: [TOPIC_ARN], okActions: [TOPIC_ARN],
        });
        const metric = (id: string) => a.metricQueries.find((q: any) => q.id === id).metric;
        for (const [id, name] of [["elb5xx", "HTTPCode_ELB_5XX_Count"], ["target5xx", "HTTPCode_Target_5XX_Count"], ["requests", "RequestCount"]]) {
            expect(metric(id)).toEqual({ namespace: "AWS/ApplicationELB", metricName: name, dimensions: { LoadBalancer: LB }, stat: "Sum", period: 60 });
        }
        const rate = a.metricQueries.find((q: any) => q.id === "rate");
        expect(rate).toMatchObject({ returnData: true });
        expect(rate.expression).toContain("100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / FILL(requests, 0)");
    });

    test("p99 latency above 2 s in 3 of 5 minutes", () => {
        expect(find(rs, "app-monitoring-p99-latency").inputs).toMatchObject({
            namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", dimensions: { LoadBalancer: LB }, extendedStatistic: "p99",
            period: 60, threshold: 2, comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 5, datapointsToAlarm: 3,
        });
    });

    test("per group: unhealthy hosts ≥ 1 for 3 minutes, and fewer than 1 healthy host for 2 minutes, by target group and load balancer", () => {
        for (const role of ["primary", "backup"] as const) {
            expect(find(rs, `app-monitoring-${role}-unhealthy-hosts`).inputs).toMatchObject({
                namespace: "AWS/ApplicationELB", metricName: "UnHealthyHostCount", statistic: "Maximum",
                dimensions: { TargetGroup: TG[role], LoadBalancer: LB },
                threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold", evaluationPeriods: 3, datapointsToAlarm: 3, alarmActions: [TOPIC_ARN],
            });
            expect(find(rs, `app-monitoring-${role}-no-healthy-hosts`).inputs).toMatchObject({
                metricName: "HealthyHostCount", statistic: "Minimum", dimensions: { TargetGroup: TG[role], LoadBalancer: LB },
                threshold: 1, comparisonOperator: "LessThanThreshold", evaluationPeriods: 2, treatMissingData: "breaching",
                // The failover controller's backstop alarm already tells a human; this one gates deploys.
                alarmActions: [],
            });
        }
    });

    test("the failover controller's alarms notify the same topic", () => {
        expect(find(rs, "app-failover-stopped").inputs.alarmActions).toEqual([TOPIC_ARN]);
        expect(find(rs, "app-failover-primary-no-healthy").inputs.alarmActions).toEqual([TOPIC_ARN]);
    });

    test("failed instance refreshes of both groups go to the topic through EventBridge, which the topic policy allows", () => {
        const rule = find(rs, "app-monitoring-refresh-failed");
        expect(JSON.parse(rule.inputs.eventPattern)).toEqual({
            source: ["aws.autoscaling"],
            "detail-type": ["EC2 Auto Scaling Instance Refresh Failed"],
            detail: { AutoScalingGroupName: ["app-primary-asg-physical", "app-backup-asg-physical"] },
        });
        expect(find(rs, "app-monitoring-refresh-failed-target").inputs).toMatchObject({ rule: "app-monitoring-refresh-failed-physical", arn: TOPIC_ARN });
        const policy = JSON.parse(find(rs, "app-monitoring-topic-policy").inputs.policy);
        expect(policy.Statement).toEqual(expect.arrayContaining([
            expect.objectContaining({
                Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: TOPIC_ARN,
                Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:mock:${REGION}:${ACCOUNT}:app-monitoring-refresh-failed` } },
            }),
            expect.objectContaining({
                Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish",
                Condition: { ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:*` }, StringEquals: { "aws:SourceAccount": ACCOUNT } },
            }),
        ]));
        expect(find(rs, "app-monitoring-topic-policy").inputs.arn).toBe(TOPIC_ARN);
    });

    test("the dashboard is named after project, stack and component, and its body is valid JSON for this Region", () => {
        const d = find(rs, "app-monitoring-dashboard").inputs;
        expect(d.dashboardName).toBe("lbstack-test-app-monitoring");
        const body = JSON.parse(d.dashboardBody);
        const metricWidgets = body.widgets.filter((w: any) => w.type === "metric");
        expect(metricWidgets.length).toBe(11);
        for (const w of metricWidgets) expect(w.properties.region).toBe(REGION);
        expect(JSON.stringify(body)).toContain(`"AutoScalingGroupName","app-primary-asg-physical"`);
    });
});

describe("access logs", () => {
    let rs: OpsResource[];
    beforeAll(async () => {
        rs = await deployStack(baseArgs());
    });
    const BUCKET = "app-monitoring-access-logs-physical";

    test("the bucket is SSE-S3 encrypted (the only encryption ELB log delivery supports), private, owner-enforced", () => {
        expect(find(rs, "app-monitoring-access-logs").inputs.forceDestroy).toBe(false);
        expect(find(rs, "app-monitoring-access-logs-encryption").inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        expect(find(rs, "app-monitoring-access-logs-public-access").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        expect(find(rs, "app-monitoring-access-logs-ownership").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    });

    test("logs expire after 90 days", () => {
        expect(find(rs, "app-monitoring-access-logs-lifecycle").inputs.rules).toEqual([{
            id: "expire-access-logs", status: "Enabled", filter: { prefix: "alb/" }, expiration: { days: 90 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        }]);
    });

    test("only ELB log delivery may write, only under this account's path; plain HTTP is denied", () => {
        const policy = JSON.parse(find(rs, "app-monitoring-access-logs-policy").inputs.policy);
        expect(policy.Statement).toEqual([
            { Sid: "AllowElbLogDelivery", Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/alb/AWSLogs/${ACCOUNT}/*` },
            {
                Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
                Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ]);
        expect(find(rs, "app-monitoring-access-logs-policy").dependsOn).toContain("app-monitoring-access-logs-public-access");
    });

    test("the ALB logs to the bucket, and only once the bucket policy exists", () => {
        const lb = find(rs, "app-lb-lb");
        expect(lb.inputs.accessLogs).toEqual({ bucket: BUCKET, prefix: "alb", enabled: true });
        expect(lb.dependsOn).toEqual(expect.arrayContaining(["app-monitoring-access-logs-policy", "app-monitoring-access-logs-encryption"]));
    });

    test("retentionDays and forceDestroy are taken; accessLogs: false registers no bucket and no logging", async () => {
        const tuned = await deployStack(withPatch(baseArgs(), { monitoring: { accessLogs: { retentionDays: 30, forceDestroy: true } } }));
        expect(find(tuned, "app-monitoring-access-logs").inputs.forceDestroy).toBe(true);
        expect(find(tuned, "app-monitoring-access-logs-lifecycle").inputs.rules[0].expiration).toEqual({ days: 30 });
        const off = await deployStack(withPatch(baseArgs(), { monitoring: { accessLogs: false } }));
        expect(byType(off, OT.bucket)).toEqual([]);
        expect(find(off, "app-lb-lb").inputs.accessLogs).toBeUndefined();
    });
});

describe("tuning and turning off", () => {
    test("each alarm takes threshold, periods and datapoints; false removes it", async () => {
        const rs = await deployStack(withPatch(baseArgs(), {
            monitoring: {
                alarms: {
                    errorRate: { threshold: 1.5, evaluationPeriods: 10, datapointsToAlarm: 5, periodSeconds: 120 },
                    latencyP99: false,
                    unhealthyHosts: { threshold: 2 },
                    instanceRefreshFailed: false,
                },
                dashboard: false,
            },
            traffic: { failover: false },
        }));
        expect(find(rs, "app-monitoring-5xx-rate").inputs).toMatchObject({ threshold: 1.5, evaluationPeriods: 10, datapointsToAlarm: 5 });
        expect(find(rs, "app-monitoring-5xx-rate").inputs.metricQueries[0].metric.period).toBe(120);
        expect(find(rs, "app-monitoring-primary-unhealthy-hosts").inputs.threshold).toBe(2);
        expect(() => find(rs, "app-monitoring-p99-latency")).toThrow();
        expect(byType(rs, OT.dashboard)).toEqual([]);
        expect(byType(rs, OT.rule).filter((r) => r.parent === "app-monitoring")).toEqual([]);
        // Without the failover controller, lbstack's no-healthy-host alarm is the one that tells a human.
        expect(find(rs, "app-monitoring-primary-no-healthy-hosts").inputs.alarmActions).toEqual([TOPIC_ARN]);
        const policy = JSON.parse(find(rs, "app-monitoring-topic-policy").inputs.policy);
        expect(policy.Statement.map((s: any) => s.Sid)).toEqual(["AccountManages", "CloudWatchAlarmsPublish"]);
    });

    test("a group that may scale to zero gets no no-healthy-host alarm; a group with max 0 gets no host alarms", async () => {
        const rs = await deployStack(withPatch(baseArgs(), { backup: { capacity: { min: 0, max: 0 } }, traffic: { weights: { primary: 100, backup: 0 }, failover: false } }));
        expect(byType(rs, OT.alarm).filter((a) => a.parent === "app-monitoring").map((a) => a.name).sort()).toEqual([
            "app-monitoring-5xx-rate", "app-monitoring-p99-latency", "app-monitoring-primary-no-healthy-hosts", "app-monitoring-primary-unhealthy-hosts",
        ]);
    });

    test("monitoring: false registers no monitoring resource at all", async () => {
        const rs = await deployStack(withPatch(baseArgs(), { monitoring: false }));
        expect(rs.filter((r) => r.name.startsWith("app-monitoring"))).toEqual([]);
        for (const t of [OT.topic, OT.key, OT.dashboard, OT.bucket]) expect(byType(rs, t)).toEqual([]);
        expect(find(rs, "app-lb-lb").inputs.accessLogs).toBeUndefined();
    });
});

describe("on a network load balancer", () => {
    test("host alarms use AWS/NetworkELB; no 5xx or latency alarm and no access logs (no HTTP metrics, TLS-only logs)", async () => {
        const rs = await deployStack(withPatch(baseArgs(), NLB_ARGS));
        const alarms = byType(rs, OT.alarm).filter((a) => a.parent === "app-monitoring");
        expect(alarms.map((a) => a.name).sort()).toEqual([
            "app-monitoring-backup-no-healthy-hosts", "app-monitoring-backup-unhealthy-hosts", "app-monitoring-primary-no-healthy-hosts", "app-monitoring-primary-unhealthy-hosts",
        ]);
        expect(find(rs, "app-monitoring-primary-unhealthy-hosts").inputs).toMatchObject({
            namespace: "AWS/NetworkELB", dimensions: { TargetGroup: TG.primary, LoadBalancer: suffix.network("app-lb-lb") },
        });
        expect(byType(rs, OT.bucket)).toEqual([]);
        expect(find(rs, "app-primary-asg").inputs.instanceRefresh.preferences.alarmSpecification.alarms).toEqual([
            "app-monitoring-primary-unhealthy-hosts-physical", "app-monitoring-primary-no-healthy-hosts-physical",
        ]);
        const body = JSON.parse(find(rs, "app-monitoring-dashboard").inputs.dashboardBody);
        expect(JSON.stringify(body)).not.toContain("AWS/ApplicationELB");
    });
});
