// Preloaded (node --require) into each benchmarked `lbstack plan` process: at exit, writes the
// process's peak resident set size and CPU time to the file named by LBSTACK_BENCH_RSS_FILE.
// Both come from getrusage (ru_maxrss, ru_utime + ru_stime), so they cover the whole run, not a
// sample; CPU time barely moves when other processes load the machine, wall time does.
const fs = require("fs");

process.on("exit", () => {
    const file = process.env.LBSTACK_BENCH_RSS_FILE;
    const usage = process.resourceUsage();
    if (file) fs.writeFileSync(file, JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMicros: usage.userCPUTime + usage.systemCPUTime }));
});
