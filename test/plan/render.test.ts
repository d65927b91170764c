import { figureLabel, resourceTreeLines, sectionRows, stackFiguresLines } from "../../packages/lbstack/src/plan/render";
import type { StackFigures } from "../../packages/lbstack/src/plan/figures";

describe("the human figures output", () => {
    test("labels a figure from its name, with the unit from its suffix", () => {
        expect(figureLabel("failureDetectionSeconds")).toBe("failure detection (s)");
        expect(figureLabel("scaleOutSeconds", "cold")).toBe("scale out cold (s)");
        expect(figureLabel("peakMemoryGiB")).toBe("peak memory (GiB)");
        expect(figureLabel("instances")).toBe("instances");
    });

    test("shows a group's figures side by side: ranges as min–max, an object field one row per sub-field", () => {
        const f = {
            groups: {
                primary: { capacity: { min: 2, max: 6 }, drainSeconds: 30, scaleOutSeconds: { cold: 245, warm: 170 } },
                backup: { capacity: { min: 1, max: 1 }, drainSeconds: 0, scaleOutSeconds: { cold: 200, warm: 150 } },
            },
            traffic: { primary: 66.7, backup: 33.3 },
        } as unknown as StackFigures;
        expect(stackFiguresLines("Figures", f)).toEqual([
            "Figures                primary   backup",
            "capacity (instances)   2–6       1",
            "drain (s)              30        0",
            "scale out cold (s)     245       200",
            "scale out warm (s)     170       150",
            "traffic (%)            66.7      33.3",
        ]);
    });

    test("shows other sections under their own heading: objects flattened, lists one row per named item", () => {
        expect(sectionRows({ failoverSeconds: 35, groups: { primary: { floorSeconds: 20 } } })).toEqual([
            ["failover (s)", "35"],
            ["groups primary floor (s)", "20"],
        ]);
        expect(sectionRows([{ name: "p99-latency", threshold: 2 }])).toEqual([["p99-latency", "threshold 2"]]);
    });
});

describe("the resource tree", () => {
    test("indents children under their parent, in registration order, and aligns the names", () => {
        const urn = (n: string) => `urn:x::${n}`;
        const lines = resourceTreeLines([
            { type: "lbstack:index:LoadBalancedStack", name: "app", urn: urn("app"), parentUrn: null },
            { type: "lbstack:index:LoadBalancer", name: "app-lb", urn: urn("app-lb"), parentUrn: urn("app") },
            { type: "aws:lb/listener:Listener", name: "app-lb-listener", urn: urn("app-lb-listener"), parentUrn: urn("app-lb") },
            { type: "aws:s3/bucket:Bucket", name: "logs", urn: urn("logs"), parentUrn: null },
        ]);
        expect(lines).toEqual([
            "  lbstack:index:LoadBalancedStack  app",
            "    lbstack:index:LoadBalancer     app-lb",
            "      aws:lb/listener:Listener     app-lb-listener",
            "  aws:s3/bucket:Bucket             logs",
        ]);
    });
});
