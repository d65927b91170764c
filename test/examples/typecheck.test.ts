import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { EXAMPLES } from "./plan-examples";

/**
 * `lbstack plan` only transpiles a program; `pulumi up` type-checks it (ts-node) with the
 * project's tsconfig.json. So every example must compile against the lbstack it imports, with
 * its own compiler options: one program over all of them keeps it to one type-check.
 */
test("every example type-checks with its own tsconfig.json against the lbstack it imports", () => {
    const dirs = fs.readdirSync(EXAMPLES)
        .map((d) => path.join(EXAMPLES, d))
        .filter((d) => fs.existsSync(path.join(d, "index.ts")) && fs.existsSync(path.join(d, "tsconfig.json")));
    expect(dirs.length).toBeGreaterThanOrEqual(6);

    // One program per distinct set of compiler options (the gallery shares one): one type-check each.
    const byOptions = new Map<string, { options: ts.CompilerOptions; files: string[] }>();
    for (const d of dirs) {
        const file = path.join(d, "tsconfig.json");
        const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config, ts.sys, d);
        expect(parsed.errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, "\n"))).toEqual([]);
        // outDir is resolved per folder; nothing is emitted, so it does not matter here.
        const options = { ...parsed.options, outDir: undefined, noEmit: true };
        const key = JSON.stringify(options);
        const group = byOptions.get(key) ?? { options, files: [] as string[] };
        group.files.push(...parsed.fileNames);
        byOptions.set(key, group);
    }

    const problems = [...byOptions.values()].flatMap(({ options, files }) => ts.getPreEmitDiagnostics(ts.createProgram(files, options)).map((d) => {
        const where = d.file ? `${path.relative(EXAMPLES, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : "";
        return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    }));
    expect(problems).toEqual([]);
});
