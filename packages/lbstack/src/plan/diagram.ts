import type { PlannedComponent } from "../common/registry";
import { TYPE_TOKENS } from "../common/tokens";
import { GROUP_ROLES, GroupRole, initialRouting, ResolvedRoute, ResolvedStackSpec } from "../stack/schema";
import { trafficShares } from "./figures";

/**
 * A Mermaid `flowchart` of what a program builds, per `LoadBalancedStack`: clients → load
 * balancer → listener(s) → route rules → weighted target groups → auto-scaling groups, inside
 * the VPC and its subnets, and the failover controller that rewrites the listener. Pure: the shape and values come from the recorded resolved specs, the
 * names from the registered resources (so a renamed or missing child simply shows without a
 * name). Paste the text into any Markdown renderer that supports Mermaid.
 */

/** The fields of a planned resource the diagram reads. */
export interface DiagramResource {
    /** Pulumi type token, e.g. `aws:lb/targetGroup:TargetGroup`. */
    type: string;
    /** Logical name: shown on the node. */
    name: string;
    /** The resource's URN: how children find their parent. */
    urn: string;
    /** The parent's URN; null under the stack root. */
    parentUrn: string | null;
    /** Inputs: the `lbstack:group` tag tells the two target groups and auto-scaling groups apart. */
    inputs: Record<string, unknown>;
}

/** What {@link buildDiagram} draws from. */
export interface DiagramInput {
    /** Components the program recorded; every `LoadBalancedStack` among them is drawn. */
    components: readonly PlannedComponent[];
    /** Every resource the program registered. */
    resources: readonly DiagramResource[];
}

const TYPES = {
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    autoScalingGroup: "aws:autoscaling/group:Group",
    vpc: "awsx:ec2:Vpc",
    lambda: "aws:lambda/function:Function",
} as const;

/** Mermaid label text: quotes and angle brackets from user values would end or corrupt a label. */
export function escapeLabel(text: string): string {
    return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

/** Lines of a label, escaped and joined with Mermaid's line break. */
function label(...lines: (string | undefined | false)[]): string {
    return `"${lines.filter((l): l is string => typeof l === "string" && l !== "").map(escapeLabel).join("<br/>")}"`;
}

/** A plain string as is; anything else (an Output from another resource) as the plan shows it. */
function shown(value: unknown): string {
    return typeof value === "string" ? value : "known after deploy";
}

function list(values: unknown, max = 3): string {
    if (!Array.isArray(values)) return shown(values);
    const items = values.map(shown);
    return items.length > max ? `${items.slice(0, max).join(", ")}, … (${items.length})` : items.join(", ");
}

function range(r: { min: number; max?: number }, unit: string): string {
    if (r.max === undefined) return `≥ ${r.min} ${unit}`;
    return r.max === r.min ? `${r.min} ${unit}` : `${r.min}–${r.max} ${unit}`;
}

function routeConditions(route: ResolvedRoute): string[] {
    const lines: string[] = [];
    if (route.paths?.length) lines.push(`path ${route.paths.join(", ")}`);
    if (route.hosts?.length) lines.push(`host ${route.hosts.join(", ")}`);
    for (const [header, values] of Object.entries(route.headers ?? {})) lines.push(`header ${header}: ${values.join(", ")}`);
    return lines;
}

function hasGroupTag(r: DiagramResource, role: GroupRole): boolean {
    const tags = r.inputs.tags;
    if (Array.isArray(tags)) return tags.some((t: any) => t?.key === "lbstack:group" && t?.value === role);
    return typeof tags === "object" && tags !== null && (tags as Record<string, unknown>)["lbstack:group"] === role;
}

function isRedirect(r: DiagramResource): boolean {
    const actions = r.inputs.defaultActions;
    return Array.isArray(actions) && actions.some((a: any) => a?.type === "redirect");
}

/** The resources under `rootUrn`, at any depth. */
function descendants(rootUrn: string | undefined, resources: readonly DiagramResource[]): DiagramResource[] {
    if (rootUrn === undefined) return [];
    const children = new Map<string, DiagramResource[]>();
    for (const r of resources) {
        if (r.parentUrn === null) continue;
        const list = children.get(r.parentUrn) ?? [];
        list.push(r);
        children.set(r.parentUrn, list);
    }
    const out: DiagramResource[] = [];
    const queue = [rootUrn];
    while (queue.length > 0) {
        for (const child of children.get(queue.shift()!) ?? []) {
            out.push(child);
            queue.push(child.urn);
        }
    }
    return out;
}

/** The Mermaid lines of one stack; node ids are prefixed with `id` so several stacks never collide. */
function stackLines(id: string, name: string, spec: ResolvedStackSpec, children: readonly DiagramResource[]): string[] {
    const find = (type: string, test: (r: DiagramResource) => boolean = () => true) => children.find((r) => r.type === type && test(r))?.name;
    const lb = spec.loadBalancer;
    const l = lb.listener;
    const net = spec.network;
    const weights = initialRouting(spec).weights;
    const shares = trafficShares(weights);
    const lines: string[] = [];
    const add = (indent: number, text: string) => lines.push(`${"    ".repeat(indent)}${text}`);

    const sources = lb.allowedCidrs ?? (lb.internal ? ["the VPC CIDR"] : ["0.0.0.0/0"]);
    add(1, `${id}_clients(${label(lb.internal ? "Clients in the VPC" : "Clients", `from ${list(sources)}`)})`);

    add(1, `subgraph ${id}[${label(`LoadBalancedStack ${name}`)}]`);
    const vpcLabel = net.kind === "new"
        ? label(`VPC (new) ${net.cidrBlock}`, find(TYPES.vpc), `${net.availabilityZones} AZs · NAT gateways: ${net.natGateways}`)
        : label(`VPC ${shown(net.vpcId)} (existing)`);
    add(2, `subgraph ${id}_vpc[${vpcLabel}]`);
    const subnets = (kind: "public" | "private") => net.kind === "new"
        ? label(`${kind === "public" ? "Public" : "Private"} subnets`, `one per AZ × ${net.availabilityZones}`)
        : label(`${kind === "public" ? "Public" : "Private"} subnets`, list(kind === "public" ? net.publicSubnetIds : net.privateSubnetIds));
    const lbNode = `${id}_lb[${label(`${lb.type === "application" ? "Application" : "Network"} load balancer`, find(TYPES.loadBalancer), lb.internal ? "internal" : "internet-facing")}]`;

    add(3, `subgraph ${id}_public[${subnets("public")}]`);
    if (!lb.internal) add(4, lbNode);
    add(3, "end");
    add(3, `subgraph ${id}_private[${subnets("private")}]`);
    if (lb.internal) add(4, lbNode);
    for (const role of GROUP_ROLES) {
        const g = spec.groups[role];
        const size = g.instance.instanceTypes ? list(g.instance.instanceTypes) : `${range(g.instance.vcpus, "vCPU")} / ${range(g.instance.memoryGiB, "GiB")}`;
        add(4, `${id}_${role}_asg[${label(`${role} auto-scaling group`, find(TYPES.autoScalingGroup, (r) => hasGroupTag(r, role)), `${g.capacity.min}–${g.capacity.max} instances × ${size}`)}]`);
    }
    add(3, "end");

    add(3, `${id}_listener(${label(`Listener ${l.protocol} :${l.port}`, find(TYPES.listener, (r) => !isRedirect(r)), l.sslPolicy && `TLS policy ${l.sslPolicy}`, spec.traffic.pin && `pinned to ${spec.traffic.pin}`)})`);
    if (l.redirectHttpToHttps) {
        add(3, `${id}_redirect(${label("Listener HTTP :80", find(TYPES.listener, isRedirect), `301 to HTTPS :${l.port}`)})`);
    }
    for (const route of spec.routes) {
        add(3, `${id}_route${route.index}{{${label(`Rule ${route.priority}`, find(TYPES.rule, (r) => r.inputs.priority === route.priority), ...routeConditions(route))}}}`);
    }
    for (const role of GROUP_ROLES) {
        const g = spec.groups[role];
        const hc = g.healthCheck;
        const check = hc.protocol === "TCP" ? `TCP every ${hc.intervalSeconds} s` : `${hc.protocol} ${hc.path} every ${hc.intervalSeconds} s`;
        add(3, `${id}_${role}_tg[${label(`${role} target group`, find(TYPES.targetGroup, (r) => hasGroupTag(r, role)), `${g.protocol} :${g.port}`, `health: ${check}`)}]`);
    }
    add(2, "end");
    const failover = spec.traffic.failover;
    if (failover !== false) {
        add(2, `${id}_failover[[${label("Failover controller", find(TYPES.lambda), `polls target health every ${failover.pollSeconds} s`)}]]`);
    }
    add(1, "end");

    const ports = l.redirectHttpToHttps ? `${l.protocol} :${l.port}, HTTP :80` : `${l.protocol} :${l.port}`;
    add(1, `${id}_clients -->|${label(ports)}| ${id}_lb`);
    add(1, `${id}_lb --> ${id}_listener`);
    if (l.redirectHttpToHttps) {
        add(1, `${id}_lb --> ${id}_redirect`);
        add(1, `${id}_redirect -.->|${label("redirect")}| ${id}_listener`);
    }
    for (const route of spec.routes) {
        add(1, `${id}_listener --> ${id}_route${route.index}`);
        // A pin sends the routes' requests to the pinned group too (what the rules are created with).
        add(1, `${id}_route${route.index} --> ${id}_${spec.traffic.pin ?? route.target}_tg`);
    }
    if (failover !== false) {
        add(1, `${id}_failover -.->|${label("moves traffic when a group is down")}| ${id}_listener`);
    }
    for (const role of GROUP_ROLES) {
        const weight = weights[role];
        // A zero-weight group only gets requests through routes (or a failover): a dotted edge.
        add(1, `${id}_listener ${weight === 0 ? "-.->" : "-->"}|${label(`default: weight ${weight} (${shares[role]}%)`)}| ${id}_${role}_tg`);
        add(1, `${id}_${role}_tg --> ${id}_${role}_asg`);
    }
    return lines;
}

/**
 * The Mermaid `flowchart` text of every `LoadBalancedStack` in `input` (one subgraph each), or a
 * flowchart with a single note when the program has none.
 */
export function buildDiagram(input: DiagramInput): string {
    const stacks = input.components.filter((c) => c.type === TYPE_TOKENS.LoadBalancedStack);
    const lines = ["flowchart LR"];
    if (stacks.length === 0) lines.push(`    none[${label("No LoadBalancedStack in this program")}]`);
    const used = new Set<string>();
    stacks.forEach((c, i) => {
        const own = input.resources.find((r) => r.type === TYPE_TOKENS.LoadBalancedStack && r.name === c.name && !used.has(r.urn));
        if (own) used.add(own.urn);
        lines.push(...stackLines(`s${i}`, c.name, c.spec as ResolvedStackSpec, descendants(own?.urn, input.resources)));
    });
    return lines.join("\n") + "\n";
}
