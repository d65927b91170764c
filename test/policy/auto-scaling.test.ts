/** Auto-scaling group policies and the multi-AZ rule: what passes, and each violation with its message. */
import { UNKNOWN } from "../../packages/lbstack-policy/src";
import { T, albProps, groupProps, messagesOf } from "./fixtures";

describe("lbstack-asg-elb-health-check", () => {
    const policy = "lbstack-asg-elb-health-check";

    it("passes a group behind a target group with ELB checks and a grace period", async () => {
        expect(await messagesOf(policy, T.group, groupProps())).toEqual([]);
    });

    it("reports EC2 health checks, and an unset type as the AWS default EC2", async () => {
        expect(await messagesOf(policy, T.group, { ...groupProps(), healthCheckType: "EC2" })).toEqual([
            expect.stringMatching(/^healthCheckType is "EC2": .*Set healthCheckType: "ELB"\.$/),
        ]);
        const { healthCheckType, ...props } = groupProps();
        expect(await messagesOf(policy, T.group, props)).toEqual([
            expect.stringContaining('healthCheckType is not set (AWS default "EC2")'),
        ]);
    });

    it("reports a zero grace period but accepts the provider default when unset", async () => {
        expect(await messagesOf(policy, T.group, { ...groupProps(), healthCheckGracePeriod: 0 })).toEqual([
            expect.stringMatching(/^healthCheckGracePeriod is 0: .*Set healthCheckGracePeriod/),
        ]);
        const { healthCheckGracePeriod, ...props } = groupProps();
        expect(await messagesOf(policy, T.group, props)).toEqual([]);
    });

    it("reports both problems at once", async () => {
        expect(await messagesOf(policy, T.group, { ...groupProps(), healthCheckType: "EC2", healthCheckGracePeriod: 0 })).toHaveLength(2);
    });

    it("accepts ELB in a comma-separated list of check types", async () => {
        expect(await messagesOf(policy, T.group, { ...groupProps(), healthCheckType: "EC2,ELB" })).toEqual([]);
    });

    it("applies to traffic sources and classic load balancers too", async () => {
        const { targetGroupArns, ...props } = groupProps();
        expect(await messagesOf(policy, T.group, { ...props, healthCheckType: "EC2", trafficSources: [{ identifier: "tg", type: "elbv2" }] })).toHaveLength(1);
        expect(await messagesOf(policy, T.group, { ...props, healthCheckType: "EC2", loadBalancers: ["classic"] })).toHaveLength(1);
    });

    it("ignores groups with no target group, or whose target groups are unknown", async () => {
        const { targetGroupArns, ...props } = groupProps();
        expect(await messagesOf(policy, T.group, { ...props, healthCheckType: "EC2" })).toEqual([]);
        expect(await messagesOf(policy, T.group, { ...props, targetGroupArns: [], healthCheckType: "EC2" })).toEqual([]);
        expect(await messagesOf(policy, T.group, { ...props, targetGroupArns: UNKNOWN, healthCheckType: "EC2" })).toEqual([]);
    });
});

describe("lbstack-asg-launch-template-version-pinned", () => {
    const policy = "lbstack-asg-launch-template-version-pinned";

    it("passes a pinned version", async () => {
        expect(await messagesOf(policy, T.group, groupProps())).toEqual([]);
    });

    it.each(["$Latest", "$Default"])("reports %s with the field and the fix", async (version) => {
        expect(await messagesOf(policy, T.group, { ...groupProps(), launchTemplate: { id: "lt-1", version } })).toEqual([
            `launchTemplate.version is "${version}": a new template version changes the instances without a deployment or an ` +
            "instance refresh. Set it to the template's version number, e.g. launchTemplate.latestVersion.",
        ]);
    });

    it("checks the mixed instances policy and its overrides", async () => {
        const { launchTemplate, ...props } = groupProps();
        const mixedInstancesPolicy = {
            launchTemplate: {
                launchTemplateSpecification: { launchTemplateId: "lt-1", version: "$Latest" },
                overrides: [
                    { instanceType: "t3.small" },
                    { instanceType: "m6g.large", launchTemplateSpecification: { launchTemplateId: "lt-arm", version: "$Default" } },
                    { instanceType: "m6i.large", launchTemplateSpecification: { launchTemplateId: "lt-2", version: "7" } },
                ],
            },
        };
        expect(await messagesOf(policy, T.group, { ...props, mixedInstancesPolicy })).toEqual([
            expect.stringMatching(/^mixedInstancesPolicy\.launchTemplate\.launchTemplateSpecification\.version is "\$Latest"/),
            expect.stringMatching(/^mixedInstancesPolicy\.launchTemplate\.overrides\[1\]\.launchTemplateSpecification\.version is "\$Default"/),
        ]);
    });

    it("cannot tell an unset or unknown version (usually launchTemplate.latestVersion) and ignores groups without a template", async () => {
        expect(await messagesOf(policy, T.group, { ...groupProps(), launchTemplate: { id: "lt-1" } })).toEqual([]);
        expect(await messagesOf(policy, T.group, { ...groupProps(), launchTemplate: { id: UNKNOWN, version: UNKNOWN } })).toEqual([]);
        const { launchTemplate, ...props } = groupProps();
        expect(await messagesOf(policy, T.group, { ...props, launchConfiguration: "lc" })).toEqual([]);
    });
});

describe("lbstack-multi-az", () => {
    const policy = "lbstack-multi-az";

    it("passes groups and load balancers in two subnets", async () => {
        expect(await messagesOf(policy, T.group, groupProps())).toEqual([]);
        expect(await messagesOf(policy, T.lb, albProps())).toEqual([]);
        expect(await messagesOf(policy, T.albLb, { subnetMappings: [{ subnetId: "subnet-a" }, { subnetId: "subnet-b" }] })).toEqual([]);
    });

    it("reports a group in one subnet", async () => {
        expect(await messagesOf(policy, T.group, { ...groupProps(), vpcZoneIdentifiers: ["subnet-a"] })).toEqual([
            "vpcZoneIdentifiers has 1 distinct entry: one Availability Zone outage takes the group down. " +
            "Give it subnets in at least two Availability Zones.",
        ]);
    });

    it("counts distinct subnets and zones", async () => {
        expect(await messagesOf(policy, T.group, { ...groupProps(), vpcZoneIdentifiers: ["subnet-a", "subnet-a"] })).toEqual([
            expect.stringContaining("vpcZoneIdentifiers has 1 distinct entry"),
        ]);
        const { vpcZoneIdentifiers, ...props } = groupProps();
        expect(await messagesOf(policy, T.group, { ...props, availabilityZones: ["eu-west-1a"] })).toEqual([
            expect.stringContaining("availabilityZones has 1 distinct entry"),
        ]);
    });

    it.each([T.lb, T.albLb])("reports a load balancer in one subnet (%s)", async (type) => {
        expect(await messagesOf(policy, type, { ...albProps(), subnets: ["subnet-a"] })).toEqual([
            expect.stringMatching(/^subnets has 1 distinct entry: .* takes the load balancer down/),
        ]);
        expect(await messagesOf(policy, type, { subnetMappings: [{ subnetId: "subnet-a" }] })).toEqual([
            expect.stringContaining("subnetMappings has 1 distinct entry"),
        ]);
    });

    it("cannot tell unknown or missing subnet lists, and counts unknown entries as distinct", async () => {
        expect(await messagesOf(policy, T.lb, { ...albProps(), subnets: UNKNOWN })).toEqual([]);
        expect(await messagesOf(policy, T.lb, { ...albProps(), subnets: undefined })).toEqual([]);
        expect(await messagesOf(policy, T.group, { ...groupProps(), vpcZoneIdentifiers: [UNKNOWN, UNKNOWN] })).toEqual([]);
        expect(await messagesOf(policy, T.group, { ...groupProps(), vpcZoneIdentifiers: [UNKNOWN] })).toHaveLength(1);
    });
});
