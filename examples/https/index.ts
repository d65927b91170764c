/**
 * HTTPS with lbstack: an ACM certificate from config on port 443, the TLS 1.3 security policy,
 * and port 80 answering every request with a 301 redirect to HTTPS.
 *
 * Config:
 * - `certificateArn`: an ACM certificate in the stack's region, issued for the name your users
 *   will type (point that name at the `dnsName` output). Required for `pulumi up`; without it the
 *   program uses a placeholder ARN, enough for `pulumi preview` and `lbstack plan`.
 * - `sslPolicy` (optional): an ELB security policy. Default `ELBSecurityPolicy-TLS13-1-2-2021-06`
 *   (TLS 1.3 and 1.2); `ELBSecurityPolicy-TLS13-1-3-2021-06` accepts TLS 1.3 only.
 */
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancedStack, demoUserData } from "lbstack";

const PLACEHOLDER_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";

const config = new pulumi.Config();
const certificateArn = config.get("certificateArn") ?? PLACEHOLDER_CERTIFICATE;
if (certificateArn === PLACEHOLDER_CERTIFICATE) {
    const message = "certificateArn is the placeholder: pulumi config set certificateArn arn:aws:acm:… (see README.md) before pulumi up";
    if (!pulumi.runtime.isDryRun()) throw new Error(message);
    pulumi.log.warn(message);
}

const stack = new LoadBalancedStack("app", {
    instance: { vcpus: 2, memoryGiB: 4 },
    primary: { capacity: { min: 2, max: 6 }, healthCheck: { path: "/health" }, instance: { userData: demoUserData("primary") } },
    backup: { capacity: { min: 1, max: 3 }, healthCheck: { path: "/health" }, instance: { userData: demoUserData("backup") } },
    loadBalancer: {
        listener: {
            // A certificate turns the listener into HTTPS on 443.
            certificateArn,
            sslPolicy: config.get("sslPolicy") ?? "ELBSecurityPolicy-TLS13-1-2-2021-06",
            // Port 80 stays open only to send a 301 to https:// (the lbstack default with a certificate, written out).
            redirectHttpToHttps: true,
        },
    },
    // An example is meant to be torn down: let pulumi destroy delete the access logs too (lbstack's
    // default keeps them, and a destroy then stops at the non-empty bucket). Leave this out in production.
    monitoring: { accessLogs: { forceDestroy: true } },
});

/** `https://` URL of the load balancer (its DNS name is not on your certificate: use your own name). */
export const url = stack.url;
/** Point your DNS name (CNAME, or a Route 53 alias) at this. */
export const dnsName = stack.dnsName;
export const primaryGroupName = stack.primaryGroupName;
export const backupGroupName = stack.backupGroupName;
