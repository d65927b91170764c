/**
 * Pure helpers for the access-log bucket (no Pulumi calls).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */

/** Key prefix of the load balancer's log files (`<prefix>/AWSLogs/<account>/elasticloadbalancing/...`); must not contain "AWSLogs". */
export const ACCESS_LOG_PREFIX = "alb";

/**
 * The service principal that delivers ELB access logs. AWS recommends it in every Region (older
 * Regions also accept the per-Region ELB account); it needs no Region-specific account id.
 */
export const ELB_LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com";

export interface BucketPolicyInput {
    partition: string;
    accountId: string;
    bucketName: string;
    prefix: string;
}

/**
 * The bucket policy: only ELB log delivery may put objects, and only under this account's log
 * path; every request over plain HTTP is denied.
 */
export function accessLogBucketPolicy(p: BucketPolicyInput): string {
    const bucketArn = `arn:${p.partition}:s3:::${p.bucketName}`;
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AllowElbLogDelivery",
                Effect: "Allow",
                Principal: { Service: ELB_LOG_DELIVERY_PRINCIPAL },
                Action: "s3:PutObject",
                Resource: `${bucketArn}/${p.prefix}/AWSLogs/${p.accountId}/*`,
            },
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
}

/** The lifecycle rule: log files expire after `retentionDays`; failed multipart uploads are cleaned up after a day. */
export function accessLogLifecycleRule(prefix: string, retentionDays: number) {
    return {
        id: "expire-access-logs",
        status: "Enabled",
        filter: { prefix: `${prefix}/` },
        expiration: { days: retentionDays },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    };
}
