import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { LbstackValidationError } from "../common/validation";
import { buildDiagram } from "./diagram";
import { PlanFigures, planFigures } from "./figures";
import { PlanRun, runWithMocks } from "./mock-runtime";
import { applyConfigFlag, ConfigMap, loadProject, PulumiProject, readStackConfig } from "./project";
import { registerTypeScriptHook } from "./typescript-hook";
import { PlanWarning, planWarnings } from "./warnings";

/** What `lbstack plan` is asked to plan. Relative paths are relative to the current directory. */
export interface PlanOptions {
    /** The project directory (with `Pulumi.yaml`). Default: the current directory. */
    dir?: string;
    /** A stack config file (`Pulumi.<stack>.yaml`) to take config from. Default: none. */
    stackConfigFile?: string;
    /** `key=value` or `key.path=value` settings applied after the stack file, in order. */
    config?: string[];
    /** The stack name the program sees (`pulumi.getStack()`). Default: from the stack file name, else `dev`. */
    stack?: string;
    /** Keep full stack traces while the program runs (slower; see {@link PLAN_STACK_TRACE_LIMIT}). Default `false`. */
    fullStackTraces?: boolean;
}

/**
 * Stack frames kept while the program runs. The Pulumi SDK records a stack trace for every
 * promise it creates (for its promise-leak report, which a plan never shows); formatting ten
 * frames each is about half of the time and a sixth of the memory of planning a large program.
 * One frame still shows where an error was thrown. `--stack-traces` (or PULUMI_DEBUG_PROMISE_LEAKS)
 * keeps Node's default.
 */
export const PLAN_STACK_TRACE_LIMIT = 1;

/** One resource in a plan report. */
export interface ReportResource {
    /** Pulumi type token. */
    type: string;
    /** Logical name. */
    name: string;
    /** The parent's logical name; null under the stack root. */
    parent: string | null;
    /** A cloud resource (true) or a component (false). */
    custom: boolean;
    /** Inputs, with unknowns as `{ "$unknown": "known after deploy" }`. */
    inputs: Record<string, unknown>;
    /** Resource options that change what a deploy does (ignoreChanges, protect...). */
    options: Record<string, unknown>;
}

/** The result of `lbstack plan`; `--json` prints it. */
export interface PlanReport {
    /** Project name from `Pulumi.yaml`. */
    project: string;
    /** Stack name the program saw. */
    stack: string;
    /** Every resource the program registers, in registration order (the root stack excluded). */
    resources: ReportResource[];
    /** The program's stack outputs, unknowns marked. */
    outputs: Record<string, unknown>;
    /** Figures computed from the resolved specs; see `figures.ts`. */
    figures: PlanFigures;
    /** Valid settings worth a second look; see `warnings.ts`. */
    warnings: PlanWarning[];
}

/** A finished plan: the report plus what the text and diagram renderers need. */
export interface PlanResult {
    /** What `--json` prints. */
    report: PlanReport;
    /** The raw mock run: resources with URNs (for the tree and the diagram) and the recorded component specs. */
    run: PlanRun;
    /** The project that was planned. */
    project: PulumiProject;
}

/** Finds the validation error in `e`, its `cause` chain or an AggregateError: a program may wrap it. */
export function findValidationError(e: unknown, seen = new Set<unknown>()): LbstackValidationError | undefined {
    if (e === null || typeof e !== "object" || seen.has(e)) return undefined;
    seen.add(e);
    if (LbstackValidationError.is(e)) return e;
    const nested = [(e as { cause?: unknown }).cause, ...(Array.isArray((e as { errors?: unknown }).errors) ? (e as { errors: unknown[] }).errors : [])];
    for (const n of nested) {
        const found = findValidationError(n, seen);
        if (found) return found;
    }
    return undefined;
}

/** The config a program sees: `Pulumi.yaml` values, then the stack file, then `--config` flags. */
export function resolveConfig(project: PulumiProject, options: PlanOptions): { stack: string; config: ConfigMap } {
    const config: ConfigMap = { ...project.config };
    let stack = options.stack;
    if (options.stackConfigFile !== undefined) {
        const file = readStackConfig(path.resolve(options.stackConfigFile), project.name);
        Object.assign(config, file.config);
        stack ??= file.stack;
    }
    for (const flag of options.config ?? []) applyConfigFlag(config, flag, project.name);
    return { stack: stack ?? "dev", config };
}

/**
 * Loads the module the way Pulumi's Node.js runtime does: a module that exports a function
 * (CommonJS or `export default`) is called; whatever comes out is awaited and is the outputs.
 */
async function runProgram(main: string): Promise<unknown> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(main);
    const fn = typeof mod === "function" ? mod : mod && mod.__esModule && typeof mod.default === "function" ? mod.default : undefined;
    return fn ? await fn() : await mod;
}

/**
 * Runs the project's real program under the mock runtime and builds the report. The program runs
 * with the project directory as working directory (as under `pulumi preview`); anything it
 * prints goes to stderr so that stdout carries only the report. Throws the program's error as is
 * (see {@link findValidationError}).
 */
export async function planProject(options: PlanOptions = {}): Promise<PlanResult> {
    const project = loadProject(options.dir ?? process.cwd());
    const { stack, config } = resolveConfig(project, options);
    registerTypeScriptHook(project.dir);

    const cwd = process.cwd();
    const stdoutWrite = process.stdout.write;
    const stackTraceLimit = Error.stackTraceLimit;
    process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
    if (!options.fullStackTraces && !process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = PLAN_STACK_TRACE_LIMIT;
    let run: PlanRun;
    try {
        process.chdir(project.dir);
        run = await runWithMocks(() => runProgram(project.main), { project: project.name, stack, config });
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
        process.stdout.write = stdoutWrite;
        process.chdir(cwd);
    }
    // `pulumi preview` fails a program that logged an error (pulumi.log.error); so does a plan.
    if (pulumi.log.hasErrors()) throw new Error("the program logged errors (see above)");
    const report: PlanReport = {
        project: project.name,
        stack,
        resources: run.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent, custom: r.custom, inputs: r.inputs, options: r.options })),
        outputs: run.outputs,
        figures: planFigures(run),
        warnings: planWarnings(run.components),
    };
    return { report, run, project };
}

/** The Mermaid diagram of a finished plan. */
export function planDiagram(result: PlanResult): string {
    return buildDiagram(result.run);
}
