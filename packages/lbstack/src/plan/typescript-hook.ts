import * as fs from "fs";
import * as path from "path";

/**
 * A require hook for `.ts` files, so `lbstack plan` runs a TypeScript Pulumi program (Pulumi's
 * default `index.ts`) without a build step and without ts-node. It only transpiles (no type
 * check, like Pulumi's own transpile-only mode): type errors are `tsc`'s job.
 */

/** The part of the `typescript` module the hook uses (typed here so lbstack needs no dependency on it). */
interface TypeScriptApi {
    version: string;
    transpileModule(input: string, options: { fileName: string; compilerOptions: Record<string, unknown>; reportDiagnostics?: boolean }): { outputText: string };
    ModuleKind: { CommonJS: number };
    ScriptTarget: { ES2022: number };
}

let registered = false;

/**
 * Loads the project's own `typescript` (as Pulumi would), falling back to the one next to
 * lbstack; throws a message that says what to install when neither exists.
 */
export function loadTypeScript(projectDir: string): TypeScriptApi {
    for (const from of [projectDir, __dirname]) {
        try {
            return require(require.resolve("typescript", { paths: [from] })) as TypeScriptApi;
        } catch {
            // Try the next location.
        }
    }
    throw new Error(`a TypeScript program needs the typescript package: run \`npm install --save-dev typescript\` in ${projectDir}`);
}

/**
 * Registers the `.ts` hook once per process. `typescript` is loaded on the first `.ts` file,
 * so JavaScript programs never pay for it.
 */
export function registerTypeScriptHook(projectDir: string): void {
    if (registered) return;
    registered = true;
    let ts: TypeScriptApi | undefined;
    // require.extensions is deprecated but remains the supported way for CommonJS loaders (ts-node uses it too).
    require.extensions[".ts"] = (module: NodeModule, filename: string) => {
        ts ??= loadTypeScript(projectDir);
        const source = fs.readFileSync(filename, "utf8");
        const { outputText } = ts.transpileModule(source, {
            fileName: filename,
            compilerOptions: {
                module: ts.ModuleKind.CommonJS,
                target: ts.ScriptTarget.ES2022,
                esModuleInterop: true,
                // Pulumi programs often use `import x = require()` and JSON imports; both work in CommonJS.
                resolveJsonModule: true,
                sourceMap: false,
            },
        });
        (module as unknown as { _compile(code: string, file: string): void })._compile(outputText, path.resolve(filename));
    };
}
