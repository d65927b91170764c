/**
 * The real-AWS test: deploys examples/quickstart to a fresh stack with the Pulumi Automation API,
 * checks the 90/10 split on real requests, makes every primary instance fail its health check
 * (the demo server's unhealthy switch), measures how long the backup takes to get all requests
 * and how long failback takes, compares both with the plan's modeled figures, and destroys and
 * removes the stack on every path.
 *
 * Run: `LBSTACK_AWS_TESTS=1 npm run test:aws` with AWS credentials and the pulumi CLI (logged
 * in to a backend). Costs and output: docs/aws-test.md. `npm test` never runs it (its name does
 * not end in .test.ts).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as path from "path";
import {
    AutoScalingClient, DescribeAutoScalingGroupsCommand, ResumeProcessesCommand, SuspendProcessesCommand,
} from "@aws-sdk/client-auto-scaling";
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from "@aws-sdk/client-ssm";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { GROUP_DEFAULTS } from "../../packages/lbstack/src/app-group/schema";
import { DEMO_UNHEALTHY_FILE } from "../../packages/lbstack/src/demo/user-data";
import { failoverFigures, resolveFailover } from "../../packages/lbstack/src/failover/schema";
import {
    allFrom, binomialRange, firstAfter, groupOf, missingPrerequisites, modeledTiming, ModeledTiming, processEnvironment,
    Sample, skipLine, split,
} from "./measure";

/** SSM commands that flip the demo server's health check on the primary instances (the instances keep running). */
const FAIL_HEALTH_CHECK = `touch ${DEMO_UNHEALTHY_FILE}`;
const PASS_HEALTH_CHECK = `rm -f ${DEMO_UNHEALTHY_FILE}`;

const ROOT = path.resolve(__dirname, "../..");
const WORK_DIR = path.join(ROOT, "examples/quickstart");
const CLI = path.join(ROOT, "packages/lbstack/dist/cli/main.js");

/** Bounds: every wait in the test ends by itself. */
const LIMITS = {
    urlAnswersMs: 10 * 60_000,
    commandMs: 3 * 60_000,
    failoverMs: 5 * 60_000,
    failbackMs: 6 * 60_000,
    requestTimeoutMs: 5_000,
};
/** Requests in each weight check, and how long a group must take every request to count as "all". */
const SAMPLE_SIZE = 300;
const HOLD_MS = 20_000;
/** Pause between requests while timing failover and failback (4 requests a second). */
const TICK_MS = 250;
/**
 * Slack over the modeled figures before a measured time fails the test. The figures already count
 * the longest wait between two polls (`pollGapSeconds`, the one across the minute); the slack is
 * for SSM delivery (both times are counted from sending the command, not from when the file
 * changed on the instances), a Lambda start-up slower than the model's 3 s allowance, and sampling.
 */
const SLACK_SECONDS = 10;

/** Set by the first Ctrl-C or SIGTERM: every wait stops, and the stack is destroyed before exiting. */
const interruption = new AbortController();
function stopIfInterrupted(): void {
    if (interruption.signal.aborted) throw new Error("interrupted");
}

const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One GET on a fresh connection (no keep-alive: every request is routed on its own). */
function get(url: string): Promise<{ status: number; body: string }> {
    const lib = url.startsWith("https:") ? https : http;
    return new Promise((resolve) => {
        const req = lib.get(url, { agent: false, timeout: LIMITS.requestTimeoutMs }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (c) => { body += c; });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", () => resolve({ status: 0, body: "" }));
    });
}

async function sample(url: string): Promise<Sample> {
    const { status, body } = await get(url);
    return { at: Date.now(), group: groupOf(status, body) };
}

/** `n` requests, 10 at a time. */
async function sampleMany(url: string, n: number): Promise<Sample[]> {
    const out: Sample[] = [];
    for (let i = 0; i < n; i += 10) {
        stopIfInterrupted();
        out.push(...await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => sample(url))));
    }
    return out;
}

/**
 * Samples every TICK_MS in the background from `start()` on, so a change is timed by the
 * requests themselves, on this machine's clock, from before the command that causes it.
 */
class Sampler {
    readonly samples: Sample[] = [];
    private running = false;
    private loop: Promise<void> = Promise.resolve();

    constructor(private readonly url: string) {}

    start(): void {
        this.running = true;
        this.loop = (async () => {
            while (this.running) {
                this.samples.push(await sample(this.url));
                await sleep(TICK_MS);
            }
        })();
    }

    /** Resolves once `done(samples)` holds, or after `limitMs` (then `false`). */
    async until(limitMs: number, done: (s: Sample[]) => boolean): Promise<boolean> {
        const end = Date.now() + limitMs;
        while (Date.now() < end) {
            stopIfInterrupted();
            if (done(this.samples)) return true;
            await sleep(TICK_MS);
        }
        return done(this.samples);
    }

    async stop(): Promise<void> {
        this.running = false;
        await this.loop;
    }
}

/** Checks a split against the weights; returns a line for the summary and whether it passed. */
function checkSplit(what: string, samples: Sample[], backupShare: number): { line: string; ok: boolean } {
    const counts = split(samples);
    const range = binomialRange(samples.length, backupShare);
    const ok = counts.error === 0 && counts.backup >= range.min && counts.backup <= range.max;
    return {
        ok,
        line: `${what}: ${counts.primary} primary, ${counts.backup} backup, ${counts.error} errors of ${samples.length} ` +
            `(backup expected ${range.expected.toFixed(0)}, accepted ${range.min}–${range.max}, no errors)`,
    };
}

/** `lbstack plan --json` of the quickstart: the modeled figures the measurements are compared with. */
function planFigures(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
        execFile(process.execPath, [CLI, "plan", "--dir", WORK_DIR, "--json"], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (error) reject(new Error(`lbstack plan failed: ${stderr}`));
            else resolve(JSON.parse(stdout).figures);
        });
    });
}

/** Runs a shell command on instances through SSM Run Command and waits until it succeeded everywhere. */
async function runOnInstances(ssm: SSMClient, instanceIds: string[], commands: string[]): Promise<void> {
    const sent = await ssm.send(new SendCommandCommand({
        DocumentName: "AWS-RunShellScript", InstanceIds: instanceIds, Parameters: { commands }, TimeoutSeconds: 60,
        Comment: "lbstack real-AWS test",
    }));
    const id = sent.Command!.CommandId!;
    const end = Date.now() + LIMITS.commandMs;
    const pending = new Set(instanceIds);
    while (pending.size > 0) {
        stopIfInterrupted();
        if (Date.now() > end) throw new Error(`SSM command ${id} did not finish on ${[...pending].join(", ")} within ${LIMITS.commandMs / 1000} s`);
        await sleep(1000);
        for (const instanceId of [...pending]) {
            try {
                const inv = await ssm.send(new GetCommandInvocationCommand({ CommandId: id, InstanceId: instanceId }));
                if (inv.Status === "Success") pending.delete(instanceId);
                else if (inv.Status && ["Cancelled", "TimedOut", "Failed"].includes(inv.Status)) {
                    throw new Error(`SSM command ${id} ${inv.Status} on ${instanceId}: ${inv.StandardErrorContent ?? ""}`);
                }
            } catch (e) {
                // The invocation is not visible for a moment after SendCommand.
                if ((e as Error).name !== "InvocationDoesNotExist") throw e;
            }
        }
    }
}

async function groupState(asg: AutoScalingClient, name: string): Promise<{ desired: number; inService: string[] }> {
    const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
    const g = out.AutoScalingGroups?.[0];
    if (!g) throw new Error(`auto-scaling group ${name} not found`);
    return { desired: g.DesiredCapacity ?? 0, inService: (g.Instances ?? []).filter((i) => i.LifecycleState === "InService").map((i) => i.InstanceId!) };
}

/** Seconds, one decimal. */
const seconds = (ms: number) => Math.round(ms / 100) / 10;

interface Result { line: string; ok: boolean }

/** The test itself, once the stack is up. Returns the summary lines. */
async function exercise(outputs: { url: string; primaryGroupName: string; backupGroupName: string }, modeled: ModeledTiming, region: string): Promise<Result[]> {
    const { url, primaryGroupName, backupGroupName } = outputs;
    const results: Result[] = [];
    const record = (r: Result) => {
        results.push(r);
        log(`${r.ok ? "ok  " : "FAIL"} ${r.line}`);
    };
    const asg = new AutoScalingClient({ region });
    const ssm = new SSMClient({ region });

    log(`waiting for ${url} to answer (at most ${LIMITS.urlAnswersMs / 60_000} min)`);
    const waiting = new Sampler(url);
    const waitStart = Date.now();
    waiting.start();
    const answering = await waiting.until(LIMITS.urlAnswersMs, (s) => s.length >= 20 && s.slice(-20).every((x) => x.group !== "error"));
    await waiting.stop();
    if (!answering) throw new Error(`${url} did not answer 20 requests in a row within ${LIMITS.urlAnswersMs / 60_000} min`);
    log(`answering after ${seconds(Date.now() - waitStart)} s`);

    log(`sampling ${SAMPLE_SIZE} requests against the configured weights 90/10`);
    record(checkSplit("split before failover", await sampleMany(url, SAMPLE_SIZE), 0.1));

    const primary = await groupState(asg, primaryGroupName);
    const backupBefore = await groupState(asg, backupGroupName);
    log(`primary instances ${primary.inService.join(", ")}; backup desired ${backupBefore.desired}`);
    // The ASG would replace the unhealthy instances (ELB health checks) and fail back by itself; the
    // test measures the controller, so self-healing is paused on the primary group until the end.
    await asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: primaryGroupName, ScalingProcesses: ["HealthCheck", "ReplaceUnhealthy"] }));
    const sampler = new Sampler(url);
    try {
        sampler.start();
        log(`failing the health check of every primary instance (SSM: ${FAIL_HEALTH_CHECK})`);
        const sentAt = Date.now();
        await runOnInstances(ssm, primary.inService, [FAIL_HEALTH_CHECK]);
        await sampler.until(LIMITS.failoverMs, (s) => allFrom(s.filter((x) => x.at >= sentAt), "backup", HOLD_MS) !== undefined);
        const down = sampler.samples.filter((x) => x.at >= sentAt);
        // The primary keeps answering / (its target group fails open until the controller moves
        // traffic), so no request marks the failure: it is timed from sending the command, on the
        // same clock as the end, pessimistic by SSM's delivery.
        const allBackup = allFrom(down, "backup", HOLD_MS);
        if (allBackup === undefined) {
            record({ ok: false, line: `failover: the backup did not take every request within ${LIMITS.failoverMs / 60_000} min (${JSON.stringify(split(down))})` });
            return results;
        }
        const failover = seconds(allBackup - sentAt);
        record({
            ok: failover <= modeled.failoverSeconds + SLACK_SECONDS,
            line: `failover: ${failover} s from the command to every request on the backup ` +
                `(modeled worst case ${modeled.failoverSeconds} s, floor ${modeled.floorSeconds} s, accepted up to ${modeled.failoverSeconds + SLACK_SECONDS} s); ` +
                `${split(down).error} failed requests meanwhile`,
        });
        const backupDuring = await groupState(asg, backupGroupName);
        const raisedTo = Math.min(primary.desired, 3);
        record({
            ok: backupDuring.desired >= raisedTo,
            line: `scale-out: backup desired ${backupBefore.desired} → ${backupDuring.desired} during the failover (expected ${raisedTo}: the primary's desired, within the backup's max 3)`,
        });

        log(`passing the health check again on the primary instances (SSM: ${PASS_HEALTH_CHECK})`);
        const recoverAt = Date.now();
        await runOnInstances(ssm, primary.inService, [PASS_HEALTH_CHECK]);
        await sampler.until(LIMITS.failbackMs, (s) => firstAfter(s, recoverAt, "primary") !== undefined);
        await sampler.stop();
        const primaryAgain = firstAfter(sampler.samples, recoverAt, "primary");
        if (primaryAgain === undefined) {
            record({ ok: false, line: `failback: no request reached the primary within ${LIMITS.failbackMs / 60_000} min of the command` });
            return results;
        }
        const failback = seconds(primaryAgain - recoverAt);
        // Timed from the send (pessimistic by the SSM delivery); the figure counts both waits for a
        // poll (the one that sees the primary healthy, and the one after the settle period).
        const failbackLimit = modeled.failbackSeconds + SLACK_SECONDS;
        record({
            ok: failback <= failbackLimit,
            line: `failback: ${failback} s from the command to the first request on the primary (modeled worst case ${modeled.failbackSeconds} s, accepted up to ${failbackLimit} s)`,
        });

        record(checkSplit("split after failback", await sampleMany(url, SAMPLE_SIZE), 0.1));
        const backupAfter = await groupState(asg, backupGroupName);
        record({
            ok: backupAfter.desired === backupBefore.desired,
            line: `scale-in: backup desired back to ${backupAfter.desired} after failback (expected ${backupBefore.desired})`,
        });
        return results;
    } finally {
        await sampler.stop();
        await asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: primaryGroupName, ScalingProcesses: ["HealthCheck", "ReplaceUnhealthy"] }))
            .catch((e) => log(`could not resume the primary group's processes (the destroy removes the group anyway): ${(e as Error).message}`));
    }
}

/** Runs the whole test; returns the exit status (0 passed or skipped, 1 failed). */
export async function main(): Promise<number> {
    const missing = missingPrerequisites(processEnvironment());
    if (missing.length > 0) {
        process.stdout.write(skipLine(missing) + "\n");
        return 0;
    }
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
    const stackName = `lbstack-it-${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").toLowerCase()}`;
    const started = Date.now();
    const modeled = modeledTiming(await planFigures(), quickstartTiming);
    log(`modeled (${modeled.source}): floor ${modeled.floorSeconds} s, failover ${modeled.failoverSeconds} s, failback ${modeled.failbackSeconds} s, longest wait between polls ${modeled.pollGapSeconds} s`);

    let stack: Stack | undefined;
    let cleaning: Promise<void> | undefined;
    const cleanup = () => (cleaning ??= (async () => {
        if (!stack) return;
        log(`destroying stack ${stackName}`);
        try {
            await stack.destroy({ onOutput: (o) => process.stdout.write(indent(o)) });
            await stack.workspace.removeStack(stackName);
            log(`stack ${stackName} destroyed and removed`);
        } catch (e) {
            log(`DESTROY FAILED: ${(e as Error).message}`);
            log(`clean up by hand: ${manualCleanup(stackName)}`);
            throw e;
        } finally {
            // pulumi stack rm deletes the stack's config file; a failed run must not leave it in the checkout either.
            fs.rmSync(path.join(WORK_DIR, `Pulumi.${stackName}.yaml`), { force: true });
        }
    })());
    // The first signal stops every wait and lets the finally below destroy the stack (a Ctrl-C in a
    // terminal also reaches a running `pulumi up`, which then stops cleanly by itself); a second
    // one exits at once and says how to clean up by hand.
    const onSignal = (signal: NodeJS.Signals) => {
        if (interruption.signal.aborted) {
            log(`${signal} again: exiting now; the stack ${stackName} may still exist: ${manualCleanup(stackName)}`);
            process.exit(130);
        }
        log(`${signal}: stopping; the stack is destroyed before exiting (a second ${signal} exits at once and leaves it)`);
        interruption.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    let results: Result[] = [];
    let failure: unknown;
    try {
        log(`deploying examples/quickstart as stack ${stackName} in ${region}`);
        stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: WORK_DIR });
        await stack.setConfig("aws:region", { value: region });
        const up = await stack.up({ onOutput: (o) => process.stdout.write(indent(o)) });
        const out = (k: string) => String(up.outputs[k]?.value ?? "");
        log(`deployed in ${seconds(Date.now() - started)} s: ${out("url")}`);
        results = await exercise({ url: out("url"), primaryGroupName: out("primaryGroupName"), backupGroupName: out("backupGroupName") }, modeled, region);
    } catch (e) {
        failure = e;
        log(`ERROR: ${(e as Error).stack ?? String(e)}`);
    } finally {
        try {
            await cleanup();
        } catch (e) {
            failure ??= e;
        }
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
    }

    process.stdout.write(`\nlbstack real-AWS test, stack ${stackName}, ${region}, ${seconds(Date.now() - started)} s\n`);
    for (const r of results) process.stdout.write(`  ${r.ok ? "ok  " : "FAIL"} ${r.line}\n`);
    const failed = results.filter((r) => !r.ok).length + (failure ? 1 : 0);
    if (failure) process.stdout.write(`  FAIL ${(failure as Error).message ?? String(failure)}\n`);
    process.stdout.write(`${results.length - results.filter((r) => !r.ok).length} passed, ${failed} failed\n`);
    if (interruption.signal.aborted) return 130;
    return failed === 0 ? 0 : 1;
}

function manualCleanup(stackName: string): string {
    return `pulumi destroy --yes --stack ${stackName} --cwd examples/quickstart && pulumi stack rm --yes ${stackName} --cwd examples/quickstart`;
}

/** failoverFigures() on the quickstart's spec: default health check and failover settings. */
function quickstartTiming() {
    const failover = resolveFailover(undefined);
    if (failover === false) throw new Error("failover is on by default");
    return failoverFigures(GROUP_DEFAULTS.healthCheck, failover);
}

function indent(text: string): string {
    return text.replace(/^(?=.)/gm, "    | ");
}
