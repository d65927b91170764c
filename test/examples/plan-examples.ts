import { execFile } from "child_process";
import * as path from "path";

/** The repository root and the example gallery. */
export const ROOT = path.resolve(__dirname, "../..");
export const EXAMPLES = path.join(ROOT, "examples");
/** The built `lbstack` CLI (`npm test` builds it before Jest starts). */
export const CLI = path.join(ROOT, "packages/lbstack/dist/cli/main.js");

/** The parts of `lbstack plan --json` the example tests read. */
export interface PlanJson {
    project: string;
    resources: { type: string; name: string; parent: string | null; inputs: Record<string, any>; options: Record<string, any> }[];
    outputs: Record<string, unknown>;
    figures: Record<string, any>;
    warnings: { message?: string }[];
    /** The lbstack-policy findings (every example is planned with `--policy`). */
    policy: { mandatory: number; violations: { policyName: string; enforcementLevel: string; resourceName: string; message: string }[] };
}

/**
 * Runs `lbstack plan --dir examples/<name> --json --policy` (plus `--config` flags) in a child process,
 * the way a user would, and parses its report. Rejects with the CLI's stderr on a non-zero exit.
 */
export function planExample(name: string, config: string[] = []): Promise<PlanJson> {
    const args = [CLI, "plan", "--dir", path.join(EXAMPLES, name), "--json", "--policy", ...config.flatMap((c) => ["--config", c])];
    return new Promise((resolve, reject) => {
        execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (error) {
                reject(new Error(`lbstack plan ${name} ${config.join(" ")} exited ${error.code}:\n${stderr}`));
                return;
            }
            resolve(JSON.parse(stdout) as PlanJson);
        });
    });
}

/** The resource with this logical name; throws listing the names there are. */
export function resource(plan: PlanJson, name: string): PlanJson["resources"][number] {
    const r = plan.resources.find((x) => x.name === name);
    if (!r) throw new Error(`${plan.project}: no resource named ${name}; have ${plan.resources.map((x) => x.name).join(", ")}`);
    return r;
}

export function ofType(plan: PlanJson, type: string): PlanJson["resources"] {
    return plan.resources.filter((r) => r.type === type);
}

/** The forward weights of the main listener's default action, in the order lbstack writes them (primary, backup). */
export function listenerWeights(plan: PlanJson): number[] {
    const action = resource(plan, "app-lb-listener").inputs.defaultActions[0];
    return action.forward.targetGroups.map((t: { weight: number }) => t.weight);
}
