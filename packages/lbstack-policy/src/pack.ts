/**
 * The policy pack entry point that `pulumi preview --policy-pack <dir>` runs (PulumiPolicy.yaml `main`).
 * Constructing a PolicyPack starts the analyzer's gRPC server, so nothing else may import this module:
 * tests use `runPolicies` from `./testing` instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("lbstack-policy", {
    policies,
    description: "Checks load-balanced AWS stacks (ALB/NLB, listeners, target groups, launch templates, auto-scaling groups, security groups) for secure and reliable settings.",
    provider: "aws",
    tags: ["aws", "elb", "autoscaling", "ec2", "security"],
});
