import { z } from "zod";
import { IPV4_CIDR, inputString, inputStringList, int, ipv4NetworkAddress } from "../common/zod-helpers";

const subnetIds = (which: string) => inputStringList(
    { test: (s) => /^subnet-[0-9a-f]{8,17}$/.test(s), message: "subnet IDs such as subnet-0123456789abcdef0" },
    2, `must list at least 2 ${which} subnets in different Availability Zones (a load balancer needs two AZs)`,
);

/**
 * Where the stack runs: your own VPC (`vpcId`, `publicSubnetIds`, `privateSubnetIds`: all three
 * or none) or a new VPC built by awsx (`cidrBlock`, `availabilityZones`, `natGateways`).
 */
export const NetworkSpecSchema = z.strictObject({
    /** An existing VPC ID (`vpc-…`). With publicSubnetIds and privateSubnetIds. */
    vpcId: inputString({ test: (s) => /^vpc-[0-9a-f]{8,17}$/.test(s), message: "must be a VPC ID such as vpc-0123456789abcdef0" }).optional(),
    /** Public subnets (one per AZ, at least 2) for an internet-facing load balancer. */
    publicSubnetIds: subnetIds("public").optional(),
    /** Private subnets (one per AZ, at least 2) for the instances. */
    privateSubnetIds: subnetIds("private").optional(),
    /**
     * New VPC: IPv4 CIDR, prefix /16 to /24 (awsx carves a public and a private subnet per AZ from
     * it), and at least a /25 per AZ: prefix + ⌈log₂ availabilityZones⌉ ≤ 25 (a /24 fits 2 AZs, a
     * /23 up to 4, a /22 up to 6). Default `10.0.0.0/16`.
     */
    cidrBlock: z.string().regex(IPV4_CIDR, { error: "must be an IPv4 CIDR block such as 10.0.0.0/16" })
        .refine((s) => { const p = Number(s.split("/")[1]); return p >= 16 && p <= 24; }, { error: "must have a prefix between /16 and /24 (AWS allows /16–/28 for a VPC; smaller leaves no room for a public and a private subnet per AZ)" })
        .refine((s) => ipv4NetworkAddress(s) === s, { error: "must be a network address: its host bits must be zero (AWS rejects 10.0.0.1/16; write 10.0.0.0/16)" }).optional(),
    /** New VPC: Availability Zones, 2–6. Default 2. */
    availabilityZones: int(2, 6, "AZs").optional(),
    /** New VPC: NAT gateways for outbound traffic from private subnets: `single` (cheapest), `one-per-az` (survives an AZ outage) or `none` (instances then need VPC endpoints for SSM). Default `single`. */
    natGateways: z.enum(["single", "one-per-az", "none"]).optional(),
}).superRefine((n, ctx) => {
    const own = (["vpcId", "publicSubnetIds", "privateSubnetIds"] as const).filter((k) => n[k] !== undefined);
    const created = (["cidrBlock", "availabilityZones", "natGateways"] as const).filter((k) => n[k] !== undefined);
    if (own.length > 0) {
        for (const k of ["vpcId", "publicSubnetIds", "privateSubnetIds"] as const) {
            if (n[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: `is required with ${own.join(" and ")}: give vpcId, publicSubnetIds and privateSubnetIds together, or none of them for a new VPC` });
        }
        for (const k of created) {
            ctx.addIssue({ code: "custom", path: [k], message: "only applies to a new VPC; it cannot be combined with vpcId/subnet IDs" });
        }
    }
    for (const k of ["publicSubnetIds", "privateSubnetIds"] as const) {
        const ids = n[k];
        if (Array.isArray(ids)) {
            const seen = new Set<string>();
            ids.forEach((id, i) => {
                if (typeof id !== "string") return;
                if (seen.has(id)) ctx.addIssue({ code: "custom", path: [k, i], message: "is listed twice (give one subnet per Availability Zone)" });
                seen.add(id);
            });
        }
    }
    if (own.length === 0 && n.cidrBlock !== undefined) {
        // awsx's Auto strategy splits the VPC evenly per AZ (rounded up to a power of two) and then
        // into a private and a smaller public subnet; below a /25 per AZ the public subnets come out
        // smaller than the /27 an ALB needs (8 free addresses), or awsx refuses the layout.
        const prefix = Number(n.cidrBlock.split("/")[1]);
        const azs = n.availabilityZones ?? NETWORK_DEFAULTS.availabilityZones;
        const perAz = prefix + Math.ceil(Math.log2(azs));
        if (perAz > 25) {
            ctx.addIssue({ code: "custom", path: ["cidrBlock"], message: `is too small for ${azs} AZs: each AZ would get a /${perAz}, and a public subnet big enough for the load balancer needs at least a /25 per AZ (use a /${25 - Math.ceil(Math.log2(azs))} or larger, or fewer AZs)` });
        }
    }
});
export type NetworkSpec = z.input<typeof NetworkSpecSchema>;

export const NETWORK_DEFAULTS = { cidrBlock: "10.0.0.0/16", availabilityZones: 2, natGateways: "single" } as const;
