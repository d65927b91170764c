/**
 * The failover controller Lambda.
 *
 * Started every minute by EventBridge Scheduler, it polls DescribeTargetHealth on both target
 * groups every `pollSeconds` until {@link STOP_MARGIN_MS} before its timeout (see
 * {@link nextTickDelayMs}), and rewrites the listener routing
 * whenever {@link decide} calls for something else than what is live. A CloudWatch alarm state
 * change runs a single tick.
 *
 * Planned terminations need nothing of their own: AWS deregisters a terminating instance from its
 * target groups (and waits for draining) before it terminates it, so the instance drops out of
 * the count ({@link countTargets} skips draining targets); if it was a group's last healthy
 * target, the next poll sees the group down and fails over.
 *
 * Overlapping invocations (no reserved concurrency, `mayOverlap` in the config): routing writes
 * are planned against the live listener and are the same for the same health, so running them
 * twice is harmless. The stored state is what two runs could disagree on, so before every save
 * the handler re-reads the parameter's version and, if another run wrote it meanwhile, reloads
 * the state and the live routing and plans the tick again; with `mayOverlap` it also re-reads
 * the version before every tick. SSM has no conditional write: two saves that both pass the check
 * within one GetParameter/PutParameter round trip both land, the later winning, and the next
 * tick plans from that one.
 *
 * Zipped into the Lambda as compiled: it imports only the AWS SDK v3 clients the Lambda
 * Node.js runtime provides, and its sibling modules.
 *
 * Failure policy: on any API error (after the SDK's own retries) the invocation stops writing
 * (the other writes of the same phase, already in flight, complete; no later phase starts),
 * logs the error as one JSON line and throws, so the Lambda Errors metric counts it. The
 * state is saved only after the routing writes it depends on succeeded, and every write is
 * planned against the live routing, so the next tick (or invocation) finishes the job.
 */
import {
    Action, DescribeListenersCommand, DescribeRulesCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client,
    ModifyListenerCommand, ModifyRuleCommand, TargetHealthDescription,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { planRaise, planRestore, LiveAsg } from "./capacity";
import { CONFIG_ENV_VAR, FailoverControllerConfig, GroupRole, GROUP_ROLES, parseFailoverConfig, STOP_MARGIN_MS } from "./controller-config";
import {
    decide, DecideResult, FailoverState, GroupHealth, GroupStatus, initialState, modeLabel, modeOf, Observation, parseState,
    persistentKey,
} from "./decide";
import { LiveRouting, planWrites, RoutingWrite } from "./routing";

/** The part of the Lambda context the handler uses. */
export interface LambdaContext {
    getRemainingTimeInMillis(): number;
    awsRequestId?: string;
}

/** EventBridge event of a CloudWatch alarm changing state: runs one tick. */
export interface AlarmStateChangeEvent {
    source: "aws.cloudwatch";
    "detail-type": "CloudWatch Alarm State Change";
    detail?: { alarmName?: string; state?: { value?: string } };
}

/**
 * What the handler accepts. Anything that is not an alarm event (the scheduler's payload, `{}`,
 * or an event of a kind the controller no longer subscribes to) starts the poll loop.
 */
export type ControllerEvent = AlarmStateChangeEvent | Record<string, unknown>;

export type EventKind = "poll" | "alarm";

export interface ControllerResult {
    event: EventKind;
    /** Ticks run. */
    ticks: number;
    /** The decision in force at the end, e.g. `configured`, `all-to-backup`. */
    decision: string | undefined;
}

/** Everything the handler touches outside itself; tests replace any part. */
export interface ControllerDeps {
    elb: ElasticLoadBalancingV2Client;
    autoScaling: AutoScalingClient;
    ssm: SSMClient;
    /** Milliseconds since the epoch. */
    now(): number;
    sleep(ms: number): Promise<void>;
    /** Receives each log line as an object; the default prints it as one JSON line. */
    log(line: Record<string, unknown>): void;
    /** The JSON config; the default reads {@link CONFIG_ENV_VAR}. */
    configJson(): string | undefined;
}

export { STOP_MARGIN_MS };

/**
 * The poll loop's clock: milliseconds to wait before the next tick, or `null` when the tick that
 * just ended (it started at `startedMs`; now it is `nowMs`, with `remainingMs` left of the timeout)
 * was the last of this invocation. Ticks start every `pollMs`, counted from the start of the
 * previous one, until {@link STOP_MARGIN_MS} before the timeout; the last wait is shortened so
 * that one tick starts right at that moment.
 *
 * Why the shortened last wait: the run after this one polls first at about the next minute plus
 * its start-up, so the longest blind spot of the controller is the one across the minute. The
 * earlier rule (stop when less than `pollMs + STOP_MARGIN_MS` remain) put the last tick anywhere
 * from `pollMs + STOP_MARGIN_MS` to `STOP_MARGIN_MS` before the timeout, depending on how the
 * ticks fell: with the defaults usually at about 50 s, a 10 s gap plus start-up. Now it is always
 * `STOP_MARGIN_MS` before the timeout, so the gap across the minute is STOP_MARGIN_MS plus
 * start-up, whatever `pollMs` is (`pollGapSeconds` in schema.ts models it).
 *
 * What did not change, and why the margin itself stays 5 s: a tick still never starts with less
 * than STOP_MARGIN_MS left, so the last one has that long for its API calls before the 60 s
 * timeout, and a run ends as late as the old rule already let it end when the ticks fell that
 * way (a tick starting with STOP_MARGIN_MS plus one tick's duration left). That end must come
 * before the next scheduled start: with reserved concurrency 1 a start that finds this run still
 * going is throttled, the schedule does not retry (`maximumRetryAttempts: 0`) and Lambda's own
 * retries of a throttled event come after a backoff, so that minute's polls come late or not at
 * all. A smaller margin would buy a second or two of failover time with that risk. The cost of
 * the change: at most one more DescribeTargetHealth pair per minute, and runs up to `pollMs`
 * longer (the Lambda cost in the README is already counted at 60 s a run).
 */
export function nextTickDelayMs(startedMs: number, nowMs: number, remainingMs: number, pollMs: number): number | null {
    const untilLastStart = remainingMs - STOP_MARGIN_MS;
    if (untilLastStart <= 0) return null;
    return Math.min(Math.max(0, startedMs + pollMs - nowMs), untilLastStart);
}

/**
 * Client settings: the SDK's standard retries (3 attempts, with backoff on throttling) and
 * short socket timeouts so one hung call cannot eat the invocation.
 */
const CLIENT_OPTIONS = { maxAttempts: 3, requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 } };

let defaultClients: Pick<ControllerDeps, "elb" | "autoScaling" | "ssm"> | undefined;

function resolveDeps(overrides: Partial<ControllerDeps>): ControllerDeps {
    // Clients are created once per Lambda container, and only if the caller did not inject them.
    if (!overrides.elb || !overrides.autoScaling || !overrides.ssm) {
        defaultClients ??= {
            elb: new ElasticLoadBalancingV2Client(CLIENT_OPTIONS),
            autoScaling: new AutoScalingClient(CLIENT_OPTIONS),
            ssm: new SSMClient(CLIENT_OPTIONS),
        };
    }
    return {
        ...defaultClients!,
        now: () => Date.now(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        log: (line) => console.log(JSON.stringify(line)),
        configJson: () => process.env[CONFIG_ENV_VAR],
        ...overrides,
    };
}

/** An AWS call that failed (after the SDK's retries); `operation` names the API. */
export class FailoverApiError extends Error {
    readonly operation: string;
    constructor(operation: string, cause: unknown) {
        super(`${operation} failed: ${errorName(cause)}: ${errorMessage(cause)}`, { cause });
        this.name = "FailoverApiError";
        this.operation = operation;
    }
}

/** The stored state changed under this invocation (another one saved it): plan again from it. */
export class StateConflictError extends Error {
    constructor(parameter: string, expected: number | undefined, found: number | undefined) {
        super(`state parameter ${parameter} is at version ${found ?? "none"}, not ${expected ?? "none"}: another invocation saved it`);
        this.name = "StateConflictError";
    }
}

/** How often one tick plans again after a {@link StateConflictError} before it gives up. */
export const MAX_REPLANS = 3;

/** Builds a handler; `overrides` replace the real clients, clock, sleep, log or config. */
export function createHandler(overrides: Partial<ControllerDeps> = {}) {
    return async (event: ControllerEvent, context: LambdaContext): Promise<ControllerResult> => {
        const deps = resolveDeps(overrides);
        const kind: EventKind = isAlarmEvent(event) ? "alarm" : "poll";
        let invocation: Invocation | undefined;
        try {
            const config = parseFailoverConfig(deps.configJson());
            invocation = new Invocation(deps, config, kind);
            await invocation.load();
            const pollMs = config.pollSeconds * 1000;
            for (;;) {
                const started = deps.now();
                deps.log(await invocation.tick(await invocation.observe()));
                if (kind !== "poll") break;
                const wait = nextTickDelayMs(started, deps.now(), context.getRemainingTimeInMillis(), pollMs);
                if (wait === null) break;
                await deps.sleep(wait);
            }
            return { event: kind, ticks: invocation.ticks, decision: invocation.decisionLabel() };
        } catch (e) {
            deps.log(errorLine(deps, kind, e, invocation));
            throw e;
        }
    };
}

/** The Lambda entry point. */
export const handler = createHandler();

function isAlarmEvent(event: ControllerEvent): event is AlarmStateChangeEvent {
    return (event as any)?.source === "aws.cloudwatch" && (event as any)["detail-type"] === "CloudWatch Alarm State Change";
}

function errorLine(deps: ControllerDeps, kind: EventKind, e: unknown, invocation: Invocation | undefined): Record<string, unknown> {
    const cause = e instanceof FailoverApiError ? e.cause : e;
    return {
        time: new Date(deps.now()).toISOString(), level: "error", event: kind,
        ...invocation?.progress,
        operation: e instanceof FailoverApiError ? e.operation : undefined,
        error: { name: errorName(cause), message: errorMessage(cause), requestId: (cause as any)?.$metadata?.requestId },
        action: "stopped writing for this invocation; state not advanced past the last consistent write",
    };
}

function errorName(e: unknown): string {
    return (e as any)?.name ?? "Error";
}

function errorMessage(e: unknown): string {
    return (e as any)?.message ?? String(e);
}

/**
 * Counts targets. `healthy`: state `healthy`. `total`: the targets that count toward a percent
 * threshold, i.e. all but those `draining` (leaving), `initial` (registered, health checks not
 * passed yet: a scale-out must not raise the bar before its new targets can meet it) and `unused`
 * (in an Availability Zone the load balancer does not use, or a stopped instance).
 * `initializing`: at least one target is `initial` and none is anything but `initial`, `draining`
 * or `unused`: the group has not been judged by its health checks yet (see {@link decide}).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html#target-health-states
 */
export function countTargets(descriptions: TargetHealthDescription[]): GroupHealth {
    let healthy = 0;
    let total = 0;
    let initial = 0;
    for (const d of descriptions) {
        const state = d.TargetHealth?.State;
        if (state === "draining" || state === "unhealthy.draining" || state === "unused") continue;
        if (state === "initial") {
            initial++;
            continue;
        }
        total++;
        if (state === "healthy") healthy++;
    }
    return { healthy, total, initializing: initial > 0 && total === 0 };
}

/** Splits the planned writes into runs of the same kind (route writes, default-action write), in order. */
function writePhases(writes: RoutingWrite[]): RoutingWrite[][] {
    const phases: RoutingWrite[][] = [];
    for (const w of writes) {
        const last = phases.at(-1);
        if (last && last[0].op === w.op) last.push(w);
        else phases.push([w]);
    }
    return phases;
}

interface StoredState {
    state: FailoverState;
    /** {@link persistentKey} of the stored state; "" when it must be written back. */
    key: string;
    version: number | undefined;
}

interface Progress {
    tick: number;
    observedAt?: string;
    primary?: GroupStatus;
    backup?: GroupStatus;
    decision?: string;
    previousDecision?: string;
    transition?: string;
    reason?: string;
    /** Calls that changed something, in the order made. */
    writes: Record<string, unknown>[];
}

/** One invocation: the state and live routing it loaded, and its ticks. */
class Invocation {
    state: FailoverState = initialState();
    ticks = 0;
    progress: Progress | undefined;
    private savedKey = "";
    /** Version of the state parameter this invocation loaded or last wrote; undefined while there is none. */
    private version: number | undefined;
    private live: LiveRouting = { defaultActions: [], ruleActions: {} };

    constructor(private readonly deps: ControllerDeps, private readonly config: FailoverControllerConfig, private readonly kind: EventKind) {}

    private loaded = false;

    /** The decision the state stands for; undefined before {@link load}. */
    decisionLabel(): string | undefined {
        return this.loaded ? modeLabel(modeOf(this.state)) : undefined;
    }

    /** Reads the stored state and the live routing (idempotency is judged against the latter). */
    async load(): Promise<void> {
        const [stored] = await Promise.all([this.loadState(), this.loadLiveRouting()]);
        this.adopt(stored);
        this.loaded = true;
    }

    private adopt(stored: StoredState): void {
        this.state = stored.state;
        this.savedKey = stored.key;
        this.version = stored.version;
    }

    /** The stored value and its version (GetParameter); both undefined when the parameter does not exist. */
    private async readParameter(): Promise<{ value?: string; version?: number }> {
        try {
            const out = await this.deps.ssm.send(new GetParameterCommand({ Name: this.config.stateParameterName }));
            return { value: out.Parameter?.Value, version: out.Parameter?.Version };
        } catch (e) {
            if (errorName(e) !== "ParameterNotFound") throw new FailoverApiError("GetParameter", e);
            return {};
        }
    }

    private async loadState(read?: { value?: string; version?: number }): Promise<StoredState> {
        const name = this.config.stateParameterName;
        const { value, version } = read ?? await this.readParameter();
        const parsed = value === undefined ? undefined : parseState(value);
        if (parsed) return { state: parsed, key: persistentKey(parsed), version };
        this.deps.log({
            time: new Date(this.deps.now()).toISOString(), level: "warn", event: this.kind,
            message: value === undefined ? `state parameter ${name} not found: starting from the initial state`
                : `state parameter ${name} is unreadable: starting from the initial state`,
            storedValue: value,
        });
        // An empty key makes the first tick write the state back.
        return { state: initialState(), key: "", version };
    }

    /**
     * When the stored state is not the version this invocation holds (another one saved it),
     * takes it and the live routing it was written against. True when it did.
     */
    private async refreshIfChanged(): Promise<boolean> {
        const read = await this.readParameter();
        if (read.version === this.version) return false;
        const [stored] = await Promise.all([this.loadState(read), this.loadLiveRouting()]);
        this.adopt(stored);
        return true;
    }

    private async loadLiveRouting(): Promise<void> {
        const listeners = await this.call("DescribeListeners", () =>
            this.deps.elb.send(new DescribeListenersCommand({ ListenerArns: [this.config.listenerArn] })));
        const listener = listeners.Listeners?.find((l) => l.ListenerArn === this.config.listenerArn) ?? listeners.Listeners?.[0];
        if (!listener) throw new FailoverApiError("DescribeListeners", new Error(`listener ${this.config.listenerArn} not found`));
        const ruleActions: Record<string, Action[]> = {};
        if (this.config.routes.length > 0) {
            const rules = await this.call("DescribeRules", () =>
                this.deps.elb.send(new DescribeRulesCommand({ RuleArns: this.config.routes.map((r) => r.ruleArn) })));
            for (const rule of rules.Rules ?? []) if (rule.RuleArn) ruleActions[rule.RuleArn] = rule.Actions ?? [];
            const missing = this.config.routes.find((r) => !(r.ruleArn in ruleActions));
            if (missing) throw new FailoverApiError("DescribeRules", new Error(`rule ${missing.ruleArn} not found`));
        }
        this.live = { defaultActions: listener.DefaultActions ?? [], ruleActions };
    }

    /** DescribeTargetHealth on both groups, at the current time. */
    async observe(): Promise<Observation> {
        this.progress = { tick: this.ticks + 1, writes: [] }; // an error line must not repeat the last tick's decision
        const at = this.deps.now();
        const [primary, backup] = await Promise.all(GROUP_ROLES.map((role) => this.call("DescribeTargetHealth", () =>
            this.deps.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: this.config.targetGroupArns[role] })))));
        return { at, primary: countTargets(primary.TargetHealthDescriptions ?? []), backup: countTargets(backup.TargetHealthDescriptions ?? []) };
    }

    /**
     * Decides on one observation, writes the routing if it differs from the live one, does the
     * capacity work the state asks for, and saves the state if it changed. Returns the log line.
     * When another invocation saved the state meanwhile ({@link StateConflictError}), plans the
     * tick again from that state and the live routing, up to {@link MAX_REPLANS} times.
     */
    async tick(observation: Observation): Promise<Record<string, unknown>> {
        this.ticks++;
        if (this.config.mayOverlap) await this.refreshIfChanged();
        for (let replans = 0; ; replans++) {
            try {
                return await this.tickOnce(observation);
            } catch (e) {
                if (!(e instanceof StateConflictError) || replans >= MAX_REPLANS) throw e;
                this.deps.log({
                    time: new Date(this.deps.now()).toISOString(), level: "warn", event: this.kind, tick: this.ticks,
                    message: `${e.message}: planning this tick again from the stored state`, writes: this.progress?.writes ?? [],
                });
                await this.refreshIfChanged();
            }
        }
    }

    private async tickOnce(observation: Observation): Promise<Record<string, unknown>> {
        const result = decide(this.state, observation, this.config);
        const progress = this.startProgress(result, observation);
        const writes = result.transition === "stale" ? [] : planWrites(this.live, result.routing, result.decision, this.config);
        // planWrites orders the writes in phases (the routes, then the default action, or the other
        // way round, see routing.ts). The writes of one phase are independent: they go out together,
        // so 60 routes cost one round trip and not 60 within the tick's budget. A phase starts only
        // after every write of the one before succeeded; on a failure the next phase is not written.
        for (const phase of writePhases(writes)) {
            const settled = await Promise.allSettled(phase.map(async (w) => {
                if (w.op === "ModifyRule") {
                    await this.call("ModifyRule", () => this.deps.elb.send(new ModifyRuleCommand({ RuleArn: w.ruleArn, Actions: w.actions })));
                    this.live.ruleActions[w.ruleArn] = w.actions;
                    progress.writes.push({ op: "ModifyRule", ruleArn: w.ruleArn, target: w.target });
                } else {
                    await this.call("ModifyListener", () =>
                        this.deps.elb.send(new ModifyListenerCommand({ ListenerArn: this.config.listenerArn, DefaultActions: w.actions })));
                    this.live.defaultActions = w.actions;
                    progress.writes.push({ op: "ModifyListener", weights: w.weights });
                }
            }));
            const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
            if (failed) throw failed.reason;
        }
        // Only now that the routing matches the decision may the state say so.
        this.state = result.state;
        await this.capacity(progress);
        await this.save(progress);
        return this.line(progress);
    }

    private startProgress(result: DecideResult, observation: Observation): Progress {
        this.progress = {
            tick: this.ticks, observedAt: new Date(observation.at).toISOString(),
            primary: result.health.primary, backup: result.health.backup,
            decision: modeLabel(result.decision), previousDecision: modeLabel(result.previous),
            transition: result.transition, reason: result.reason, writes: [],
        };
        return this.progress;
    }

    private line(progress: Progress): Record<string, unknown> {
        const action = progress.writes.length === 0 ? "none" : progress.writes.map((w) => w.op).join(", ");
        return { time: new Date(this.deps.now()).toISOString(), level: "info", event: this.kind, ...progress, action };
    }

    /**
     * Puts back raises left over from a failback, then raises the survivor once (see
     * capacity.ts). Nothing while pinned. The raise record is saved before SetDesiredCapacity,
     * so a failure between the two can never lose the original desired capacity.
     */
    private async capacity(progress: Progress): Promise<void> {
        if (this.state.pinned) return;
        const raise = this.state.scaleOut && !this.state.scaleOut.applied ? this.state.scaleOut : undefined;
        if (this.state.restores.length === 0 && !raise) return;
        const groups = new Set<GroupRole>([...this.state.restores.map((r) => r.group), ...(raise ? [raise.group] : [])]);
        const live = await this.describeAsgs([...groups]);

        for (const restore of this.state.restores) {
            const to = planRestore(restore, live[restore.group]);
            if (to !== null) await this.setDesired(restore.group, live[restore.group].desired, to, "restore", progress);
        }
        this.state = { ...this.state, restores: [] };

        if (raise) {
            const plan = planRaise(raise, this.config, live[raise.group]);
            this.state = { ...this.state, scaleOut: plan.record };
            if (plan.setDesired !== null) {
                await this.save(progress);
                await this.setDesired(raise.group, live[raise.group].desired, plan.setDesired, "raise", progress);
                this.state = { ...this.state, scaleOut: { ...plan.record, applied: true } };
            }
        }
    }

    private async describeAsgs(groups: GroupRole[]): Promise<Record<GroupRole, LiveAsg>> {
        const names = groups.map((g) => this.config.autoScalingGroups[g].name);
        const out = await this.call("DescribeAutoScalingGroups", () =>
            this.deps.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names })));
        const live = {} as Record<GroupRole, LiveAsg>;
        for (const g of groups) {
            const asg = out.AutoScalingGroups?.find((a) => a.AutoScalingGroupName === this.config.autoScalingGroups[g].name);
            if (!asg) {
                throw new FailoverApiError("DescribeAutoScalingGroups",
                    new Error(`auto-scaling group ${this.config.autoScalingGroups[g].name} not found`));
            }
            live[g] = { desired: asg.DesiredCapacity ?? 0, min: asg.MinSize ?? 0, max: asg.MaxSize ?? 0 };
        }
        return live;
    }

    private async setDesired(group: GroupRole, from: number, to: number, why: "raise" | "restore", progress: Progress): Promise<void> {
        const name = this.config.autoScalingGroups[group].name;
        await this.call("SetDesiredCapacity", () =>
            this.deps.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: name, DesiredCapacity: to, HonorCooldown: false })));
        progress.writes.push({ op: "SetDesiredCapacity", group, autoScalingGroupName: name, from, to, why });
    }

    /** PutParameter, only when the persistent part of the state changed. */
    private async save(progress: Progress): Promise<void> {
        const key = persistentKey(this.state);
        if (key === this.savedKey) return;
        const value = JSON.stringify(this.state);
        // No conditional write in SSM: check the version just before, so a newer state is not overwritten.
        const stored = (await this.readParameter()).version;
        if (stored !== this.version) throw new StateConflictError(this.config.stateParameterName, this.version, stored);
        const out = await this.call("PutParameter", () => this.deps.ssm.send(new PutParameterCommand({
            Name: this.config.stateParameterName, Value: value, Type: "String", Overwrite: true,
        })));
        this.savedKey = key;
        this.version = out.Version;
        progress.writes.push({ op: "PutParameter" });
    }

    private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
        try {
            return await fn();
        } catch (e) {
            if (e instanceof FailoverApiError) throw e;
            throw new FailoverApiError(operation, e);
        }
    }
}
