/** Security group policies over inline rules, vpc rule resources and legacy rules: what passes, and each violation. */
import { UNKNOWN } from "../../packages/lbstack-policy/src";
import { T, appIngressRuleProps, lbSecurityGroupProps, messagesOf, res, violationsOf } from "./fixtures";

const group = (ingress: object[], egress: object[] = []) => ({ description: "test group", ingress, egress });
const world = (protocol: string, fromPort: number, toPort: number, extra: object = {}) =>
    ({ protocol, fromPort, toPort, cidrBlocks: ["0.0.0.0/0"], description: "from anywhere", ...extra });
const worldRule = (ipProtocol: string, fromPort?: number, toPort?: number) =>
    ({ securityGroupId: "sg-1", ipProtocol, fromPort, toPort, cidrIpv4: "0.0.0.0/0", description: "from anywhere" });

describe("lbstack-sg-no-world-ingress", () => {
    const policy = "lbstack-sg-no-world-ingress";

    it("passes world access to the listener ports 80 and 443 (IPv4 and IPv6)", async () => {
        expect(await messagesOf(policy, T.securityGroup, lbSecurityGroupProps())).toEqual([]);
    });

    it("passes rules from other groups or private CIDRs, and world egress", async () => {
        expect(await messagesOf(policy, T.ingressRule, appIngressRuleProps())).toEqual([]);
        expect(await messagesOf(policy, T.securityGroup, group([{ ...world("tcp", 8080, 8080), cidrBlocks: ["10.0.0.0/8"] }], [world("-1", 0, 0)]))).toEqual([]);
        expect(await messagesOf(policy, T.egressRule, worldRule("-1"))).toEqual([]);
    });

    it("reports an inline rule opening another port to the world, naming it and the fix", async () => {
        expect(await messagesOf(policy, T.securityGroup, group([world("tcp", 443, 443), world("tcp", 8080, 8080)]))).toEqual([
            "ingress[1] opens tcp 8080 to 0.0.0.0/0; only ports [80,443] may be open to the world. Allow the source security " +
            "group (e.g. the load balancer's) or a narrow CIDR instead, or add the listener port to this policy's allowedPorts config.",
        ]);
    });

    it("reports ranges, all protocols, ICMP and IPv6", async () => {
        const messages = await messagesOf(policy, T.securityGroup, group([
            world("tcp", 80, 443),
            world("-1", 0, 0),
            world("icmp", -1, -1),
            { protocol: "udp", fromPort: 53, toPort: 53, ipv6CidrBlocks: ["::/0"], description: "dns" },
        ]));
        expect(messages).toEqual([
            expect.stringMatching(/^ingress\[0\] opens tcp 80-443 to 0\.0\.0\.0\/0/),
            expect.stringMatching(/^ingress\[1\] opens all protocols and ports to 0\.0\.0\.0\/0/),
            expect.stringMatching(/^ingress\[2\] opens protocol icmp to 0\.0\.0\.0\/0/),
            expect.stringMatching(/^ingress\[3\] opens udp 53 to ::\/0/),
        ]);
    });

    it("checks vpc ingress rule resources and legacy ingress rules, not legacy egress rules", async () => {
        expect(await messagesOf(policy, T.ingressRule, worldRule("tcp", 8443, 8443))).toEqual([expect.stringMatching(/^rule opens tcp 8443 to 0\.0\.0\.0\/0/)]);
        expect(await messagesOf(policy, T.ingressRule, worldRule("-1"))).toEqual([expect.stringMatching(/^rule opens all protocols and ports/)]);
        const legacy = { type: "ingress", securityGroupId: "sg-1", ...world("6", 9000, 9000) };
        expect(await messagesOf(policy, T.legacyRule, legacy)).toEqual([expect.stringMatching(/^rule opens tcp 9000 to 0\.0\.0\.0\/0/)]);
        expect(await messagesOf(policy, T.legacyRule, { ...legacy, type: "egress" })).toEqual([]);
    });

    it("takes the allowed ports from policy config", async () => {
        const config = { "lbstack-sg-no-world-ingress": { allowedPorts: [443, 8443] } };
        expect(await messagesOf(policy, T.ingressRule, worldRule("tcp", 8443, 8443), { config })).toEqual([]);
        expect(await messagesOf(policy, T.ingressRule, worldRule("tcp", 80, 80), { config })).toEqual([
            expect.stringContaining("only ports [443,8443] may be open to the world"),
        ]);
    });

    it("cannot tell unknown ports or protocols", async () => {
        expect(await messagesOf(policy, T.ingressRule, { ...worldRule("tcp"), fromPort: undefined })).toEqual([]);
        expect(await messagesOf(policy, T.securityGroup, group([{ ...world("tcp", 0, 0), fromPort: UNKNOWN }]))).toEqual([
            expect.stringContaining("can't run policy 'lbstack-sg-no-world-ingress' during preview"),
        ]);
    });
});

describe("lbstack-sg-no-world-ssh-rdp", () => {
    const policy = "lbstack-sg-no-world-ssh-rdp";

    it("passes the load balancer group and SSH from a private network", async () => {
        expect(await messagesOf(policy, T.securityGroup, lbSecurityGroupProps())).toEqual([]);
        expect(await messagesOf(policy, T.securityGroup, group([{ ...world("tcp", 22, 22), cidrBlocks: ["10.0.0.0/16"] }]))).toEqual([]);
    });

    it("reports SSH from the world with the fix", async () => {
        expect(await messagesOf(policy, T.securityGroup, group([world("tcp", 22, 22)]))).toEqual([
            "ingress[0] opens SSH (22) to 0.0.0.0/0 (tcp 22). Remove the rule and use SSM Session Manager, or allow only a bastion's security group.",
        ]);
    });

    it("reports RDP and port ranges or all-protocol rules that include them", async () => {
        expect(await messagesOf(policy, T.ingressRule, { ...worldRule("udp", 3389, 3389), cidrIpv4: undefined, cidrIpv6: "::/0" })).toEqual([
            expect.stringMatching(/^rule opens RDP \(3389\) to ::\/0/),
        ]);
        expect(await messagesOf(policy, T.securityGroup, group([world("tcp", 0, 65535), world("-1", 0, 0)]))).toEqual([
            expect.stringMatching(/^ingress\[0\] opens SSH \(22\) and RDP \(3389\) to 0\.0\.0\.0\/0 \(tcp 0-65535\)/),
            expect.stringMatching(/^ingress\[1\] opens SSH \(22\) and RDP \(3389\) to 0\.0\.0\.0\/0 \(all protocols and ports\)/),
        ]);
    });

    it("is not lifted by allowing port 22 in the world-ingress config", async () => {
        const config = { "lbstack-sg-no-world-ingress": { allowedPorts: [22, 443] } };
        const violations = await violationsOf(policy, [res(T.ingressRule, "ssh", worldRule("tcp", 22, 22))], { config });
        expect(violations.map((v) => v.policyName)).toEqual([policy]);
        expect(await violationsOf("lbstack-sg-no-world-ingress", [res(T.ingressRule, "ssh", worldRule("tcp", 22, 22))], { config })).toEqual([]);
    });
});

describe("lbstack-sg-descriptions", () => {
    const policy = "lbstack-sg-descriptions";

    it("passes described groups and rules", async () => {
        expect(await messagesOf(policy, T.securityGroup, lbSecurityGroupProps())).toEqual([]);
        expect(await messagesOf(policy, T.ingressRule, appIngressRuleProps())).toEqual([]);
    });

    it("reports a group without a description, or with the provider's placeholder", async () => {
        const { description, ...props } = lbSecurityGroupProps();
        expect(await messagesOf(policy, T.securityGroup, props)).toEqual([
            expect.stringMatching(/^description is not set \(provider default "Managed by Pulumi"\): say what the group protects/),
        ]);
        expect(await messagesOf(policy, T.securityGroup, { ...props, description: "Managed by Pulumi" })).toEqual([
            expect.stringContaining('description is "Managed by Pulumi"'),
        ]);
        expect(await messagesOf(policy, T.securityGroup, { ...props, description: "  " })).toHaveLength(1);
    });

    it("reports each inline rule without a description", async () => {
        const { description, ...withoutDescription } = world("tcp", 443, 443);
        const props = { ...lbSecurityGroupProps(), ingress: [world("tcp", 80, 80), withoutDescription], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "" }] };
        expect(await messagesOf(policy, T.securityGroup, props)).toEqual([
            'ingress[1] has no description: say why it is open, e.g. "HTTPS from the internet to the load balancer". Set description on the rule.',
            expect.stringMatching(/^egress\[0\] has no description/),
        ]);
    });

    it.each([T.ingressRule, T.egressRule, T.legacyRule])("reports a %s resource without a description", async (type) => {
        const { description, ...props } = { ...appIngressRuleProps(), type: "ingress", protocol: "tcp" };
        expect(await messagesOf(policy, type, props)).toEqual([expect.stringMatching(/^rule has no description/)]);
    });
});
