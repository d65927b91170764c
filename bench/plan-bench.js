#!/usr/bin/env node
// `npm run bench`: wall time and peak memory of `lbstack plan` on 1, 10 and 100 LoadBalancedStacks
// (bench/library) next to a hand-written @pulumi/aws program that registers the same resources
// (bench/handwritten), plus the root project's default stack. Every measurement is a fresh
// `node packages/lbstack/dist/cli/main.js plan --json` process, so memory is per run; the time is
// the wall time the parent sees (node start-up included: what a user waits for), the median of
// --runs runs (default 3, the two programs interleaved). Peak RSS comes from the child's getrusage
// (bench/measure-rss.js).
//
// Usage: npm run bench [-- --runs 1] [-- --sizes 1,10]
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CLI = path.join(ROOT, "packages/lbstack/dist/cli/main.js");
const PRELOAD = path.join(__dirname, "measure-rss.js");
const PROGRAMS = { library: path.join(__dirname, "library"), handwritten: path.join(__dirname, "handwritten") };
/** The targets from the issue, checked at the end. */
const TARGETS = { defaultStackMs: 3000, ratio: 1.25, hundredStacksMs: 30000, hundredStacksMiB: 2048 };

function option(name, fallback) {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const RUNS = Number(option("runs", "3"));
const SIZES = option("sizes", "1,10,100").split(",").map(Number);

/** One fresh `lbstack plan` process: wall ms, peak RSS MiB and (when asked) its JSON report. */
function planOnce(dir, args, keepOutput = false) {
    const rssFile = path.join(os.tmpdir(), `lbstack-bench-${process.pid}-${Date.now()}.json`);
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ["--require", PRELOAD, CLI, "plan", "--dir", dir, "--json", ...args], {
        cwd: ROOT,
        env: { ...process.env, LBSTACK_BENCH_RSS_FILE: rssFile },
        stdio: ["ignore", keepOutput ? "pipe" : "ignore", "pipe"],
        maxBuffer: 1 << 30,
        encoding: "utf8",
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (child.status !== 0) throw new Error(`lbstack plan --dir ${path.relative(ROOT, dir)} ${args.join(" ")} exited ${child.status}:\n${child.stderr}`);
    const { maxRssKiB, cpuMicros } = JSON.parse(fs.readFileSync(rssFile, "utf8"));
    fs.rmSync(rssFile, { force: true });
    return { ms, cpuMs: cpuMicros / 1000, mib: maxRssKiB / 1024, report: keepOutput ? JSON.parse(child.stdout) : undefined };
}

function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median time and peak memory of `runs` fresh processes. */
function summary(samples) {
    return { ms: median(samples.map((s) => s.ms)), cpuMs: median(samples.map((s) => s.cpuMs)), mib: median(samples.map((s) => s.mib)) };
}

function measure(dir, args) {
    return summary(Array.from({ length: RUNS }, () => planOnce(dir, args)));
}

/**
 * Both programs at one size, runs interleaved (and the order flipped every run) so that load from
 * other processes on the machine falls on both sides alike.
 */
function measurePair(n) {
    const args = ["--config", `stacks=${n}`];
    const lib = [];
    const hand = [];
    for (let i = 0; i < RUNS; i++) {
        const order = i % 2 === 0 ? [["library", lib], ["handwritten", hand]] : [["handwritten", hand], ["library", lib]];
        for (const [program, samples] of order) samples.push(planOnce(PROGRAMS[program], args));
    }
    return { lib: summary(lib), hand: summary(hand) };
}

/** `type → count` of a plan report: the two programs must register the same resources to be compared. */
function typeCounts(report) {
    const counts = {};
    for (const r of report.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return counts;
}

function sameResources() {
    const [a, b] = ["library", "handwritten"].map((k) => typeCounts(planOnce(PROGRAMS[k], ["--config", "stacks=1"], true).report));
    const types = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    const diff = types.filter((t) => a[t] !== b[t]).map((t) => `${t}: library ${a[t] ?? 0}, hand-written ${b[t] ?? 0}`);
    const total = Object.values(a).reduce((n, c) => n + c, 0);
    return { total, diff };
}

function pad(cells, widths) {
    return cells.map((c, i) => String(c).padStart(widths[i])).join("  ");
}

function main() {
    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    console.log(`lbstack plan benchmark, ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, median of ${RUNS} run(s)\n`);

    const check = sameResources();
    if (check.diff.length > 0) {
        console.log(`WARNING: the programs register different resources per stack, so the comparison is off:\n  ${check.diff.join("\n  ")}\n`);
    } else {
        console.log(`Both programs register the same ${check.total} resources per stack (types and counts checked).\n`);
    }

    const root = measure(ROOT, []);
    console.log(`Root project default stack (index.ts, transpiled on load): ${root.ms.toFixed(0)} ms, peak ${root.mib.toFixed(0)} MiB\n`);

    const widths = [6, 10, 15, 6, 16, 21, 14, 19, 9];
    console.log(pad(["stacks", "library ms", "hand-written ms", "ratio", "library peak MiB", "hand-written peak MiB", "library CPU ms", "hand-written CPU ms", "CPU ratio"], widths));
    const rows = [];
    for (const n of SIZES) {
        const { lib, hand } = measurePair(n);
        rows.push({ n, lib, hand });
        console.log(pad([n, lib.ms.toFixed(0), hand.ms.toFixed(0), (lib.ms / hand.ms).toFixed(2), lib.mib.toFixed(0), hand.mib.toFixed(0),
            lib.cpuMs.toFixed(0), hand.cpuMs.toFixed(0), (lib.cpuMs / hand.cpuMs).toFixed(2)], widths));
    }

    if (rows.length > 1) {
        const first = rows[0];
        const last = rows[rows.length - 1];
        const perStack = (k) => ((last[k].ms - first[k].ms) / (last.n - first.n)).toFixed(0);
        console.log(`\nLinearity: ${perStack("lib")} ms per stack (library), ${perStack("hand")} ms per stack (hand-written), between ${first.n} and ${last.n} stacks`);
        for (let i = 1; i < rows.length; i++) {
            const a = rows[i - 1];
            const b = rows[i];
            console.log(`  ${a.n} → ${b.n} stacks: ${((b.lib.ms - a.lib.ms) / (b.n - a.n)).toFixed(0)} ms/stack library, ${((b.hand.ms - a.hand.ms) / (b.n - a.n)).toFixed(0)} ms/stack hand-written`);
        }
    }

    console.log("\nTargets:");
    const line = (ok, text) => console.log(`  ${ok ? "met   " : "MISSED"} ${text}`);
    line(root.ms < TARGETS.defaultStackMs, `default stack plans in < 3 s (${(root.ms / 1000).toFixed(2)} s)`);
    const worst = Math.max(...rows.map((r) => r.lib.ms / r.hand.ms));
    const worstCpu = Math.max(...rows.map((r) => r.lib.cpuMs / r.hand.cpuMs));
    line(worst <= TARGETS.ratio, `library ≤ 1.25 × hand-written, wall time (worst ${worst.toFixed(2)} ×)`);
    line(worstCpu <= TARGETS.ratio, `library ≤ 1.25 × hand-written, CPU time (worst ${worstCpu.toFixed(2)} ×)`);
    console.log(`  (load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; wall times swing with other work on the machine, CPU times much less)`);
    const hundred = rows.find((r) => r.n === 100);
    if (hundred) {
        line(hundred.lib.ms < TARGETS.hundredStacksMs, `100 stacks in < 30 s (${(hundred.lib.ms / 1000).toFixed(1)} s)`);
        line(hundred.lib.mib < TARGETS.hundredStacksMiB, `100 stacks in < 2 GiB (${hundred.lib.mib.toFixed(0)} MiB)`);
    }
}

main();
