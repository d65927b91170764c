#!/usr/bin/env node
// The `lbstack` command. This small file is committed (dist/ is built) so that npm links the bin
// at install time, before the TypeScript build has produced dist/cli/main.js.
"use strict";
let cli;
try {
    cli = require("../dist/cli/main.js");
} catch (e) {
    if (e && e.code === "MODULE_NOT_FOUND" && String(e.message).includes("dist/cli/main.js")) {
        process.stderr.write("lbstack: not built yet; run `npm run build` first\n");
        process.exit(1);
    }
    throw e;
}
cli.main(process.argv.slice(2)).then((code) => {
    process.exitCode ??= code;
    if (code !== 0) process.exitCode = code;
}, (e) => {
    process.stderr.write(`lbstack: ${String(e)}\n`);
    process.exitCode = 1;
});
