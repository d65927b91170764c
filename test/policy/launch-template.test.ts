/** Launch template (and launch configuration) policies: what passes, and each violation with its message. */
import { UNKNOWN } from "../../packages/lbstack-policy/src";
import { T, launchTemplateProps, messagesOf } from "./fixtures";

describe("lbstack-imdsv2-required", () => {
    const policy = "lbstack-imdsv2-required";
    const fix = 'Set metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 }.';

    it("passes required tokens with hop limit 1", async () => {
        expect(await messagesOf(policy, T.launchTemplate, launchTemplateProps())).toEqual([]);
    });

    it("reports missing metadata options, since absence leaves IMDSv1 on", async () => {
        const { metadataOptions, ...props } = launchTemplateProps();
        expect(await messagesOf(policy, T.launchTemplate, props)).toEqual([
            `metadataOptions is not set, so instances accept IMDSv1 unless the AMI or account says otherwise. ${fix}`,
        ]);
    });

    it("reports optional or unset tokens", async () => {
        expect(await messagesOf(policy, T.launchTemplate, { ...launchTemplateProps(), metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } })).toEqual([
            `metadataOptions.httpTokens is "optional": IMDSv1 stays open. ${fix}`,
        ]);
        expect(await messagesOf(policy, T.launchTemplate, { ...launchTemplateProps(), metadataOptions: { httpPutResponseHopLimit: 1 } })).toEqual([
            expect.stringContaining('metadataOptions.httpTokens is not set (default "optional")'),
        ]);
    });

    it("reports a hop limit above 1 or left to the AMI", async () => {
        expect(await messagesOf(policy, T.launchTemplate, { ...launchTemplateProps(), metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } })).toEqual([
            expect.stringMatching(/^metadataOptions\.httpPutResponseHopLimit is 2: /),
        ]);
        expect(await messagesOf(policy, T.launchTemplate, { ...launchTemplateProps(), metadataOptions: { httpTokens: "required" } })).toEqual([
            expect.stringContaining("httpPutResponseHopLimit is not set (inherits the AMI default, 2 on Amazon Linux 2023)"),
        ]);
    });

    it("passes a disabled metadata endpoint", async () => {
        expect(await messagesOf(policy, T.launchTemplate, { ...launchTemplateProps(), metadataOptions: { httpEndpoint: "disabled" } })).toEqual([]);
    });
});

describe("lbstack-no-public-ip", () => {
    const policy = "lbstack-no-public-ip";

    it("passes interfaces without a public IP, or without the setting", async () => {
        expect(await messagesOf(policy, T.launchTemplate, launchTemplateProps())).toEqual([]);
        expect(await messagesOf(policy, T.launchTemplate, { ...launchTemplateProps(), networkInterfaces: [{ deviceIndex: 0 }] })).toEqual([]);
        const { networkInterfaces, ...props } = launchTemplateProps();
        expect(await messagesOf(policy, T.launchTemplate, props)).toEqual([]);
    });

    it.each(["true", true])("reports associatePublicIpAddress %p on an interface", async (value) => {
        const networkInterfaces = [{ deviceIndex: 0 }, { deviceIndex: 1, associatePublicIpAddress: value }];
        expect(await messagesOf(policy, T.launchTemplate, { ...launchTemplateProps(), networkInterfaces })).toEqual([
            `networkInterfaces[1].associatePublicIpAddress is ${JSON.stringify(value)}: instances are reachable from the internet. ` +
            "Remove associatePublicIpAddress (or set it to false) and launch into private subnets.",
        ]);
    });

    it("reports a launch configuration that assigns public IPs", async () => {
        expect(await messagesOf(policy, T.launchConfiguration, { imageId: "ami-1", instanceType: "t3.small", associatePublicIpAddress: true })).toEqual([
            expect.stringMatching(/^associatePublicIpAddress is true: every instance the group launches/),
        ]);
        expect(await messagesOf(policy, T.launchConfiguration, { imageId: "ami-1", instanceType: "t3.small", associatePublicIpAddress: false })).toEqual([]);
    });
});

describe("lbstack-ebs-encrypted", () => {
    const policy = "lbstack-ebs-encrypted";

    it("passes encrypted volumes (string or boolean) and non-EBS mappings", async () => {
        expect(await messagesOf(policy, T.launchTemplate, launchTemplateProps())).toEqual([]);
        const blockDeviceMappings = [
            { deviceName: "/dev/xvda", ebs: { encrypted: true } },
            { deviceName: "/dev/sdb", virtualName: "ephemeral0" },
            { deviceName: "/dev/sdc", noDevice: "" },
        ];
        expect(await messagesOf(policy, T.launchTemplate, { ...launchTemplateProps(), blockDeviceMappings })).toEqual([]);
    });

    it("reports each unencrypted or unset volume with its device", async () => {
        const blockDeviceMappings = [
            { deviceName: "/dev/xvda", ebs: { encrypted: "true" } },
            { deviceName: "/dev/sdf", ebs: { encrypted: "false", volumeSize: 100 } },
            { ebs: { volumeSize: 50 } },
        ];
        expect(await messagesOf(policy, T.launchTemplate, { ...launchTemplateProps(), blockDeviceMappings })).toEqual([
            expect.stringMatching(/^blockDeviceMappings\[1\] \(\/dev\/sdf\)\.ebs\.encrypted is "false": .*Set ebs\.encrypted: "true"/),
            expect.stringMatching(/^blockDeviceMappings\[2\]\.ebs\.encrypted is not set \(account default, unencrypted unless changed\)/),
        ]);
    });

    it("has nothing to check without block device mappings", async () => {
        const { blockDeviceMappings, ...props } = launchTemplateProps();
        expect(await messagesOf(policy, T.launchTemplate, props)).toEqual([]);
    });
});

describe("lbstack-instance-profile", () => {
    const policy = "lbstack-instance-profile";

    it("passes a profile by arn or name, or one whose arn is unknown before deploy", async () => {
        expect(await messagesOf(policy, T.launchTemplate, launchTemplateProps())).toEqual([]);
        expect(await messagesOf(policy, T.launchTemplate, { ...launchTemplateProps(), iamInstanceProfile: { name: "app" } })).toEqual([]);
        expect(await messagesOf(policy, T.launchTemplate, { ...launchTemplateProps(), iamInstanceProfile: { arn: UNKNOWN } })).toEqual([]);
    });

    it("reports a missing profile", async () => {
        const { iamInstanceProfile, ...props } = launchTemplateProps();
        expect(await messagesOf(policy, T.launchTemplate, props)).toEqual([
            expect.stringMatching(/^iamInstanceProfile is not set: .*Set iamInstanceProfile: \{ arn: profile\.arn \}/),
        ]);
    });

    it("reports an empty arn and name", async () => {
        expect(await messagesOf(policy, T.launchTemplate, { ...launchTemplateProps(), iamInstanceProfile: { arn: "", name: " " } })).toEqual([
            expect.stringContaining("iamInstanceProfile has an empty arn and name"),
        ]);
    });
});
