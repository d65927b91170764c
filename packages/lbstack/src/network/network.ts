import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { TYPE_TOKENS } from "../common/tokens";
import { applyTransform, Transform } from "../common/transform";
import type { ResolvedNetwork } from "../stack/schema";

const NAT_STRATEGY = { "single": "Single", "one-per-az": "OnePerAz", "none": "None" } as const;

export interface NetworkArgs {
    /** The validated network spec (see `parseStackSpec`). */
    spec: ResolvedNetwork;
    /**
     * Tags of the awsx VPC lbstack creates (plus `Name`: the component's name). An existing VPC
     * (`network.vpcId`) is never changed, so they are unused there. Default: none beyond `Name`.
     */
    tags?: Record<string, string>;
    /** Per-child escape hatches. Default: none. */
    transform?: {
        /**
         * The awsx VPC, `${name}-vpc` (in a `LoadBalancedStack`, `${stack}-network-vpc`); only when
         * lbstack creates the VPC. Changes to the resource options are not applied.
         * https://docs.aws.amazon.com/vpc/latest/userguide/what-is-amazon-vpc.html
         */
        vpc?: Transform<awsx.ec2.VpcArgs>;
    };
}

/** A new awsx VPC (public and private subnets per AZ, NAT gateways) or the user's own VPC and subnets. */
export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly publicSubnetIds: pulumi.Output<string[]>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The awsx VPC, when lbstack created one. */
    readonly vpc?: awsx.ec2.Vpc;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE_TOKENS.Network, name, {}, opts);
        const spec = args.spec;
        if (spec.kind === "new") {
            const [vpcName, vpcArgs, vpcOpts] = applyTransform(args.transform?.vpc, `${name}-vpc`, {
                cidrBlock: spec.cidrBlock,
                numberOfAvailabilityZones: spec.availabilityZones,
                natGateways: { strategy: NAT_STRATEGY[spec.natGateways] },
                subnetStrategy: "Auto",
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: { ...(args.tags ?? {}), Name: name },
            } as awsx.ec2.VpcArgs, { parent: this });
            this.vpc = new awsx.ec2.Vpc(vpcName, vpcArgs, { ...vpcOpts, parent: this });
            this.vpcId = this.vpc.vpcId;
            this.publicSubnetIds = this.vpc.publicSubnetIds;
            this.privateSubnetIds = this.vpc.privateSubnetIds;
        } else {
            this.vpcId = pulumi.output(spec.vpcId);
            this.publicSubnetIds = pulumi.output(spec.publicSubnetIds);
            this.privateSubnetIds = pulumi.output(spec.privateSubnetIds);
        }
        this.spec = spec;
        this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
    }

    private readonly spec: ResolvedNetwork;
    private cidr?: pulumi.Output<string>;

    /**
     * The VPC's IPv4 CIDR: the configured block of a new VPC, or looked up (once, on first use) for
     * your own VPC, so a stack that never needs it makes no lookup.
     */
    get vpcCidr(): pulumi.Output<string> {
        if (this.cidr === undefined) {
            const spec = this.spec;
            this.cidr = spec.kind === "new" ? pulumi.output(spec.cidrBlock) : aws.ec2.getVpcOutput({ id: spec.vpcId }, { parent: this }).cidrBlock;
        }
        return this.cidr;
    }
}
