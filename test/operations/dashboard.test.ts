import { DASHBOARD_BODY_LIMIT_BYTES, dashboardBody, DashboardInput, dashboardName } from "../../packages/lbstack/src";

/** The dashboard body as CloudWatch receives it: every widget, its metrics and their dimensions. */

const ALB: DashboardInput = {
    title: "shop",
    region: "eu-west-1",
    loadBalancerType: "application",
    loadBalancer: "app/shop-lb/50dc6c495c0c9188",
    targetGroups: { primary: "targetgroup/shop-primary/943f017f100becff", backup: "targetgroup/shop-backup/0a1b2c3d4e5f6071" },
    autoScalingGroups: { primary: "shop-primary-asg-1a2b3c4", backup: "shop-backup-asg-5d6e7f8" },
    weights: { primary: 90, backup: 10 },
    failover: true,
};
const LB = ["LoadBalancer", ALB.loadBalancer];
const TG = (role: "primary" | "backup") => ["TargetGroup", ALB.targetGroups[role], "LoadBalancer", ALB.loadBalancer];
const ASG = (role: "primary" | "backup") => ["AutoScalingGroupName", ALB.autoScalingGroups[role]];

function widgets(input: DashboardInput): any[] {
    return JSON.parse(dashboardBody(input)).widgets;
}
function byTitle(ws: any[], title: string): any {
    const w = ws.find((x) => x.properties.title === title);
    if (!w) throw new Error(`no widget "${title}"; have ${ws.map((x) => x.properties.title).join(", ")}`);
    return w;
}
/** A metric row without its options object. */
const rows = (w: any) => w.properties.metrics.map((m: any[]) => m.filter((x) => typeof x === "string"));
const stats = (w: any) => w.properties.metrics.map((m: any[]) => m[m.length - 1].stat);

describe("application load balancer dashboard", () => {
    const ws = widgets(ALB);

    test("starts with the configured weights in a text widget (CloudWatch has no metric for weights)", () => {
        expect(ws[0]).toMatchObject({ type: "text", x: 0, y: 0, width: 24 });
        const md: string = ws[0].properties.markdown;
        expect(md).toContain("## lbstack shop");
        expect(md).toContain("**primary 90** (90 %) · **backup 10** (10 %)");
        expect(md).toContain("failover controller");
    });

    test("requests, HTTP 4xx/5xx from the load balancer and the targets, and p50/p90/p99 response time", () => {
        expect(rows(byTitle(ws, "Requests"))).toEqual([["AWS/ApplicationELB", "RequestCount", ...LB]]);
        expect(rows(byTitle(ws, "HTTP 4xx / 5xx"))).toEqual([
            ["AWS/ApplicationELB", "HTTPCode_ELB_4XX_Count", ...LB],
            ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", ...LB],
            ["AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", ...LB],
            ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...LB],
        ]);
        expect(stats(byTitle(ws, "HTTP 4xx / 5xx"))).toEqual(["Sum", "Sum", "Sum", "Sum"]);
        const latency = byTitle(ws, "Target response time (s)");
        expect(rows(latency)).toEqual([0, 1, 2].map(() => ["AWS/ApplicationELB", "TargetResponseTime", ...LB]));
        expect(stats(latency)).toEqual(["p50", "p90", "p99"]);
    });

    test("healthy and unhealthy hosts per group, by target group and load balancer", () => {
        for (const role of ["primary", "backup"] as const) {
            const w = byTitle(ws, `${role}: healthy / unhealthy hosts`);
            expect(rows(w)).toEqual([["AWS/ApplicationELB", "HealthyHostCount", ...TG(role)], ["AWS/ApplicationELB", "UnHealthyHostCount", ...TG(role)]]);
            expect(stats(w)).toEqual(["Minimum", "Maximum"]);
        }
    });

    test("in-service versus desired instances and CPU per group, by auto-scaling group name", () => {
        for (const role of ["primary", "backup"] as const) {
            expect(rows(byTitle(ws, `${role}: in service vs desired`))).toEqual([
                ["AWS/AutoScaling", "GroupInServiceInstances", ...ASG(role)],
                ["AWS/AutoScaling", "GroupDesiredCapacity", ...ASG(role)],
            ]);
            expect(rows(byTitle(ws, `${role}: CPU (%)`))).toEqual([["AWS/EC2", "CPUUtilization", ...ASG(role)]]);
        }
    });

    test("the live share: each target group's requests as a percentage of both, and requests per target", () => {
        const share = byTitle(ws, "Live share of requests (%)");
        expect(share.properties.metrics.slice(0, 2)).toEqual([
            ["AWS/ApplicationELB", "RequestCount", ...TG("primary"), { stat: "Sum", id: "rp", visible: false }],
            ["AWS/ApplicationELB", "RequestCount", ...TG("backup"), { stat: "Sum", id: "rb", visible: false }],
        ]);
        expect(share.properties.metrics.slice(2).map((m: any[]) => m[0].expression)).toEqual([
            "100 * FILL(rp, 0) / (FILL(rp, 0) + FILL(rb, 0))",
            "100 * FILL(rb, 0) / (FILL(rp, 0) + FILL(rb, 0))",
        ]);
        expect(rows(byTitle(ws, "Requests per target"))).toEqual([
            ["AWS/ApplicationELB", "RequestCountPerTarget", ...TG("primary")],
            ["AWS/ApplicationELB", "RequestCountPerTarget", ...TG("backup")],
        ]);
    });

    test("every metric widget names the Region and a 60 s period; widgets fit the 24-column grid without overlapping", () => {
        const metricWidgets = ws.filter((w) => w.type === "metric");
        expect(metricWidgets).toHaveLength(11);
        const cells = new Set<string>();
        for (const w of ws) {
            if (w.type === "metric") expect(w.properties).toMatchObject({ region: "eu-west-1", period: 60, view: "timeSeries" });
            expect(w.x + w.width).toBeLessThanOrEqual(24);
            for (let x = w.x; x < w.x + w.width; x++) for (let y = w.y; y < w.y + w.height; y++) {
                expect(cells.has(`${x},${y}`)).toBe(false);
                cells.add(`${x},${y}`);
            }
        }
    });

    test("a pinned stack says so instead of the weights", () => {
        expect(widgets({ ...ALB, pin: "backup" })[0].properties.markdown).toContain("**pinned to backup**");
    });
});

describe("network load balancer dashboard", () => {
    const nlb: DashboardInput = { ...ALB, loadBalancerType: "network", loadBalancer: "net/shop-lb/50dc6c495c0c9188" };
    const ws = widgets(nlb);
    const NLB = ["LoadBalancer", nlb.loadBalancer];

    test("uses the AWS/NetworkELB metrics that exist: flows, bytes, resets, host counts", () => {
        expect(rows(byTitle(ws, "Flows"))).toEqual([["AWS/NetworkELB", "ActiveFlowCount", ...NLB], ["AWS/NetworkELB", "NewFlowCount", ...NLB]]);
        expect(rows(byTitle(ws, "Processed bytes"))).toEqual([["AWS/NetworkELB", "ProcessedBytes", ...NLB]]);
        expect(rows(byTitle(ws, "TCP resets")).map((r: string[]) => r[1])).toEqual(["TCP_Client_Reset_Count", "TCP_Target_Reset_Count", "TCP_ELB_Reset_Count"]);
        expect(rows(byTitle(ws, "primary: healthy / unhealthy hosts"))[0]).toEqual(["AWS/NetworkELB", "HealthyHostCount", "TargetGroup", nlb.targetGroups.primary, ...NLB]);
        expect(JSON.stringify(ws)).not.toContain("AWS/ApplicationELB");
        expect(ws.filter((w) => w.type === "metric")).toHaveLength(9);
        expect(ws[0].properties.markdown).toContain("no per-target-group traffic metric");
    });
});

describe("size and name", () => {
    test("even with the longest names AWS allows, the body stays far below CloudWatch's 1 MB", () => {
        const long = "x".repeat(255);
        const body = dashboardBody({ ...ALB, title: long, loadBalancer: long, targetGroups: { primary: long, backup: long }, autoScalingGroups: { primary: long, backup: long } });
        expect(Buffer.byteLength(body)).toBeLessThan(DASHBOARD_BODY_LIMIT_BYTES / 50);
    });

    test("dashboard names keep letters, digits, - and _ only, at most 255 characters", () => {
        expect(dashboardName("my.project", "prod/eu", "app-monitoring")).toBe("my-project-prod-eu-app-monitoring");
        expect(dashboardName("p".repeat(300))).toHaveLength(255);
    });
});
