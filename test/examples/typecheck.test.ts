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

    const options = dirs.map((d) => {
        const file = path.join(d, "tsconfig.json");
        const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config, ts.sys, d);
        expect(parsed.errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, "\n"))).toEqual([]);
        // outDir is resolved per folder; nothing is emitted, so it does not matter here.
        return { ...parsed.options, outDir: undefined, noEmit: true };
    });
    // One program needs one set of options: the examples share theirs, and this says so if one drifts.
    for (const o of options) expect(o).toEqual(options[0]);

    const program = ts.createProgram(dirs.map((d) => path.join(d, "index.ts")), options[0]);
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
        const where = d.file ? `${path.relative(EXAMPLES, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : "";
        return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
    expect(problems).toEqual([]);
});
