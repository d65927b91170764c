import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    applyConfigFlag, ConfigMap, loadProject, parseConfigPath, PlanInputError, readStackConfig, SECRET_PLACEHOLDER,
} from "../../packages/lbstack/src/plan/project";

/** A throwaway project directory with the given files. */
function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lbstack-project-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

describe("loading a Pulumi project", () => {
    test("finds index.ts by default and takes project-level config defaults under the project's namespace", () => {
        const dir = project({
            "Pulumi.yaml": "name: shop\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nconfig:\n  size:\n    type: integer\n    default: 3\n  aws:region: eu-west-1\n",
            "index.ts": "",
        });
        expect(loadProject(dir)).toEqual({ dir, name: "shop", main: path.join(dir, "index.ts"), config: { "shop:size": 3, "aws:region": "eu-west-1" } });
    });

    test("follows main to a file or a directory", () => {
        expect(loadProject(project({ "Pulumi.yaml": "name: a\nruntime: nodejs\nmain: src/app.js\n", "src/app.js": "" })).main).toMatch(/src[/\\]app\.js$/);
        expect(loadProject(project({ "Pulumi.yaml": "name: a\nruntime: nodejs\nmain: prog/\n", "prog/index.js": "" })).main).toMatch(/prog[/\\]index\.js$/);
    });

    test("refuses a project of another runtime, or one without a program, saying which", () => {
        expect(() => loadProject(project({ "Pulumi.yaml": "name: a\nruntime: python\n" }))).toThrow(/runtime is "python"; lbstack plan runs Node.js programs/);
        expect(() => loadProject(project({ "Pulumi.yaml": "name: a\nruntime: nodejs\n" }))).toThrow(PlanInputError);
    });
});

describe("stack config files", () => {
    test("keep namespaced keys, give bare keys the project's namespace, and take the stack name from the file name", () => {
        const dir = project({ "Pulumi.prod.yaml": "config:\n  lbstack:stack:\n    primary:\n      capacity: { max: 10 }\n  aws:region: us-east-1\n  replicas: 2\n" });
        expect(readStackConfig(path.join(dir, "Pulumi.prod.yaml"), "lbstack")).toEqual({
            stack: "prod",
            config: { "lbstack:stack": { primary: { capacity: { max: 10 } } }, "aws:region": "us-east-1", "lbstack:replicas": 2 },
        });
    });

    test("show secrets as a placeholder: they cannot be decrypted without the Pulumi CLI", () => {
        const dir = project({ "Pulumi.dev.yaml": "config:\n  app:token:\n    secure: v1:abc\n" });
        expect(readStackConfig(path.join(dir, "Pulumi.dev.yaml"), "app").config).toEqual({ "app:token": SECRET_PLACEHOLDER });
    });
});

describe("--config flags", () => {
    test("a plain key takes the value as a string, like pulumi config set", () => {
        const config: ConfigMap = {};
        applyConfigFlag(config, "canaryWeight=50", "lbstack");
        applyConfigFlag(config, "aws:region=us-east-1", "lbstack");
        expect(config).toEqual({ "lbstack:canaryWeight": "50", "aws:region": "us-east-1" });
    });

    test("a path sets one field of a structured key, with numbers and booleans typed, like pulumi config set --path", () => {
        const config: ConfigMap = { "lbstack:stack": { primary: { capacity: { min: 2, max: 6 } } } };
        applyConfigFlag(config, "stack.primary.capacity.max=10", "lbstack");
        applyConfigFlag(config, "stack.loadBalancer.deletionProtection=true", "lbstack");
        applyConfigFlag(config, "stack.routes[0].paths[0]=/beta/*", "lbstack");
        expect(config["lbstack:stack"]).toEqual({
            primary: { capacity: { min: 2, max: 10 } },
            loadBalancer: { deletionProtection: true },
            routes: [{ paths: ["/beta/*"] }],
        });
    });

    test("parse Pulumi's path syntax, including quoted keys", () => {
        expect(parseConfigPath('stack.tags["team.name"]')).toEqual(["stack", "tags", "team.name"]);
        expect(parseConfigPath('["parent.name"].["nested.name"]')).toEqual(["parent.name", "nested.name"]);
        expect(() => parseConfigPath("stack..x")).toThrow(/cannot read the path/);
        expect(() => applyConfigFlag({}, "novalue", "p")).toThrow(/expected key=value/);
    });
});
