import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

/**
 * Reading a Pulumi project the way the Pulumi CLI does, for `lbstack plan`: `Pulumi.yaml`, its
 * program, and config from a stack file (`Pulumi.<stack>.yaml`) and `--config` flags.
 */

/** A Node.js Pulumi project found on disk. */
export interface PulumiProject {
    /** Absolute project directory (where `Pulumi.yaml` is). */
    dir: string;
    /** `name` from `Pulumi.yaml`: the config namespace of keys written without one. */
    name: string;
    /** Absolute path of the program's entry file. */
    main: string;
    /** Project-level config values (`config:` in `Pulumi.yaml` with `value` or `default`), as `{ "<ns>:<key>": value }`. */
    config: Record<string, unknown>;
}

/** Config as the mock runtime takes it: `{ "<namespace>:<key>": value }` (objects are structured config). */
export type ConfigMap = Record<string, unknown>;

/** A problem with the project files or flags (not with the lbstack spec): the CLI exits 1. */
export class PlanInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlanInputError";
    }
}

function readYaml(file: string, what: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new PlanInputError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
    }
    try {
        return yaml.load(text);
    } catch (e) {
        throw new PlanInputError(`${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
}

/** `key` with the project's namespace when it has none (`stack` → `lbstack:stack`), as Pulumi does. */
export function qualifyKey(key: string, projectName: string): string {
    return key.includes(":") ? key : `${projectName}:${key}`;
}

function firstExisting(candidates: string[]): string | undefined {
    return candidates.find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
}

/**
 * The entry file of `main` (a file or a directory, default the project directory), resolved like
 * Node does for a directory: its `package.json` `main`, then `index.ts`, then `index.js`.
 */
export function resolveMain(dir: string, main?: string): string {
    const target = path.resolve(dir, main ?? ".");
    if (fs.existsSync(target) && fs.statSync(target).isFile()) return target;
    const withExtension = firstExisting([`${target}.ts`, `${target}.js`]);
    if (withExtension) return withExtension;
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
        const pkgFile = path.join(target, "package.json");
        if (fs.existsSync(pkgFile)) {
            const pkgMain = (JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: string }).main;
            if (pkgMain) {
                const m = path.resolve(target, pkgMain);
                const found = firstExisting([m, `${m}.ts`, `${m}.js`, path.join(m, "index.ts"), path.join(m, "index.js")]);
                // A package.json main that points into a build output (dist/) may not exist yet: fall through to index.*.
                if (found) return found;
            }
        }
        const index = firstExisting([path.join(target, "index.ts"), path.join(target, "index.js")]);
        if (index) return index;
    }
    throw new PlanInputError(`cannot find the program: ${main ? `main "${main}" in Pulumi.yaml` : "index.ts or index.js"} does not exist in ${dir}`);
}

/** Reads `Pulumi.yaml` in `dir` and finds the program. Only Node.js projects can be planned. */
export function loadProject(dir: string): PulumiProject {
    const abs = path.resolve(dir);
    const file = firstExisting([path.join(abs, "Pulumi.yaml"), path.join(abs, "Pulumi.yml")]) ?? path.join(abs, "Pulumi.yaml");
    const doc = readYaml(file, "the project file");
    if (typeof doc !== "object" || doc === null) throw new PlanInputError(`${file} must be a YAML mapping with at least name and runtime`);
    const p = doc as { name?: unknown; runtime?: unknown; main?: unknown; config?: unknown };
    if (typeof p.name !== "string" || p.name === "") throw new PlanInputError(`${file}: name is required`);
    const runtime = typeof p.runtime === "object" && p.runtime !== null ? (p.runtime as { name?: unknown }).name : p.runtime;
    if (runtime !== "nodejs") throw new PlanInputError(`${file}: runtime is ${JSON.stringify(runtime)}; lbstack plan runs Node.js programs (runtime: nodejs)`);
    if (p.main !== undefined && typeof p.main !== "string") throw new PlanInputError(`${file}: main must be a path`);
    const config: ConfigMap = {};
    if (typeof p.config === "object" && p.config !== null) {
        for (const [key, decl] of Object.entries(p.config)) {
            // Project config is either a declaration ({ type, default, ... }), a { value } or a plain value.
            const isDecl = typeof decl === "object" && decl !== null && !Array.isArray(decl);
            const value = isDecl ? ("value" in decl ? (decl as any).value : (decl as any).default) : decl;
            if (value !== undefined) config[qualifyKey(key, p.name)] = value;
        }
    }
    return { dir: abs, name: p.name, main: resolveMain(abs, p.main as string | undefined), config };
}

/** A secure (encrypted) value in a stack file. */
function isSecure(v: unknown): boolean {
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as any).secure === "string";
}

/**
 * Secrets cannot be decrypted without the Pulumi CLI and the stack's secrets provider; a plan
 * sees the placeholder `"[secret]"` instead (values an lbstack spec reads are never secrets).
 */
export const SECRET_PLACEHOLDER = "[secret]";

function replaceSecrets(v: unknown): unknown {
    if (isSecure(v)) return SECRET_PLACEHOLDER;
    if (Array.isArray(v)) return v.map(replaceSecrets);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceSecrets(x)]));
    return v;
}

/**
 * Reads a stack config file (`Pulumi.<stack>.yaml`): its `config:` map, keys qualified with the
 * project name when they have no namespace. Also returns the stack name from the file name.
 */
export function readStackConfig(file: string, projectName: string): { stack?: string; config: ConfigMap } {
    const doc = readYaml(file, "the stack config file");
    const stack = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1];
    if (doc === undefined || doc === null) return { stack, config: {} };
    if (typeof doc !== "object" || Array.isArray(doc)) throw new PlanInputError(`${file} must be a YAML mapping with a config: section`);
    const raw = (doc as { config?: unknown }).config ?? {};
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new PlanInputError(`${file}: config must be a mapping of keys to values`);
    const config: ConfigMap = {};
    for (const [key, value] of Object.entries(raw)) config[qualifyKey(key, projectName)] = replaceSecrets(value);
    return { stack, config };
}

/** `a.b[0].c` → `["a", "b", 0, "c"]`, Pulumi's `--path` syntax (also `a["key.with.dots"]`). */
export function parseConfigPath(text: string): (string | number)[] {
    const bad = () => new PlanInputError(`--config: cannot read the path "${text}" (write it like stack.primary.capacity.max or stack.routes[0].target)`);
    const out: (string | number)[] = [];
    let i = 0;
    while (i < text.length) {
        if (text[i] === "[") {
            const m = /^\[(?:(\d+)|"([^"]*)")\]/.exec(text.slice(i));
            if (!m) throw bad();
            out.push(m[1] !== undefined ? Number(m[1]) : m[2]);
            i += m[0].length;
        } else {
            // A name runs to the next "." or "["; after a "." one must follow.
            if (out.length > 0) {
                if (text[i] !== ".") throw bad();
                i++;
                // Older Pulumi docs write `["a.b"].["c.d"]`: a dot before a bracket is allowed.
                if (text[i] === "[") continue;
            }
            const m = /^[^.[\]]+/.exec(text.slice(i));
            if (!m) throw bad();
            out.push(m[0]);
            i += m[0].length;
        }
    }
    if (out.length === 0) throw bad();
    return out;
}

/** A `--path` value as Pulumi stores it: `true`/`false` as booleans, integers as numbers, the rest as strings. */
function pathValue(text: string): unknown {
    if (text === "true") return true;
    if (text === "false") return false;
    if (/^-?(0|[1-9]\d*)$/.test(text)) return Number(text);
    return text;
}

/**
 * Applies one `--config key=value` to `config`. A plain key (`lbstack:stack`) takes the value as a
 * string (JSON for structured keys, as `pulumi config set` stores it); a key with a path
 * (`stack.primary.capacity.max=10`, like `pulumi config set --path`) sets one nested field, with
 * numbers and booleans typed. Keys without a namespace get the project's.
 */
export function applyConfigFlag(config: ConfigMap, flag: string, projectName: string): void {
    const eq = flag.indexOf("=");
    if (eq <= 0) throw new PlanInputError(`--config ${JSON.stringify(flag)}: expected key=value, e.g. --config stack.primary.capacity.max=10`);
    const [head, ...rest] = parseConfigPath(flag.slice(0, eq));
    const value = flag.slice(eq + 1);
    if (typeof head !== "string") throw new PlanInputError(`--config ${JSON.stringify(flag)}: the key must start with a name`);
    const key = qualifyKey(head, projectName);
    if (rest.length === 0) {
        config[key] = value;
        return;
    }
    let root = config[key];
    if (typeof root === "string") {
        try {
            root = JSON.parse(root);
        } catch {
            throw new PlanInputError(`--config ${JSON.stringify(flag)}: ${key} holds a plain string, so it has no fields to set`);
        }
    }
    if (typeof root !== "object" || root === null) root = typeof rest[0] === "number" ? [] : {};
    let cur = root as any;
    rest.forEach((part, i) => {
        if (i === rest.length - 1) {
            cur[part] = pathValue(value);
            return;
        }
        if (typeof cur[part] !== "object" || cur[part] === null) cur[part] = typeof rest[i + 1] === "number" ? [] : {};
        cur = cur[part];
    });
    config[key] = root;
}
