/** Policies on load balancers, listeners and target groups (aws.lb.* and their aws.alb.* aliases). */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { LISTENER, LOAD_BALANCER, TARGET_GROUP, isNonBlank, readKnown, shown, validateResourceOfTypes } from "../util";

// The provider's default type is "application"; headers and desync only concern ALBs, which parse HTTP.
const isApplication = (lb: { loadBalancerType?: string }) => (lb.loadBalancerType ?? "application") === "application";

/**
 * The ALB drops header fields that are not valid HTTP instead of passing them to targets. Why: malformed
 * headers are the raw material of HTTP desync and request smuggling against the app servers.
 */
export const albDropInvalidHeaders: ResourceValidationPolicy = {
    name: "lbstack-alb-drop-invalid-headers",
    description: "Application Load Balancers drop invalid HTTP header fields. [ELB.4] [CKV_AWS_131]",
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: validateResourceOfTypes(LOAD_BALANCER, (lb, args, reportViolation) => {
        if (!isApplication(lb)) return args.notApplicable("Only Application Load Balancers parse HTTP headers.");
        // A plain setting whose AWS default is false, so leaving it out is itself the violation.
        if (lb.dropInvalidHeaderFields !== true) {
            reportViolation(
                `dropInvalidHeaderFields is ${shown(lb.dropInvalidHeaderFields, "AWS default false")}: the ALB forwards ` +
                "malformed headers to the instances. Set dropInvalidHeaderFields: true.",
            );
        }
    }),
};

/**
 * Desync mitigation is `defensive` or `strictest`. Why: `monitor` lets ambiguous requests through to targets,
 * which reopens HTTP request smuggling.
 */
export const albDesyncMitigation: ResourceValidationPolicy = {
    name: "lbstack-alb-desync-mitigation",
    description: "Application Load Balancers use the defensive or strictest desync mitigation mode, never monitor. [ELB.12] [CKV_AWS_328]",
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: validateResourceOfTypes(LOAD_BALANCER, (lb, args, reportViolation) => {
        if (!isApplication(lb)) return args.notApplicable("Desync mitigation applies to Application Load Balancers.");
        // Unset means the AWS default, "defensive", which passes.
        if (lb.desyncMitigationMode === "monitor") {
            reportViolation(
                'desyncMitigationMode is "monitor": requests that may be smuggled still reach the instances. ' +
                'Remove the setting (AWS default "defensive") or set desyncMitigationMode: "strictest".',
            );
        }
    }),
};

/**
 * Access logs are on. Why: they are the only per-request record of who called the app, needed to
 * investigate incidents and to see what the load balancer did during a failover.
 */
export const lbAccessLogs: ResourceValidationPolicy = {
    name: "lbstack-lb-access-logs",
    description: "Load balancers write access logs to S3. [ELB.5] [AwsSolutions-ELB2] [CKV_AWS_91]",
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: validateResourceOfTypes(LOAD_BALANCER, (lb, args, reportViolation) => {
        if (lb.loadBalancerType === "gateway") return args.notApplicable("Gateway Load Balancers have no access logs.");
        // accessLogs.enabled defaults to false even when a bucket is given, so unset is a violation. The bucket
        // itself is not read: it is usually another resource's output, unknown during preview.
        const enabled = lb.accessLogs === undefined ? undefined : lb.accessLogs.enabled;
        if (enabled !== true) {
            const what = lb.accessLogs === undefined ? "accessLogs is not set" : `accessLogs.enabled is ${shown(enabled, "default false")}`;
            reportViolation(
                `${what}: no request is recorded. Set accessLogs: { bucket, enabled: true } with a bucket whose ` +
                "policy lets Elastic Load Balancing write to it.",
            );
        }
    }),
};

/**
 * Deletion protection is on. Advisory, because it also blocks `pulumi destroy` and every replacement of the
 * load balancer: production stacks should turn it on, short-lived stacks may leave it off.
 */
export const lbDeletionProtection: ResourceValidationPolicy = {
    name: "lbstack-lb-deletion-protection",
    description: "Load balancers have deletion protection on (advisory: it blocks destroy and replacement). [ELB.6] [CKV_AWS_150]",
    enforcementLevel: "advisory",
    severity: "low",
    validateResource: validateResourceOfTypes(LOAD_BALANCER, (lb, _args, reportViolation) => {
        if (lb.enableDeletionProtection !== true) {
            reportViolation(
                `enableDeletionProtection is ${shown(lb.enableDeletionProtection, "AWS default false")}: anyone with ` +
                "delete rights can take the load balancer down. Set enableDeletionProtection: true for production " +
                "(turn it off again before destroying the stack).",
            );
        }
    }),
};

const protocolOf = (listener: { protocol?: string }) => listener.protocol?.toUpperCase();

/**
 * HTTPS and TLS listeners use a TLS 1.3 security policy. Why: the default policy (ELBSecurityPolicy-2016-08)
 * still accepts TLS 1.0 and 1.1 and weak ciphers.
 */
export const listenerTls13: ResourceValidationPolicy = {
    name: "lbstack-listener-tls13",
    description: "HTTPS and TLS listeners use a TLS 1.3 security policy (ELBSecurityPolicy-TLS13-*). [ELB.17] [CKV_AWS_103]",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: validateResourceOfTypes(LISTENER, (listener, args, reportViolation) => {
        const protocol = protocolOf(listener);
        // An unset protocol defaults to HTTP or TCP depending on the load balancer: not a TLS listener here.
        if (protocol !== "HTTPS" && protocol !== "TLS") return args.notApplicable("Only HTTPS and TLS listeners have a security policy.");
        if (!listener.sslPolicy?.includes("TLS13")) {
            reportViolation(
                `sslPolicy is ${shown(listener.sslPolicy, "AWS default ELBSecurityPolicy-2016-08")}, which allows TLS ` +
                'versions older than 1.3. Set sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" (or a newer TLS13 policy).',
            );
        }
    }),
};

/**
 * HTTP/HTTPS target groups check a path the app answers. Why: the load balancer and the ELB health checks of
 * the auto-scaling groups decide from it which instances get traffic and which are replaced; the default "/"
 * often answers 200 while the app behind it is broken.
 */
export const targetGroupHealthCheckPath: ResourceValidationPolicy = {
    name: "lbstack-target-group-health-check-path",
    description: "HTTP and HTTPS target groups define a health check path. [CKV_AWS_261]",
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: validateResourceOfTypes(TARGET_GROUP, (tg, args, reportViolation) => {
        const protocol = tg.protocol?.toUpperCase();
        if (tg.targetType === "lambda" || (protocol !== "HTTP" && protocol !== "HTTPS")) {
            return args.notApplicable("Only HTTP and HTTPS target groups have a health check path.");
        }
        const check = tg.healthCheck;
        if (check?.enabled === false) {
            reportViolation("healthCheck.enabled is false: unhealthy instances keep receiving traffic. Remove enabled: false and set healthCheck.path.");
        } else if (!isNonBlank(check?.path)) {
            // A plain setting; unset means AWS checks "/", which rarely reflects the app's health.
            reportViolation(
                `healthCheck.path is ${shown(check?.path, 'AWS default "/"')}: the health check does not test the app. ` +
                'Set healthCheck.path to an endpoint that checks the app and its dependencies, e.g. "/healthz".',
            );
        }
    }),
};

/** The load balancer a listener belongs to: its ARN when known, else the URN its `loadBalancerArn` came from. */
function loadBalancerOf(listener: PolicyResource): string | undefined {
    const arn = readKnown(() => listener.props.loadBalancerArn);
    if (typeof arn === "string" && arn !== "") return arn;
    return listener.propertyDependencies?.loadBalancerArn?.[0]?.urn;
}

const redirectsToHttps = (listener: PolicyResource) =>
    (readKnown(() => listener.props.defaultActions) ?? []).some(
        (a: any) => a?.type === "redirect" && String(a.redirect?.protocol ?? "").toUpperCase() === "HTTPS",
    );

/**
 * On a load balancer that has an HTTPS listener, HTTP listeners only redirect to HTTPS. Why: otherwise the
 * same app is also served in clear text, and clients that typed http:// never get the encrypted site. A stack
 * policy, because it compares listeners of one load balancer.
 */
export const httpRedirectsToHttps: StackValidationPolicy = {
    name: "lbstack-http-redirects-to-https",
    description: "HTTP listeners redirect to HTTPS when the same load balancer has an HTTPS listener. [ELB.1] [CKV2_AWS_20] [CKV_AWS_2]",
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const listeners = args.resources.filter((r) => LISTENER.some((c) => r.isType(c)));
        if (listeners.length === 0) return args.notApplicable("The stack has no listeners.");
        const byLoadBalancer = new Map<string, PolicyResource[]>();
        for (const listener of listeners) {
            const lb = loadBalancerOf(listener);
            // Listeners whose load balancer cannot be told are left out rather than guessed.
            if (lb !== undefined) byLoadBalancer.set(lb, [...(byLoadBalancer.get(lb) ?? []), listener]);
        }
        for (const group of byLoadBalancer.values()) {
            const protocols = group.map((l) => String(readKnown(() => l.props.protocol) ?? "").toUpperCase());
            if (!protocols.includes("HTTPS")) continue;
            group.forEach((listener, i) => {
                if (protocols[i] !== "HTTP" || redirectsToHttps(listener)) return;
                const port = readKnown(() => listener.props.port);
                reportViolation(
                    `HTTP listener ${listener.name}${port === undefined ? "" : ` (port ${port})`} serves the app in clear ` +
                    "text next to an HTTPS listener. Make its default action " +
                    '{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }.',
                    listener.urn,
                );
            });
        }
    },
};

/** The load balancer, listener and target group policies, in pack order. */
export const loadBalancerPolicies = [
    albDropInvalidHeaders,
    albDesyncMitigation,
    lbAccessLogs,
    lbDeletionProtection,
    listenerTls13,
    targetGroupHealthCheckPath,
    httpRedirectsToHttps,
];
