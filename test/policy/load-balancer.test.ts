/** Load balancer, listener and target group policies: what passes, and each violation with its message. */
import { UNKNOWN } from "../../packages/lbstack-policy/src";
import {
    T,
    albProps,
    httpListenerProps,
    httpsListenerProps,
    messagesOf,
    res,
    targetGroupProps,
    violationsOf,
} from "./fixtures";

describe("lbstack-alb-drop-invalid-headers", () => {
    const policy = "lbstack-alb-drop-invalid-headers";

    it.each([T.lb, T.albLb])("passes an ALB that drops invalid headers (%s)", async (type) => {
        expect(await messagesOf(policy, type, albProps())).toEqual([]);
    });

    it.each([T.lb, T.albLb])("reports a missing setting as the AWS default false (%s)", async (type) => {
        const { dropInvalidHeaderFields, ...props } = albProps();
        expect(await messagesOf(policy, type, props)).toEqual([
            expect.stringContaining("dropInvalidHeaderFields is not set (AWS default false)"),
        ]);
    });

    it("reports false, names the resource and tells how to fix it", async () => {
        const violations = await violationsOf(policy, [res(T.albLb, "web", { ...albProps(), dropInvalidHeaderFields: false })]);
        expect(violations).toEqual([{
            policyName: policy,
            enforcementLevel: "mandatory",
            resourceType: T.albLb,
            resourceName: "web",
            urn: `urn:pulumi:test::lbstack::${T.albLb}::web`,
            message: expect.stringMatching(/^dropInvalidHeaderFields is false: .*Set dropInvalidHeaderFields: true\.$/),
        }]);
    });

    it("treats an unset type as an ALB and ignores network load balancers", async () => {
        const { loadBalancerType, dropInvalidHeaderFields, ...props } = albProps();
        expect(await messagesOf(policy, T.lb, props)).toHaveLength(1);
        expect(await messagesOf(policy, T.lb, { ...props, loadBalancerType: "network" })).toEqual([]);
    });
});

describe("lbstack-alb-desync-mitigation", () => {
    const policy = "lbstack-alb-desync-mitigation";

    it.each(["defensive", "strictest", undefined])("passes mode %s", async (mode) => {
        expect(await messagesOf(policy, T.lb, { ...albProps(), desyncMitigationMode: mode })).toEqual([]);
    });

    it("reports monitor with the fix", async () => {
        expect(await messagesOf(policy, T.albLb, { ...albProps(), desyncMitigationMode: "monitor" })).toEqual([
            expect.stringMatching(/^desyncMitigationMode is "monitor": .*strictest/),
        ]);
    });

    it("does not apply to network load balancers", async () => {
        expect(await messagesOf(policy, T.lb, { ...albProps(), loadBalancerType: "network", desyncMitigationMode: "monitor" })).toEqual([]);
    });
});

describe("lbstack-lb-access-logs", () => {
    const policy = "lbstack-lb-access-logs";

    it("passes enabled access logs", async () => {
        expect(await messagesOf(policy, T.lb, albProps())).toEqual([]);
    });

    it("reports missing access logs", async () => {
        const { accessLogs, ...props } = albProps();
        expect(await messagesOf(policy, T.albLb, props)).toEqual([
            expect.stringMatching(/^accessLogs is not set: .*Set accessLogs: \{ bucket, enabled: true \}/),
        ]);
    });

    it("reports a bucket without enabled: true, since enabled defaults to false", async () => {
        expect(await messagesOf(policy, T.lb, { ...albProps(), accessLogs: { bucket: "logs" } })).toEqual([
            expect.stringContaining("accessLogs.enabled is not set (default false)"),
        ]);
        expect(await messagesOf(policy, T.lb, { ...albProps(), accessLogs: { bucket: "logs", enabled: false } })).toEqual([
            expect.stringContaining("accessLogs.enabled is false"),
        ]);
    });

    it("checks network load balancers but not gateway load balancers", async () => {
        const { accessLogs, ...props } = albProps();
        expect(await messagesOf(policy, T.lb, { ...props, loadBalancerType: "network" })).toHaveLength(1);
        expect(await messagesOf(policy, T.lb, { ...props, loadBalancerType: "gateway" })).toEqual([]);
    });

    it("does not need the bucket name, which is unknown during preview", async () => {
        expect(await messagesOf(policy, T.lb, { ...albProps(), accessLogs: { bucket: UNKNOWN, enabled: true } })).toEqual([]);
    });
});

describe("lbstack-lb-deletion-protection", () => {
    const policy = "lbstack-lb-deletion-protection";

    it("passes a protected load balancer", async () => {
        expect(await messagesOf(policy, T.lb, albProps())).toEqual([]);
    });

    it("reports an unprotected one as advisory, since protection blocks destroy", async () => {
        const { enableDeletionProtection, ...props } = albProps();
        const violations = await violationsOf(policy, [res(T.albLb, "web", props)]);
        expect(violations).toEqual([expect.objectContaining({
            enforcementLevel: "advisory",
            message: expect.stringMatching(/^enableDeletionProtection is not set \(AWS default false\): .*Set enableDeletionProtection: true/),
        })]);
    });
});

describe("lbstack-listener-tls13", () => {
    const policy = "lbstack-listener-tls13";

    it.each([T.listener, T.albListener])("passes an HTTPS listener with a TLS 1.3 policy (%s)", async (type) => {
        expect(await messagesOf(policy, type, httpsListenerProps())).toEqual([]);
    });

    it("reports a missing policy as the 2016 default", async () => {
        const { sslPolicy, ...props } = httpsListenerProps();
        expect(await messagesOf(policy, T.albListener, props)).toEqual([
            expect.stringMatching(/^sslPolicy is not set \(AWS default ELBSecurityPolicy-2016-08\).*ELBSecurityPolicy-TLS13-1-2-2021-06/),
        ]);
    });

    it("reports a TLS listener on a TLS 1.2 policy", async () => {
        const props = { ...httpsListenerProps(), protocol: "TLS", sslPolicy: "ELBSecurityPolicy-TLS-1-2-2017-01" };
        expect(await messagesOf(policy, T.listener, props)).toEqual([
            expect.stringContaining('sslPolicy is "ELBSecurityPolicy-TLS-1-2-2017-01"'),
        ]);
    });

    it("ignores HTTP and TCP listeners", async () => {
        expect(await messagesOf(policy, T.listener, httpListenerProps())).toEqual([]);
        expect(await messagesOf(policy, T.listener, { ...httpListenerProps(), protocol: "TCP" })).toEqual([]);
    });
});

describe("lbstack-target-group-health-check-path", () => {
    const policy = "lbstack-target-group-health-check-path";

    it.each([T.targetGroup, T.albTargetGroup])("passes an HTTP target group with a path (%s)", async (type) => {
        expect(await messagesOf(policy, type, targetGroupProps())).toEqual([]);
    });

    it("reports a missing health check as the AWS default path", async () => {
        const { healthCheck, ...props } = targetGroupProps();
        expect(await messagesOf(policy, T.albTargetGroup, { ...props, protocol: "HTTPS" })).toEqual([
            expect.stringMatching(/^healthCheck.path is not set \(AWS default "\/"\): .*"\/healthz"/),
        ]);
    });

    it("reports a blank path and a disabled health check", async () => {
        expect(await messagesOf(policy, T.targetGroup, { ...targetGroupProps(), healthCheck: { path: " " } })).toEqual([
            expect.stringContaining('healthCheck.path is " "'),
        ]);
        expect(await messagesOf(policy, T.targetGroup, { ...targetGroupProps(), healthCheck: { enabled: false, path: "/healthz" } })).toEqual([
            expect.stringContaining("healthCheck.enabled is false"),
        ]);
    });

    it("ignores TCP and Lambda target groups", async () => {
        expect(await messagesOf(policy, T.targetGroup, { port: 8080, protocol: "TCP", vpcId: "vpc-1" })).toEqual([]);
        expect(await messagesOf(policy, T.targetGroup, { targetType: "lambda" })).toEqual([]);
    });
});

describe("lbstack-http-redirects-to-https", () => {
    const policy = "lbstack-http-redirects-to-https";
    const forwardingHttp = () => ({ ...httpListenerProps(), defaultActions: [{ type: "forward", targetGroupArn: "tg" }] });

    it("passes an HTTP listener that redirects to HTTPS", async () => {
        const stack = [res(T.listener, "https", httpsListenerProps()), res(T.listener, "http", httpListenerProps())];
        expect(await violationsOf(policy, stack)).toEqual([]);
    });

    it.each([T.listener, T.albListener])("reports an HTTP listener that forwards next to an HTTPS one (%s)", async (type) => {
        const stack = [res(type, "https", httpsListenerProps()), res(type, "http", forwardingHttp())];
        expect(await violationsOf(policy, stack)).toEqual([{
            policyName: policy,
            enforcementLevel: "mandatory",
            resourceType: type,
            resourceName: "http",
            urn: `urn:pulumi:test::lbstack::${type}::http`,
            message: expect.stringMatching(/^HTTP listener http \(port 80\) serves the app in clear text .*type: "redirect", redirect: \{ protocol: "HTTPS"/),
        }]);
    });

    it("reports a redirect that keeps HTTP", async () => {
        const keepsHttp = { ...httpListenerProps(), defaultActions: [{ type: "redirect", redirect: { port: "8080", statusCode: "HTTP_302" } }] };
        const stack = [res(T.listener, "https", httpsListenerProps()), res(T.listener, "http", keepsHttp)];
        expect(await violationsOf(policy, stack)).toHaveLength(1);
    });

    it("allows plain HTTP on a load balancer without an HTTPS listener", async () => {
        const other = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/internal/2";
        const stack = [res(T.listener, "https", httpsListenerProps()), res(T.listener, "internal-http", { ...forwardingHttp(), loadBalancerArn: other })];
        expect(await violationsOf(policy, stack)).toEqual([]);
    });

    it("groups listeners by the load balancer their ARN came from when the ARN is unknown (preview)", async () => {
        const lbUrn = `urn:pulumi:test::lbstack::${T.lb}::web`;
        const stack = [
            res(T.lb, "web", albProps()),
            { ...res(T.listener, "https", { ...httpsListenerProps(), loadBalancerArn: UNKNOWN }), propertyDependencies: { loadBalancerArn: [lbUrn] } },
            { ...res(T.listener, "http", { ...forwardingHttp(), loadBalancerArn: UNKNOWN }), propertyDependencies: { loadBalancerArn: [lbUrn] } },
        ];
        expect((await violationsOf(policy, stack)).map((v) => v.resourceName)).toEqual(["http"]);
    });

    it("does not guess when the load balancer cannot be told", async () => {
        const stack = [
            res(T.listener, "https", { ...httpsListenerProps(), loadBalancerArn: UNKNOWN }),
            res(T.listener, "http", { ...forwardingHttp(), loadBalancerArn: UNKNOWN }),
        ];
        expect(await violationsOf(policy, stack)).toEqual([]);
    });
});
