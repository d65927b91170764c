#!/usr/bin/env node
/**
 * The `lbstack` command. `lbstack plan` runs a Pulumi project's program under the Pulumi SDK's
 * mock runtime (no cloud, no Pulumi CLI, no credentials) and reports what it would register, the
 * figures of each LoadBalancedStack and warnings.
 *
 * Exit status: 0 planned; 2 the lbstack configuration is invalid (one `path (value): message`
 * line per problem on stderr, nothing on stdout); 1 anything else (the cause on stderr).
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { formatIssue } from "../common/validation";
import { findValidationError, planDiagram, planProject } from "../plan/plan";
import { renderText } from "../plan/render";
import { renderPolicy, runPolicyPack } from "../plan/policy";

/** Exit statuses of `lbstack`. */
export const EXIT = { ok: 0, failure: 1, invalidConfig: 2, policyViolation: 3 } as const;

const USAGE = `Usage: lbstack plan [options]

Runs the Pulumi program of a project under Pulumi's mock runtime (nothing is deployed, no
credentials needed) and prints the resources, the figures of each LoadBalancedStack and warnings.

Options:
  --dir PATH             project directory with Pulumi.yaml (default: current directory)
  --stack-config FILE    take config from a stack file such as Pulumi.dev.yaml
  --config KEY=VALUE     set one config value, after the stack file; repeatable. A path sets one
                         field like pulumi config set --path: --config stack.primary.capacity.max=10
  --stack NAME           stack name the program sees (default: from the stack file name, else dev)
  --json                 print the plan as JSON only
  --diagram FILE         write a Mermaid flowchart of the architecture (.md: in a mermaid fence)
  --policy               run the lbstack-policy pack on the plan; exit 3 on a mandatory violation
  --stack-traces         keep full stack traces while the program runs (slower; by default an
                         error shows only the frame that threw)
  -h, --help             show this help

Exit status: 0 planned, 2 invalid configuration, 3 a mandatory policy violation (--policy),
1 any other failure.
`;

/** Parsed command line. */
interface Command {
    help: boolean;
    command?: string;
    dir?: string;
    stackConfig?: string;
    config: string[];
    stack?: string;
    json: boolean;
    diagram?: string;
    policy: boolean;
    stackTraces: boolean;
}

/** Thrown for a bad command line: the usage goes with it. */
class UsageError extends Error {}

function parseCommand(argv: string[]): Command {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                "dir": { type: "string" },
                "stack-config": { type: "string" },
                "config": { type: "string", multiple: true },
                "stack": { type: "string" },
                "json": { type: "boolean" },
                "diagram": { type: "string" },
                "policy": { type: "boolean" },
                "stack-traces": { type: "boolean" },
                "help": { type: "boolean", short: "h" },
            },
        });
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`);
    return {
        help: values.help ?? false,
        command: positionals[0],
        dir: values.dir,
        stackConfig: values["stack-config"],
        config: values.config ?? [],
        stack: values.stack,
        json: values.json ?? false,
        diagram: values.diagram,
        policy: values.policy ?? false,
        stackTraces: values["stack-traces"] ?? false,
    };
}

/** Writes `text` to stdout and resolves once it is flushed (process.exit would cut a large pipe write). */
function writeStdout(text: string): Promise<void> {
    return new Promise((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

function fail(error: unknown): number {
    const invalid = findValidationError(error);
    if (invalid) {
        for (const issue of invalid.issues) process.stderr.write(`${formatIssue(issue)}\n`);
        return EXIT.invalidConfig;
    }
    if (error instanceof UsageError) {
        process.stderr.write(`lbstack: ${error.message}\n\n${USAGE}`);
        return EXIT.failure;
    }
    const message = error instanceof Error ? (error.name === "PlanInputError" ? error.message : error.stack ?? error.message) : String(error);
    process.stderr.write(`lbstack plan failed: ${message}\n`);
    return EXIT.failure;
}

/** Lets pending rejections surface: a failed registration rejects a few turns after the run ends. */
function settle(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * Runs the CLI with `argv` (without node and the script) and returns the exit status. Installs
 * process-wide handlers for errors the program leaves unhandled (a rejected Output, a throw inside
 * `apply`): they decide the exit status even when they arrive after the report is written.
 */
export async function main(argv: string[]): Promise<number> {
    const stray: unknown[] = [];
    let done = false;
    const onStray = (e: unknown) => {
        stray.push(e);
        if (done) process.exitCode = fail(e);
    };
    process.on("unhandledRejection", onStray);
    process.on("uncaughtException", onStray);
    try {
        const cmd = parseCommand(argv);
        if (cmd.help) {
            await writeStdout(USAGE);
            return EXIT.ok;
        }
        if (cmd.command !== "plan") throw new UsageError(cmd.command ? `unknown command: ${cmd.command}` : "missing command");
        const result = await planProject({ dir: cmd.dir, stackConfigFile: cmd.stackConfig, config: cmd.config, stack: cmd.stack, fullStackTraces: cmd.stackTraces });
        await settle();
        if (stray.length > 0) return fail(stray.find((e) => findValidationError(e)) ?? stray[0]);
        if (cmd.diagram !== undefined) {
            const diagram = planDiagram(result);
            const file = path.resolve(cmd.diagram);
            fs.writeFileSync(file, /\.(md|markdown)$/i.test(file) ? "```mermaid\n" + diagram + "```\n" : diagram);
        }
        const policy = cmd.policy ? await runPolicyPack(result.report.resources, result.project.dir) : undefined;
        const report = policy ? { ...result.report, policy } : result.report;
        await writeStdout(cmd.json ? JSON.stringify(report, null, 2) + "\n" : renderText(result.report, result.run.resources) + (policy ? renderPolicy(policy) : ""));
        return policy && policy.mandatory > 0 ? EXIT.policyViolation : EXIT.ok;
    } catch (error) {
        await settle();
        return fail(error);
    } finally {
        done = true;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode ??= code;
        if (code !== EXIT.ok) process.exitCode = code;
    }, (e) => {
        process.stderr.write(`lbstack: ${String(e)}\n`);
        process.exitCode = EXIT.failure;
    });
}
