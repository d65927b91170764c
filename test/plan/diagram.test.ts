import { TYPE_TOKENS } from "../../packages/lbstack/src/common/tokens";
import { buildDiagram, DiagramResource, escapeLabel } from "../../packages/lbstack/src/plan/diagram";
import { LoadBalancedStackSpec, parseStackSpec } from "../../packages/lbstack/src/stack/schema";

const BASE = {
    instance: { vcpus: 2, memoryGiB: 4 },
    primary: { capacity: { min: 2, max: 6 } },
    backup: { capacity: { min: 1, max: 3 } },
};

function stack(name: string, overrides: Partial<LoadBalancedStackSpec> = {}) {
    return { type: TYPE_TOKENS.LoadBalancedStack, name, spec: parseStackSpec({ ...BASE, ...overrides }) };
}

/** The resources a stack named `name` registers that the diagram takes names from. */
function resources(name: string): DiagramResource[] {
    const urn = (type: string, n: string) => `urn:pulumi:dev::p::${type}::${n}`;
    const root = urn(TYPE_TOKENS.LoadBalancedStack, name);
    const lb = urn(TYPE_TOKENS.LoadBalancer, `${name}-lb`);
    const child = (type: string, n: string, parentUrn: string, inputs: Record<string, unknown> = {}): DiagramResource => ({ type, name: n, urn: urn(type, n), parentUrn, inputs });
    return [
        { type: TYPE_TOKENS.LoadBalancedStack, name, urn: root, parentUrn: null, inputs: {} },
        child(TYPE_TOKENS.LoadBalancer, `${name}-lb`, root),
        child("aws:lb/loadBalancer:LoadBalancer", `${name}-lb-lb`, lb),
        child("aws:lb/listener:Listener", `${name}-lb-listener`, lb, { defaultActions: [{ type: "forward" }] }),
        child("aws:lb/targetGroup:TargetGroup", `${name}-lb-primary`, lb, { tags: { "lbstack:group": "primary" } }),
        child("aws:lb/targetGroup:TargetGroup", `${name}-lb-backup`, lb, { tags: { "lbstack:group": "backup" } }),
        child("aws:autoscaling/group:Group", `${name}-primary-asg`, root, { tags: [{ key: "lbstack:group", value: "primary" }] }),
    ];
}

describe("the architecture diagram", () => {
    test("draws clients → load balancer → listener → weighted target groups → groups with their capacities", () => {
        const d = buildDiagram({ components: [stack("app")], resources: resources("app") });
        expect(d.startsWith("flowchart LR\n")).toBe(true);
        expect(d).toContain('s0_clients -->|"HTTP :80"| s0_lb');
        expect(d).toContain("s0_lb --> s0_listener");
        expect(d).toContain('s0_listener -->|"default: weight 90 (90%)"| s0_primary_tg');
        expect(d).toContain('s0_listener -->|"default: weight 10 (10%)"| s0_backup_tg');
        expect(d).toContain("s0_primary_tg --> s0_primary_asg");
        expect(d).toContain('s0_primary_asg["primary auto-scaling group<br/>app-primary-asg<br/>2–6 instances × 2 vCPU / 4 GiB"]');
        // No ASG resource for backup in the input: the node is still drawn from the spec, without a name.
        expect(d).toContain('s0_backup_asg["backup auto-scaling group<br/>1–3 instances × 2 vCPU / 4 GiB"]');
    });

    test("puts a new VPC's internet-facing load balancer in the public subnets and the groups in the private ones", () => {
        const d = buildDiagram({ components: [stack("app", { network: { availabilityZones: 3, natGateways: "one-per-az" } })], resources: [] });
        expect(d).toContain('subgraph s0_vpc["VPC (new) 10.0.0.0/16<br/>3 AZs · NAT gateways: one-per-az"]');
        const publicBlock = d.slice(d.indexOf("subgraph s0_public"), d.indexOf("subgraph s0_private"));
        expect(publicBlock).toContain("s0_lb[");
        expect(publicBlock).not.toContain("_asg[");
    });

    test("shows an existing VPC and the subnet ids it was given; an internal load balancer sits in the private subnets", () => {
        const d = buildDiagram({
            components: [stack("app", {
                network: { vpcId: "vpc-0a1b2c3d4e5f60718", publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"], privateSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"] },
                loadBalancer: { internal: true },
            })],
            resources: [],
        });
        expect(d).toContain("VPC vpc-0a1b2c3d4e5f60718 (existing)");
        expect(d).toContain("subnet-0bbbbbbbbbbbbbbb1, subnet-0bbbbbbbbbbbbbbb2");
        const privateBlock = d.slice(d.indexOf("subgraph s0_private"));
        expect(privateBlock.slice(0, privateBlock.indexOf("end"))).toContain("s0_lb[");
        expect(d).toContain('s0_clients("Clients in the VPC<br/>from the VPC CIDR")');
    });

    test("draws each route as a rule with its conditions, leading to its group's target group", () => {
        const d = buildDiagram({
            components: [stack("app", { routes: [{ target: "backup", paths: ["/beta/*"], headers: { "X-Canary": ["1"] } }, { target: "primary", hosts: ["www.example.com"], priority: 5 }] })],
            resources: [],
        });
        expect(d).toContain('s0_route0{{"Rule 100<br/>path /beta/*<br/>header X-Canary: 1"}}');
        expect(d).toContain('s0_route1{{"Rule 5<br/>host www.example.com"}}');
        expect(d).toContain("s0_listener --> s0_route0\n    s0_route0 --> s0_backup_tg");
        expect(d).toContain("s0_route1 --> s0_primary_tg");
    });

    test("draws a zero-weight group's default edge dotted, and the HTTPS redirect listener", () => {
        const d = buildDiagram({
            components: [stack("app", {
                traffic: { weights: { primary: 100, backup: 0 } },
                loadBalancer: { listener: { certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/8b9e7c1a-2f4d-4e6b-9a3c-5d7e1f2a4b6c" } },
            })],
            resources: [],
        });
        expect(d).toContain('s0_listener -.->|"default: weight 0 (0%)"| s0_backup_tg');
        expect(d).toContain('s0_clients -->|"HTTPS :443, HTTP :80"| s0_lb');
        expect(d).toContain('s0_redirect("Listener HTTP :80<br/>301 to HTTPS :443")');
        expect(d).toContain('s0_redirect -.->|"redirect"| s0_listener');
    });

    test("draws the failover controller unless traffic.failover is false", () => {
        expect(buildDiagram({ components: [stack("app")], resources: [] })).toContain("s0_failover -.->");
        expect(buildDiagram({ components: [stack("app", { traffic: { failover: false } })], resources: [] })).not.toContain("s0_failover");
    });

    test("gives every stack its own subgraph and node ids, named from its own resources", () => {
        const d = buildDiagram({ components: [stack("blue"), stack("green")], resources: [...resources("blue"), ...resources("green")] });
        expect(d).toContain('subgraph s0["LoadBalancedStack blue"]');
        expect(d).toContain('subgraph s1["LoadBalancedStack green"]');
        expect(d).toContain('s1_lb["Application load balancer<br/>green-lb-lb<br/>internet-facing"]');
        expect(d).not.toMatch(/s1_lb\[[^\]]*blue/);
    });

    test("escapes characters that would end a Mermaid label", () => {
        expect(escapeLabel('say "hi" <b>')).toBe("say #quot;hi#quot; #lt;b#gt;");
        const d = buildDiagram({ components: [stack("app", { routes: [{ target: "backup", headers: { "X-Q": ['"quoted"'] } }] })], resources: [] });
        expect(d).toContain("header X-Q: #quot;quoted#quot;");
    });

    test("says so when the program has no LoadBalancedStack", () => {
        expect(buildDiagram({ components: [], resources: [] })).toBe('flowchart LR\n    none["No LoadBalancedStack in this program"]\n');
    });
});
