/**
 * A canary rollout with lbstack: the backup group runs the new image and gets `canaryWeight`
 * percent of the requests; the primary group keeps the current image and gets the rest. Step the
 * weight up by config (10 → 50 → 100), then promote: both groups on the new image, weights back
 * to 90/10. See the README for the exact `pulumi config set` sequence.
 *
 * Config (all optional):
 * - `image`: the current image, an AMI id (`ami-…`) or an SSM parameter name (`/…`).
 *   Default: Amazon Linux 2023 with the 6.1 kernel.
 * - `canaryImage`: the image being rolled out, same forms. Default: Amazon Linux 2023 with the
 *   6.12 kernel.
 * - `canaryWeight`: percent of requests for the canary, a whole number 0–100. Default 10.
 * - `promoted`: `true` once the canary has won. Default `false`.
 */
import * as pulumi from "@pulumi/pulumi";
import { InstanceSpec, LoadBalancedStack, demoUserData } from "lbstack";

type Image = NonNullable<InstanceSpec["image"]>;

/** `ami-…` pins an AMI; anything else is the name of an SSM parameter that holds an AMI id. */
function image(value: string): Image {
    return value.startsWith("ami-") ? { amiId: value } : { ssmParameter: value };
}

const config = new pulumi.Config();
const current = image(config.get("image") ?? "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64");
const canary = image(config.get("canaryImage") ?? "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.12-x86_64");
const promoted = config.getBoolean("promoted") ?? false;
const canaryWeight = config.getNumber("canaryWeight") ?? 10;
if (!Number.isInteger(canaryWeight) || canaryWeight < 0 || canaryWeight > 100) {
    throw new Error(`canaryWeight (${canaryWeight}) must be a whole number of percent from 0 to 100`);
}

const stack = new LoadBalancedStack("app", {
    // Promoted: the new image is everyone's. Until then the shared spec keeps the current one
    // and only the backup group overrides it.
    instance: { vcpus: 2, memoryGiB: 4, image: promoted ? canary : current },
    primary: { capacity: { min: 2, max: 6 }, healthCheck: { path: "/health" }, instance: { userData: demoUserData("primary") } },
    backup: {
        // The canary group may have to carry every request at canaryWeight 100: same max as the primary.
        capacity: { min: 1, max: 6 },
        healthCheck: { path: "/health" },
        instance: { userData: demoUserData("backup"), ...(promoted ? {} : { image: canary }) },
    },
    // Percent weights: primary + backup = 100, so each weight is the group's share of requests.
    // Failover stays on: a canary that fails its health checks loses its traffic to the primary.
    traffic: { weights: promoted ? { primary: 90, backup: 10 } : { primary: 100 - canaryWeight, backup: canaryWeight } },
    // An example is meant to be torn down: let pulumi destroy delete the access logs too (lbstack's
    // default keeps them, and a destroy then stops at the non-empty bucket). Leave this out in production.
    monitoring: { accessLogs: { forceDestroy: true } },
});

export const url = stack.url;
export const primaryGroupName = stack.primaryGroupName;
export const backupGroupName = stack.backupGroupName;
/** The canary's share of requests in percent while both groups are healthy. */
export const canaryPercent = promoted ? null : canaryWeight;
