import { GROUP_ROLES } from "../common/roles";
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

const UNITS: Record<string, string> = { Seconds: "s", GiB: "GiB", MiB: "MiB", Percent: "%" };

/**
 * `scaleOutSeconds` → `scale out (s)`, `fooGiB` → `foo (GiB)`; with `sub`, the sub-field goes
 * before the unit: (`scaleOutSeconds`, `cold`) → `scale out cold (s)`.
 */
export function figureLabel(field: string, sub?: string): string {
    if (LABELS[field] && sub === undefined) return LABELS[field];
    const unit = /(Seconds|GiB|MiB|Percent)$/.exec(field)?.[1];
    const base = unit ? field.slice(0, -unit.length) : field;
    const words = [base, sub].filter((w): w is string => w !== undefined)
        .map((w) => w.replace(/([A-Z])/g, " $1").toLowerCase().trim()).join(" ");
    return unit ? `${words} (${UNITS[unit]})` : words;
}

function isRange(value: unknown): value is { min: unknown; max: unknown } {
    return typeof value === "object" && value !== null && Object.keys(value).length === 2 && "min" in value && "max" in value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A figure value as a table cell: ranges as `min–max`. */
export function figureCell(value: unknown): string {
    if (isRange(value)) return value.min === value.max ? String(value.min) : `${value.min}–${value.max}`;
    if (value === undefined) return "";
    return typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value);
}

function table(rows: string[][], indent = "  "): string[] {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
    return rows.map((r) => (indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3))).join("")).trimEnd());
}

/**
 * `[label, value]` rows of a top-level section: scalars and ranges as they are, objects flattened
 * (`groups.primary.failoverSeconds` → `groups primary failover (s)`), a list of objects one row per
 * item, labelled by its `name` when it has one.
 */
export function sectionRows(value: unknown, path: string[] = []): [string, string][] {
    const label = () => path.map((p) => figureLabel(p)).join(" ");
    if (Array.isArray(value)) {
        return value.map((item, i) => {
            if (!isPlainObject(item)) return [`${label()} ${i}`.trim(), figureCell(item)];
            const { name, ...rest } = item;
            return [typeof name === "string" ? name : String(i), Object.entries(rest).map(([k, v]) => `${figureLabel(k)} ${figureCell(v)}`).join(", ")];
        });
    }
    if (isPlainObject(value) && !isRange(value)) return Object.entries(value).flatMap(([k, v]) => sectionRows(v, [...path, k]));
    return [[label(), figureCell(value)]];
}

/**
 * The figures of one stack: a table with one row per group field (an object field becomes one
 * row per sub-field) and the traffic shares, then each other section (`failover`, `alarms`, ...)
 * under its own heading.
 */
export function stackFiguresLines(title: string, f: StackFigures): string[] {
    const roles = GROUP_ROLES;
    const fields = [...new Set(roles.flatMap((r) => Object.keys(f.groups?.[r] ?? {})))];
    const rows = [[title, ...roles]];
    for (const k of fields) {
        const values = roles.map((r) => f.groups[r]?.[k]);
        const sample = values.find((v) => v !== undefined);
        if (isPlainObject(sample) && !isRange(sample)) {
            for (const sub of Object.keys(sample)) rows.push([figureLabel(k, sub), ...values.map((v) => figureCell((v as Record<string, unknown> | undefined)?.[sub]))]);
        } else {
            rows.push([figureLabel(k), ...values.map(figureCell)]);
        }
    }
    if (f.traffic) rows.push(["traffic (%)", ...roles.map((r) => figureCell(f.traffic[r]))]);
    const lines = table(rows, "");
    for (const [key, value] of Object.entries(f)) {
        if (key === "groups" || key === "traffic") continue;
        const section = sectionRows(value);
        lines.push("", figureLabel(key).replace(/^./, (c) => c.toUpperCase()), ...(section.length > 0 ? table(section) : ["  (none)"]));
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
