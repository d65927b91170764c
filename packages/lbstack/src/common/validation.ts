import { z } from "zod";

/** One problem found in a spec: where it is, what was there, and what is wrong. */
export interface SpecIssue {
    /** Dotted path from the root of the args, e.g. `primary.healthCheck.timeoutSeconds`. */
    path: string;
    /** The offending value as the user wrote it (undefined when the field is missing). */
    value: unknown;
    /** What AWS (or lbstack) requires, e.g. `must be less than intervalSeconds (10)`. */
    message: string;
}

/**
 * Thrown before any resource is registered when the args contain values AWS would reject or
 * that contradict each other. `issues` lists every problem; `message` has one line per problem
 * formatted as `path (value): message`.
 */
export class LbstackValidationError extends Error {
    readonly issues: SpecIssue[];
    constructor(component: string, issues: SpecIssue[]) {
        super(`${component}: invalid configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
            issues.map((i) => `  - ${formatIssue(i)}`).join("\n"));
        this.name = "LbstackValidationError";
        this.issues = issues;
    }

    /** Recognises the error across copies of this module (a program and the CLI may load two). */
    static is(e: unknown): e is LbstackValidationError {
        return e instanceof Error && e.name === "LbstackValidationError" && Array.isArray((e as any).issues);
    }
}

/** `path (value): message`, or `path: message` when the field was missing. */
export function formatIssue(issue: SpecIssue): string {
    const where = issue.path === "" ? "(root)" : issue.path;
    return issue.value === undefined ? `${where}: ${issue.message}` : `${where} (${formatValue(issue.value)}): ${issue.message}`;
}

export function formatValue(value: unknown): string {
    if (typeof value === "string") return JSON.stringify(value);
    if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
    try {
        const json = JSON.stringify(value);
        if (json === undefined) return String(value);
        return json.length > 80 ? json.slice(0, 77) + "..." : json;
    } catch {
        return String(value);
    }
}

export function joinPath(path: ReadonlyArray<PropertyKey>): string {
    let out = "";
    for (const p of path) {
        if (typeof p === "number") out += `[${p}]`;
        else out += out === "" ? String(p) : `.${String(p)}`;
    }
    return out;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
    let cur: any = root;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = cur[p as any];
    }
    return cur;
}

/** A cross-field issue whose value is simply what the user wrote at its path. */
export const AT_PATH: unique symbol = Symbol("lbstack.valueAtPath");

/**
 * Turns zod's issues into ours: one per unknown key, the most specific branch of a union, the
 * value found at each path, and "is required" for a missing field.
 */
export function fromZodIssues(issues: ReadonlyArray<z.core.$ZodIssue>, root: unknown, base: ReadonlyArray<PropertyKey> = []): SpecIssue[] {
    const out: SpecIssue[] = [];
    for (const issue of issues) {
        const path = [...base, ...issue.path];
        if (issue.code === "unrecognized_keys") {
            for (const key of issue.keys) {
                const full = [...path, key];
                out.push({ path: joinPath(full), value: valueAt(root, full), message: "unknown key (check its spelling; see the README for the fields this object takes)" });
            }
            continue;
        }
        // Custom (cross-field) issues say which value they are about in params.value; otherwise the
        // value is what sits at the path. Built-in issues carry their input (reportInput).
        const params = issue.code === "custom" ? (issue as any).params : undefined;
        const value = params && "value" in params && params.value !== AT_PATH ? params.value
            : issue.code === "custom" || issue.input === undefined ? valueAt(root, path) : issue.input;
        if (value === undefined && (issue.code === "invalid_type" || issue.code === "invalid_union")) {
            out.push({ path: joinPath(path), value: undefined, message: "is required" });
            continue;
        }
        if (issue.code === "invalid_union" && issue.errors.length > 0) {
            // Report the branch that got furthest (fewest problems) instead of zod's generic message.
            const best = [...issue.errors].sort((a, b) => a.length - b.length)[0];
            const nested = fromZodIssues(best, root, path);
            if (nested.length > 0) {
                out.push(...nested);
                continue;
            }
        }
        out.push({ path: joinPath(path), value, message: issue.message });
    }
    return out;
}

/**
 * Parses `input` with `schema`; on failure throws one {@link LbstackValidationError} that lists
 * every problem. Nothing is registered before this returns.
 */
export function parseSpec<S extends z.ZodType>(component: string, schema: S, input: unknown): z.output<S> {
    const result = schema.safeParse(input, { reportInput: true });
    if (result.success) return result.data;
    throw new LbstackValidationError(component, dedupe(fromZodIssues(result.error.issues, input)));
}

function dedupe(issues: SpecIssue[]): SpecIssue[] {
    const seen = new Set<string>();
    return issues.filter((i) => {
        const key = `${i.path}\u0000${i.message}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}
