import { UNKNOWN } from "./mock-runtime";
import type { PlanFigures, StackFigures } from "./figures";
import type { PlannedResource } from "./mock-runtime";
import type { PlanReport } from "./plan";
import { formatWarning } from "./warnings";

/** The human output of `lbstack plan`: resource tree, figures, outputs, one line per warning. */

/** Labels of the known figure fields; other fields (added by later sections) get a label from their name. */
const LABELS: Record<string, string> = {
    capacity: "capacity (instances)",
    vcpus: "vCPUs",
    memoryGiB: "memory (GiB)",
    failureDetectionSeconds: "failure detection (s)",
    recoverySeconds: "recovery (s)",
    drainSeconds: "drain (s)",
};

/** `scaleOutSeconds` → `scale out (s)`, `fooGiB` → `foo (GiB)`. */
export function figureLabel(field: string): string {
    if (LABELS[field]) return LABELS[field];
    const unit = /(Seconds|GiB|MiB|Percent)$/.exec(field)?.[1];
    const base = unit ? field.slice(0, -unit.length) : field;
    const words = base.replace(/([A-Z])/g, " $1").toLowerCase().trim();
    const units: Record<string, string> = { Seconds: "s", GiB: "GiB", MiB: "MiB", Percent: "%" };
    return unit ? `${words} (${units[unit]})` : words;
}

/** A figure value as a table cell: ranges as `min–max`. */
export function figureCell(value: unknown): string {
    if (typeof value === "object" && value !== null && "min" in value && "max" in value) {
        const r = value as { min: unknown; max: unknown };
        return r.min === r.max ? String(r.min) : `${r.min}–${r.max}`;
    }
    return typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value);
}

function table(rows: string[][], indent = "  "): string[] {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
    return rows.map((r) => (indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3))).join("")).trimEnd());
}

/** The figures table of one stack: one row per group field, then the traffic shares, then other sections. */
export function stackFiguresLines(title: string, f: StackFigures): string[] {
    const roles = ["primary", "backup"] as const;
    const fields = [...new Set(roles.flatMap((r) => Object.keys(f.groups?.[r] ?? {})))];
    const rows = [[title, ...roles], ...fields.map((k) => [figureLabel(k), ...roles.map((r) => figureCell(f.groups[r]?.[k]))])];
    if (f.traffic) rows.push(["traffic (%)", ...roles.map((r) => figureCell(f.traffic[r]))]);
    const lines = table(rows, "");
    for (const [key, value] of Object.entries(f)) {
        if (key !== "groups" && key !== "traffic") lines.push(`${key}: ${JSON.stringify(value)}`);
    }
    return lines;
}

function figuresLines(figures: PlanFigures): string[] {
    const lines: string[] = [];
    if ("stacks" in figures) {
        const stacks = figures.stacks as Record<string, StackFigures>;
        for (const [name, f] of Object.entries(stacks)) lines.push(...stackFiguresLines(`Figures: ${name}`, f), "");
    } else if ("groups" in figures) {
        const { resourceCount: _count, ...stack } = figures;
        lines.push(...stackFiguresLines("Figures", stack as StackFigures), "");
    }
    return lines;
}

/** The resource tree: children under their parent, in registration order, `type  name` per line. */
export function resourceTreeLines(resources: readonly Pick<PlannedResource, "type" | "name" | "urn" | "parentUrn">[]): string[] {
    const urns = new Set(resources.map((r) => r.urn));
    const children = new Map<string | null, typeof resources[number][]>();
    for (const r of resources) {
        // A parent that is not in the list (the root stack, or a parent registered elsewhere) puts the resource at the top.
        const parent = r.parentUrn !== null && urns.has(r.parentUrn) ? r.parentUrn : null;
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const rows: [string, string][] = [];
    const walk = (parent: string | null, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            rows.push([`${"  ".repeat(depth)}${r.type}`, r.name]);
            walk(r.urn, depth + 1);
        }
    };
    walk(null, 1);
    const width = Math.max(...rows.map(([t]) => t.length));
    return rows.map(([t, n]) => `${t.padEnd(width + 2)}${n}`);
}

function outputCell(value: unknown): string {
    if (typeof value === "object" && value !== null && (value as Record<string, unknown>).$unknown === UNKNOWN.$unknown) return `(${UNKNOWN.$unknown})`;
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** The whole human report. */
export function renderText(report: PlanReport, resources: readonly Pick<PlannedResource, "type" | "name" | "urn" | "parentUrn" | "custom">[]): string {
    const custom = resources.filter((r) => r.custom).length;
    const lines = [
        `Plan of project ${report.project}, stack ${report.stack}: ${resources.length} resources (${custom} custom, ${resources.length - custom} components)`,
        "",
        ...resourceTreeLines(resources),
        "",
        ...figuresLines(report.figures),
    ];
    const outputs = Object.entries(report.outputs);
    if (outputs.length > 0) lines.push("Outputs", ...table(outputs.map(([k, v]) => [k, outputCell(v)])), "");
    lines.push(...report.warnings.map(formatWarning));
    return lines.join("\n").trimEnd() + "\n";
}
