/**
 * Pure helpers for the alarm topic and its key (no Pulumi calls).
 *
 * Why a customer managed key and not the AWS managed `alias/aws/sns`: the AWS managed key's
 * policy cannot be changed and does not let CloudWatch alarms or EventBridge use it, so a topic
 * encrypted with it silently drops every alarm ("CloudWatch Alarms does not have authorization
 * to access the SNS topic encryption key").
 * https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */

/** The services that publish to the topic: CloudWatch alarms and EventBridge rules. */
export const TOPIC_PUBLISHERS = ["cloudwatch.amazonaws.com", "events.amazonaws.com"] as const;

/** The key policy: the account administers the key through IAM; the publishers may encrypt messages with it. */
export function topicKeyPolicy(p: { partition: string; accountId: string }): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersThroughIam",
                Effect: "Allow",
                Principal: { AWS: `arn:${p.partition}:iam::${p.accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "AlarmsAndEventsPublishEncrypted",
                Effect: "Allow",
                Principal: { Service: [...TOPIC_PUBLISHERS] },
                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                Resource: "*",
            },
        ],
    });
}

export interface TopicPolicyInput {
    partition: string;
    region: string;
    accountId: string;
    topicArn: string;
    /** The EventBridge rule allowed to publish (failed instance refreshes), if any. */
    eventRuleArn?: string;
}

/**
 * The topic policy: the account manages the topic; CloudWatch alarms of this account and Region,
 * and only the stack's EventBridge rule, may publish.
 */
export function alarmTopicPolicy(p: TopicPolicyInput): string {
    const statements: Record<string, unknown>[] = [
        {
            Sid: "AccountManages",
            Effect: "Allow",
            Principal: { AWS: `arn:${p.partition}:iam::${p.accountId}:root` },
            Action: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission", "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"],
            Resource: p.topicArn,
        },
        {
            Sid: "CloudWatchAlarmsPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: p.topicArn,
            Condition: {
                ArnLike: { "aws:SourceArn": `arn:${p.partition}:cloudwatch:${p.region}:${p.accountId}:alarm:*` },
                StringEquals: { "aws:SourceAccount": p.accountId },
            },
        },
    ];
    if (p.eventRuleArn) {
        statements.push({
            Sid: "RefreshFailedRulePublishes",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: p.topicArn,
            Condition: { ArnEquals: { "aws:SourceArn": p.eventRuleArn } },
        });
    }
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
