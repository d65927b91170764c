#!/usr/bin/env node
/**
 * `npm run test:aws`: runs test/aws/quickstart.aws.ts with plain Node. A require hook transpiles
 * the .ts files with the repository's own TypeScript (no ts-node, no type check: `tsc` does that),
 * and the test's exit status becomes the process's: 0 passed or skipped, 1 failed.
 */
"use strict";
const fs = require("fs");
const ts = require("typescript");

require.extensions[".ts"] = (module, filename) => {
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
    });
    module._compile(outputText, filename);
};

require("./quickstart.aws.ts").main().then(
    (code) => {
        process.exitCode = code;
        // The AWS SDK's idle sockets must not keep a finished run alive; the timer itself keeps nothing alive.
        setTimeout(() => process.exit(code), 10000).unref();
    },
    (error) => {
        process.stderr.write(`lbstack real-AWS test crashed: ${error && error.stack ? error.stack : String(error)}\n`);
        process.exitCode = 1;
    },
);
