/**
 * runPolicies over what a Pulumi mock run records: real @pulumi/aws resources registered under
 * `pulumi.runtime.setMocks`, their inputs captured in `newResource`, then checked. Proves the type tokens and
 * the shape of recorded inputs (including preview unknowns) match what the policies read.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyTestResource, mandatoryViolations, runPolicies } from "../../packages/lbstack-policy/src";

const recorded: PolicyTestResource[] = [];

beforeAll(async () => {
    // preview: outputs of resources not yet created (here every arn) are unknown, as in `pulumi preview`.
    await pulumi.runtime.setMocks({
        newResource: (args) => {
            recorded.push({ type: args.type, name: args.name, props: args.inputs });
            return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
    }, "lbstack", "test", true);
});

/** Registers a small load-balanced stack and waits until every resource is recorded. */
async function deploy(opts: { drop: boolean; sshFromWorld: boolean }) {
    const lb = new aws.lb.LoadBalancer("web", {
        subnets: ["subnet-a", "subnet-b"],
        dropInvalidHeaderFields: opts.drop,
        accessLogs: { bucket: "logs", enabled: true },
        enableDeletionProtection: true,
    });
    const listener = new aws.lb.Listener("web-https", {
        loadBalancerArn: lb.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "200" } }],
    });
    const sg = new aws.ec2.SecurityGroup("app", {
        description: "app instances",
        ingress: opts.sshFromWorld
            ? [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"], description: "ssh" }]
            : [{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: [lb.securityGroups.apply((g) => g[0])], description: "from the load balancer" }],
    });
    await new Promise((resolve) => pulumi.all([lb.urn, listener.urn, sg.urn]).apply(resolve));
}

it("passes a compliant program and reports the violations of a non-compliant one", async () => {
    await deploy({ drop: true, sshFromWorld: false });
    expect(recorded.map((r) => r.type).sort()).toEqual([
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:lb/listener:Listener",
        "aws:lb/loadBalancer:LoadBalancer",
    ]);
    // The listener's ARN comes from a load balancer not yet created: unknown, as in a real preview.
    expect(pulumi.isUnknown(recorded.find((r) => r.name === "web-https")?.props.loadBalancerArn)).toBe(true);
    expect(await runPolicies(recorded)).toEqual([]);

    recorded.length = 0;
    await deploy({ drop: false, sshFromWorld: true });
    const violations = mandatoryViolations(await runPolicies(recorded));
    expect(violations.map((v) => [v.policyName, v.resourceName]).sort()).toEqual([
        ["lbstack-alb-drop-invalid-headers", "web"],
        ["lbstack-sg-no-world-ingress", "app"],
        ["lbstack-sg-no-world-ssh-rdp", "app"],
    ]);
});
