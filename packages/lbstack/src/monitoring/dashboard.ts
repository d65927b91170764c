import { GROUP_ROLES as ROLES, GroupRole } from "../common/roles";
import { elbNamespace } from "./alarms";

/**
 * The CloudWatch dashboard body, as a pure function of plain values (the Monitoring component
 * resolves the ARN suffixes and region first). Format:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */

/** PutDashboard refuses bodies above 1 MB. */
export const DASHBOARD_BODY_LIMIT_BYTES = 1_000_000;


export interface DashboardInput {
    /** The stack's name, shown in the header. */
    title: string;
    /** Region of every metric widget (a metric widget must name one). */
    region: string;
    loadBalancerType: "application" | "network";
    /** `arnSuffix` of the load balancer (`app/<name>/<id>` or `net/<name>/<id>`). */
    loadBalancer: string;
    /** `arnSuffix` of each group's target group (`targetgroup/<name>/<id>`). */
    targetGroups: Record<GroupRole, string>;
    /** Name of each group's auto-scaling group. */
    autoScalingGroups: Record<GroupRole, string>;
    /** Configured weights of the listener's default action. */
    weights: Record<GroupRole, number>;
    /** Whether the failover controller may change the live weights. */
    failover: boolean;
    /** The group all traffic is pinned to, if any. */
    pin?: GroupRole;
}

/** A metric row: `[namespace, name, dim, value, ..., options]`, or `[{ expression, ... }]`. */
export type MetricRow = (string | Record<string, unknown>)[];

export interface Widget {
    type: "metric" | "text";
    x: number;
    y: number;
    width: number;
    height: number;
    properties: Record<string, unknown>;
}

/** Every widget of the dashboard, top to bottom. */
export function dashboardWidgets(d: DashboardInput): Widget[] {
    const ns = elbNamespace(d.loadBalancerType);
    const lb = ["LoadBalancer", d.loadBalancer];
    const tg = (role: GroupRole) => ["TargetGroup", d.targetGroups[role], "LoadBalancer", d.loadBalancer];
    const asg = (role: GroupRole) => ["AutoScalingGroupName", d.autoScalingGroups[role]];
    const widgets: Widget[] = [];
    let y = 0;
    const metric = (x: number, width: number, title: string, metrics: MetricRow[], extra: Record<string, unknown> = {}): Widget => ({
        type: "metric", x, y, width, height: 6,
        properties: { view: "timeSeries", stacked: false, region: d.region, title, period: 60, metrics, ...extra },
    });

    widgets.push({ type: "text", x: 0, y, width: 24, height: 3, properties: { markdown: headerMarkdown(d) } });
    y += 3;

    if (d.loadBalancerType === "application") {
        widgets.push(
            metric(0, 8, "Requests", [[ns, "RequestCount", ...lb, { stat: "Sum", label: "requests" }]]),
            metric(8, 8, "HTTP 4xx / 5xx", [
                [ns, "HTTPCode_ELB_4XX_Count", ...lb, { stat: "Sum", label: "load balancer 4xx" }],
                [ns, "HTTPCode_ELB_5XX_Count", ...lb, { stat: "Sum", label: "load balancer 5xx" }],
                [ns, "HTTPCode_Target_4XX_Count", ...lb, { stat: "Sum", label: "target 4xx" }],
                [ns, "HTTPCode_Target_5XX_Count", ...lb, { stat: "Sum", label: "target 5xx" }],
            ]),
            metric(16, 8, "Target response time (s)", ["p50", "p90", "p99"].map((p) => [ns, "TargetResponseTime", ...lb, { stat: p, label: p }])),
        );
    } else {
        widgets.push(
            metric(0, 8, "Flows", [
                [ns, "ActiveFlowCount", ...lb, { stat: "Average", label: "active flows" }],
                [ns, "NewFlowCount", ...lb, { stat: "Sum", label: "new flows" }],
            ]),
            metric(8, 8, "Processed bytes", [[ns, "ProcessedBytes", ...lb, { stat: "Sum", label: "bytes" }]]),
            metric(16, 8, "TCP resets", [
                [ns, "TCP_Client_Reset_Count", ...lb, { stat: "Sum", label: "client resets" }],
                [ns, "TCP_Target_Reset_Count", ...lb, { stat: "Sum", label: "target resets" }],
                [ns, "TCP_ELB_Reset_Count", ...lb, { stat: "Sum", label: "load balancer resets" }],
            ]),
        );
    }
    y += 6;

    ROLES.forEach((role, i) => widgets.push(metric(i * 12, 12, `${role}: healthy / unhealthy hosts`, [
        [ns, "HealthyHostCount", ...tg(role), { stat: "Minimum", label: "healthy" }],
        [ns, "UnHealthyHostCount", ...tg(role), { stat: "Maximum", label: "unhealthy" }],
    ])));
    y += 6;

    ROLES.forEach((role, i) => widgets.push(
        metric(i * 12, 6, `${role}: in service vs desired`, [
            ["AWS/AutoScaling", "GroupInServiceInstances", ...asg(role), { stat: "Average", label: "in service" }],
            ["AWS/AutoScaling", "GroupDesiredCapacity", ...asg(role), { stat: "Average", label: "desired" }],
        ]),
        metric(i * 12 + 6, 6, `${role}: CPU (%)`, [["AWS/EC2", "CPUUtilization", ...asg(role), { stat: "Average", label: "CPU" }]], { yAxis: { left: { min: 0, max: 100 } } }),
    ));
    y += 6;

    if (d.loadBalancerType === "application") {
        // The live counterpart of the configured weights: each group's share of the requests.
        widgets.push(
            metric(0, 12, "Live share of requests (%)", [
                [ns, "RequestCount", ...tg("primary"), { stat: "Sum", id: "rp", visible: false }],
                [ns, "RequestCount", ...tg("backup"), { stat: "Sum", id: "rb", visible: false }],
                [{ expression: "100 * FILL(rp, 0) / (FILL(rp, 0) + FILL(rb, 0))", label: "primary", id: "sp" }],
                [{ expression: "100 * FILL(rb, 0) / (FILL(rp, 0) + FILL(rb, 0))", label: "backup", id: "sb" }],
            ], { yAxis: { left: { min: 0, max: 100 } } }),
            metric(12, 12, "Requests per target", ROLES.map((role) => [ns, "RequestCountPerTarget", ...tg(role), { stat: "Sum", label: role }])),
        );
        y += 6;
    }
    return widgets;
}

function headerMarkdown(d: DashboardInput): string {
    const total = d.weights.primary + d.weights.backup;
    const pct = (w: number) => (total === 0 ? 0 : Math.round((w / total) * 1000) / 10);
    const lines = [`## lbstack ${d.title}`];
    if (d.pin) {
        lines.push(`All traffic is **pinned to ${d.pin}** (traffic.pin).`);
    } else {
        lines.push(`Configured weights: **primary ${d.weights.primary}** (${pct(d.weights.primary)} %) · **backup ${d.weights.backup}** (${pct(d.weights.backup)} %) of requests no route matches.`);
    }
    lines.push(
        "CloudWatch has no metric for listener weights: these are the values in the stack spec" +
        (d.failover ? "; the failover controller moves traffic when a group fails." : ".") +
        (d.loadBalancerType === "application" ? " The live share is below." : " A network load balancer publishes no per-target-group traffic metric."),
    );
    return lines.join("\n\n");
}

/**
 * The dashboard body JSON. Its size is bounded: a fixed set of widgets whose only variable parts
 * are names AWS caps at 255 characters, so it stays far below {@link DASHBOARD_BODY_LIMIT_BYTES}
 * (a test checks the worst case) and needs no check at deploy time.
 */
export function dashboardBody(d: DashboardInput): string {
    return JSON.stringify({ start: "-PT3H", periodOverride: "inherit", widgets: dashboardWidgets(d) });
}

/** A dashboard name CloudWatch accepts: letters, digits, `-` and `_`, at most 255 characters. */
export function dashboardName(...parts: string[]): string {
    return parts.join("-").replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 255);
}
