import * as fs from "fs";
import * as path from "path";
import { AppGroup, LbstackValidationError, parseStackSpec } from "../../packages/lbstack/src";
import { runWithMocks } from "../../packages/lbstack/src/plan/mock-runtime";

/**
 * The README's "compose your own" snippet (`AppGroup` + `parseStackSpec`) is run as written: its
 * code is read from README.md, so an edit that breaks it fails here instead of in a user's program.
 * The README's list of transform keys is compared with the `…Transforms` interfaces.
 */
const README = path.resolve(__dirname, "../../README.md");
const SRC = path.resolve(__dirname, "../../packages/lbstack/src");

/** The ```ts blocks of README.md, in order. */
function tsBlocks(): string[] {
    const text = fs.readFileSync(README, "utf8");
    return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** The README block that composes an `AppGroup` from `parseStackSpec`. */
function appGroupSnippet(): string {
    const blocks = tsBlocks().filter((b) => b.includes("parseStackSpec(") && b.includes("new AppGroup("));
    expect(blocks).toHaveLength(1);
    return blocks[0];
}

/** The argument text of the first `call(` in `code`, up to its balanced closing parenthesis. */
function callArgument(code: string, call: string): string {
    const start = code.indexOf(`${call}(`);
    if (start < 0) throw new Error(`no ${call}( in the snippet`);
    let depth = 0;
    for (let i = start + call.length; i < code.length; i++) {
        if (code[i] === "(") depth++;
        if (code[i] === ")" && --depth === 0) return code.slice(start + call.length + 1, i);
    }
    throw new Error(`unbalanced ${call}( in the snippet`);
}

/** Evaluates an object-literal argument (plain data: no identifiers from the snippet's scope). */
function literal(text: string): unknown {
    return new Function(`return (${text});`)();
}

test("the snippet's parseStackSpec argument is valid", () => {
    const arg = literal(callArgument(appGroupSnippet(), "parseStackSpec"));
    expect(() => parseStackSpec(arg)).not.toThrow();
});

test("the whole snippet runs: the AppGroup it builds registers without a validation error", async () => {
    // The snippet minus its import, with its free variables (the caller's VPC, subnets, target
    // group and load balancer security group) given as plain values.
    const body = appGroupSnippet().replace(/^import .*\n/m, "");
    const run = new Function("AppGroup", "parseStackSpec", "vpcId", "privateSubnetIds", "myTargetGroup", "myLoadBalancerSg", `${body}\nreturn workers;`);
    let caught: unknown;
    let workers: AppGroup | undefined;
    const plan = await runWithMocks(() => {
        try {
            workers = run(AppGroup, parseStackSpec, "vpc-0123456789abcdef0", ["subnet-a", "subnet-b"],
                { arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123456789abcdef" }, { id: "sg-0123456789abcdef0" });
        } catch (e) {
            caught = e;
        }
        return {};
    });
    if (caught) throw new Error(`the README snippet throws: ${LbstackValidationError.is(caught) ? caught.message : String(caught)}`);
    expect(workers).toBeInstanceOf(AppGroup);
    expect(plan.resources.map((r) => r.type)).toContain("aws:autoscaling/group:Group");
});

/** The optional fields of `export interface <name>` in `file` (relative to src). */
function interfaceKeys(file: string, name: string): string[] {
    const text = fs.readFileSync(path.join(SRC, file), "utf8");
    const body = new RegExp(`export interface ${name}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(text);
    if (!body) throw new Error(`no interface ${name} in ${file}`);
    return [...body[1].matchAll(/^ {4}(\w+)\?:/gm)].map((m) => m[1]);
}

test("the README lists every transform key of LoadBalancedStack, and no other", () => {
    const readme = fs.readFileSync(README, "utf8");
    const start = readme.indexOf("Transform keys");
    const end = readme.indexOf("A transform that turns", start);
    expect(start).toBeGreaterThan(0);
    const listed = new Set([...readme.slice(start, end).matchAll(/`([a-z]\w*)`/g)].map((m) => m[1]));
    const keys = new Set([
        ...interfaceKeys("stack/load-balanced-stack.ts", "LoadBalancedStackTransforms"),
        ...interfaceKeys("load-balancer/load-balancer.ts", "LoadBalancerTransforms"),
        ...interfaceKeys("app-group/app-group.ts", "AppGroupTransforms"),
        ...interfaceKeys("failover/controller.ts", "FailoverControllerTransforms"),
        ...interfaceKeys("monitoring/monitoring.ts", "MonitoringTransforms"),
    ]);
    expect(keys.size).toBeGreaterThan(20); // the regexes found the interfaces
    expect([...listed].sort()).toEqual([...keys].sort());
});
