/**
 * lbstack in a VPC you already have: the load balancer goes in your public subnets, the
 * instances in your private subnets, and lbstack creates no VPC, subnet, NAT gateway or route.
 *
 * Config (set all three before `pulumi up`):
 * - `vpcId`: `vpc-…`
 * - `publicSubnetIds`: at least two `subnet-…` ids in different Availability Zones
 * - `privateSubnetIds`: at least two `subnet-…` ids in different Availability Zones, with
 *   outbound HTTPS (a NAT gateway, or VPC endpoints for SSM) so the instances can reach AWS APIs
 *
 * Without config the program uses placeholder ids, enough for `pulumi preview` and
 * `lbstack plan`; `pulumi up` refuses them.
 */
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancedStack, demoUserData } from "lbstack";

const PLACEHOLDERS = {
    vpcId: "vpc-0123456789abcdef0",
    publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    privateSubnetIds: ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"],
};

const config = new pulumi.Config();
const vpcId = config.get("vpcId") ?? PLACEHOLDERS.vpcId;
const publicSubnetIds = config.getObject<string[]>("publicSubnetIds") ?? PLACEHOLDERS.publicSubnetIds;
const privateSubnetIds = config.getObject<string[]>("privateSubnetIds") ?? PLACEHOLDERS.privateSubnetIds;

const unset = (["vpcId", "publicSubnetIds", "privateSubnetIds"] as const).filter((key) => config.get(key) === undefined);
if (unset.length > 0) {
    const message = `placeholder ids for ${unset.join(", ")}: set them with pulumi config set (see README.md) before pulumi up`;
    // A preview (and lbstack plan) shows what would be built; a deploy with made-up ids would fail halfway.
    if (!pulumi.runtime.isDryRun()) throw new Error(message);
    pulumi.log.warn(message);
}

const stack = new LoadBalancedStack("app", {
    network: { vpcId, publicSubnetIds, privateSubnetIds },
    instance: { vcpus: 2, memoryGiB: 4 },
    primary: { capacity: { min: 2, max: 6 }, healthCheck: { path: "/health" }, instance: { userData: demoUserData("primary") } },
    backup: { capacity: { min: 1, max: 3 }, healthCheck: { path: "/health" }, instance: { userData: demoUserData("backup") } },
    // An example is meant to be torn down: let pulumi destroy delete the access logs too (lbstack's
    // default keeps them, and a destroy then stops at the non-empty bucket). Leave this out in production.
    monitoring: { accessLogs: { forceDestroy: true } },
});

export const url = stack.url;
export const primaryGroupName = stack.primaryGroupName;
export const backupGroupName = stack.backupGroupName;
