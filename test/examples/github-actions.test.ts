import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateWorkflow } from "@action-validator/core";
import * as yaml from "js-yaml";
import { CLI, EXAMPLES, ROOT } from "./plan-examples";

/**
 * The workflow users copy from examples/github-actions: valid against the GitHub Actions
 * workflow schema (SchemaStore's, as compiled into @action-validator/core), and set up as its
 * README promises: tests on every change, preview with a PR comment, up on main, OIDC only,
 * one deploy per stack, the lbstack diagram on the pull request.
 */

const FILE = path.join(EXAMPLES, "github-actions/.github/workflows/lbstack.yml");
const text = fs.readFileSync(FILE, "utf8");
const workflow = yaml.load(text) as any;

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
const steps = (job: string): Step[] => workflow.jobs[job].steps;
const uses = (job: string, action: string): Step[] => steps(job).filter((s) => s.uses?.split("@")[0] === action);

/** Every error of a validation, flattened to `path: detail` lines. */
function problems(src: string): string[] {
    const flat = (errors: any[]): string[] => errors.flatMap((e) => [`${e.path ?? ""}: ${e.detail ?? e.title}`, ...(e.states ?? []).flatMap((s: any) => flat(s.errors))]);
    return flat(validateWorkflow(src).errors);
}

describe("the example GitHub Actions workflow", () => {
    test("is valid against the GitHub Actions workflow schema", () => {
        expect(problems(text)).toEqual([]);
    });

    test("the validator does catch a broken workflow (a misspelled key, a missing runs-on)", () => {
        expect(problems(text.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest")).join("\n")).toMatch(/runs_on|runs-on/);
    });

    test("runs on pull requests and on pushes to main", () => {
        expect(workflow.on.pull_request.branches).toEqual(["main"]);
        expect(workflow.on.push.branches).toEqual(["main"]);
    });

    test("runs the project's tests and lbstack plan on every event", () => {
        expect(workflow.jobs.test.if).toBeUndefined();
        const runs = steps("test").map((s) => s.run ?? "");
        expect(runs).toContain("npm ci");
        expect(runs).toContain("npm run test --if-present");
        expect(runs.some((r) => /\bnpx lbstack plan\b/.test(r))).toBe(true);
    });

    test("previews on pull requests only, after the tests, and posts the preview as a PR comment", () => {
        const job = workflow.jobs.preview;
        expect(job.needs).toBe("test");
        expect(job.if).toContain("github.event_name == 'pull_request'");
        const [pulumi] = uses("preview", "pulumi/actions");
        expect(pulumi.with).toMatchObject({ "command": "preview", "comment-on-pr": true, "stack-name": "${{ matrix.stack }}" });
        expect(job.permissions["pull-requests"]).toBe("write");
    });

    test("attaches the lbstack plan --diagram Mermaid file to the pull request as a comment", () => {
        const plan = steps("preview").find((s) => /lbstack plan .*--diagram lbstack-diagram\.md/.test(s.run ?? ""));
        expect(plan).toBeDefined();
        const [comment] = uses("preview", "actions/github-script");
        expect(comment.env?.DIAGRAM).toBe("${{ env.PROJECT_DIR }}/lbstack-diagram.md");
        expect(String(comment.with?.script)).toMatch(/readFileSync\(process\.env\.DIAGRAM/);
        expect(String(comment.with?.script)).toMatch(/createComment/);
        // The comment comes before the preview, so a failing preview still shows the diagram.
        const order = steps("preview").map((s) => s.uses?.split("@")[0] ?? s.name);
        expect(order.indexOf("actions/github-script")).toBeLessThan(order.indexOf("pulumi/actions"));
    });

    test("deploys with pulumi up on main only, after the tests, one deploy per stack at a time and never cancelled", () => {
        const job = workflow.jobs.deploy;
        expect(job.needs).toBe("test");
        expect(job.if).toContain("github.ref == 'refs/heads/main'");
        expect(job.if).not.toContain("pull_request");
        expect(job.concurrency).toEqual({ "group": "pulumi-${{ matrix.stack }}", "cancel-in-progress": false });
        expect(job.environment).toBe("${{ matrix.stack }}");
        const [pulumi] = uses("deploy", "pulumi/actions");
        expect(pulumi.with).toMatchObject({ "command": "up", "stack-name": "${{ matrix.stack }}" });
    });

    test("reaches AWS through OIDC role assumption only: id-token: write, role-to-assume, no access keys", () => {
        for (const job of ["preview", "deploy"]) {
            expect(workflow.jobs[job].permissions["id-token"]).toBe("write");
            const [aws] = uses(job, "aws-actions/configure-aws-credentials");
            expect(aws.with?.["role-to-assume"]).toMatch(/^\$\{\{ vars\.AWS_(PREVIEW|DEPLOY)_ROLE_ARN \}\}$/);
            expect(aws.with).not.toHaveProperty("aws-access-key-id");
            // Credentials come before the step that needs them.
            const order = steps(job).map((s) => s.uses?.split("@")[0]);
            expect(order.indexOf("aws-actions/configure-aws-credentials")).toBeLessThan(order.indexOf("pulumi/actions"));
        }
        expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-secret-access-key/);
        // The test job never touches AWS, and the workflow grants nothing by default.
        expect(workflow.jobs.test.permissions).toEqual({ contents: "read" });
        expect(workflow.permissions).toEqual({});
    });

    test("pins every action to a major version", () => {
        const all = Object.keys(workflow.jobs).flatMap((j) => steps(j).map((s) => s.uses).filter((u): u is string => u !== undefined));
        expect(all.length).toBeGreaterThan(0);
        for (const u of all) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    });

    test("the diagram step's command works: lbstack plan --stack dev --diagram writes a Mermaid block", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lbstack-diagram-"));
        const file = path.join(dir, "lbstack-diagram.md");
        await new Promise<void>((resolve, reject) => execFile(process.execPath,
            [CLI, "plan", "--dir", path.join(EXAMPLES, "quickstart"), "--stack", "dev", "--diagram", file],
            { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
            (error, _stdout, stderr) => (error ? reject(new Error(stderr)) : resolve())));
        const diagram = fs.readFileSync(file, "utf8");
        fs.rmSync(dir, { recursive: true, force: true });
        expect(diagram).toMatch(/^```mermaid\n/);
        expect(diagram.trimEnd()).toMatch(/```$/);
    });
});
