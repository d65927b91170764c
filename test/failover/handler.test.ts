import {
    Action, DescribeListenersCommand, DescribeRulesCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client,
    ModifyListenerCommand, ModifyRuleCommand, TargetHealthDescription,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { encodeFailoverConfig, FailoverControllerConfig, GroupRole } from "../../packages/lbstack/src/failover/controller-config";
import { FailoverState, initialState } from "../../packages/lbstack/src/failover/decide";
import {
    ControllerEvent, createHandler, FailoverApiError, MAX_REPLANS, StateConflictError, STOP_MARGIN_MS,
} from "../../packages/lbstack/src/failover/handler";
import { FAILOVER_START_ALLOWANCE_SECONDS, pollGapSeconds } from "../../packages/lbstack/src/failover/schema";
import { validConfig } from "./fixtures";

const elbMock = mockClient(ElasticLoadBalancingV2Client);
const asgMock = mockClient(AutoScalingClient);
const ssmMock = mockClient(SSMClient);

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const P = validConfig.targetGroupArns.primary;
const B = validConfig.targetGroupArns.backup;
const RULE = validConfig.routes[0].ruleArn; // routes to primary
const LISTENER = validConfig.listenerArn;
const PARAM = validConfig.stateParameterName;

/** Actions as Pulumi creates them. */
function listenerActions(wp: number, wb: number): Action[] {
    return [{
        Type: "forward", Order: 1,
        ForwardConfig: {
            TargetGroups: [{ TargetGroupArn: P, Weight: wp }, { TargetGroupArn: B, Weight: wb }],
            TargetGroupStickinessConfig: { Enabled: false },
        },
    }];
}
function ruleActions(tg: string): Action[] {
    return [{
        Type: "forward", Order: 1, TargetGroupArn: tg,
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } },
    }];
}
/** What the controller writes for a route sent to `tg`. */
function writtenRule(tg: string): Action[] {
    return [{ Type: "forward", Order: 1, ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } } }];
}

function targets(prefix: string, healthy: number, unhealthy: number, draining = 0): TargetHealthDescription[] {
    const make = (state: string, i: number) => ({ Target: { Id: `i-${prefix}${state}${i}`, Port: 80 }, TargetHealth: { State: state as any } });
    return [
        ...Array.from({ length: healthy }, (_, i) => make("healthy", i)),
        ...Array.from({ length: unhealthy }, (_, i) => make("unhealthy", i)),
        ...Array.from({ length: draining }, (_, i) => make("draining", i)),
    ];
}

/** A tiny AWS: the handler's calls read and change it. */
interface World {
    health: Record<GroupRole, TargetHealthDescription[]>;
    listener: Action[];
    rules: Record<string, Action[]>;
    asgs: Record<string, { desired: number; min: number; max: number }>;
    parameter: string | undefined;
    /** The parameter's version: PutParameter increments it, as SSM does. */
    parameterVersion: number;
    /** Runs once, just before the next call of an operation: another invocation acting meanwhile. */
    before: Record<string, () => void>;
    /** Errors to throw on the next calls of an operation. */
    fail: Record<string, Error[]>;
    /** Every call in order, across clients. */
    calls: string[];
    /** Called after every sleep, with the seconds since T0, to change the world over time. */
    script: (seconds: number) => void;
}

let world: World;
let now: number;
let deadline: number;
let sleeps: number[];
let lines: Record<string, any>[];

function awsError(name: string, message: string): Error {
    return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400, requestId: "req-1" } });
}

function fake<I, O>(op: string, fn: (input: I) => O) {
    return async (input: I) => {
        const before = world.before[op];
        delete world.before[op];
        before?.();
        world.calls.push(op);
        const err = world.fail[op]?.shift();
        if (err) throw err;
        return fn(input);
    };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

beforeEach(() => {
    elbMock.reset();
    asgMock.reset();
    ssmMock.reset();
    now = T0;
    deadline = T0 + 60_000;
    sleeps = [];
    lines = [];
    world = {
        health: { primary: targets("p", 3, 0), backup: targets("b", 2, 0) },
        listener: listenerActions(90, 10),
        rules: { [RULE]: ruleActions(P) },
        asgs: { "web-primary": { desired: 4, min: 2, max: 8 }, "web-backup": { desired: 1, min: 1, max: 4 } },
        parameter: "{}",
        parameterVersion: 1,
        before: {},
        fail: {},
        calls: [],
        script: () => {},
    };
    elbMock.on(DescribeTargetHealthCommand).callsFake(fake("DescribeTargetHealth", (i: any) =>
        ({ TargetHealthDescriptions: clone(world.health[i.TargetGroupArn === P ? "primary" : "backup"]) })));
    elbMock.on(DescribeListenersCommand).callsFake(fake("DescribeListeners", (i: any) =>
        ({ Listeners: [{ ListenerArn: i.ListenerArns[0], DefaultActions: clone(world.listener) }] })));
    elbMock.on(DescribeRulesCommand).callsFake(fake("DescribeRules", (i: any) =>
        ({ Rules: i.RuleArns.map((arn: string) => ({ RuleArn: arn, Actions: clone(world.rules[arn]) })) })));
    elbMock.on(ModifyListenerCommand).callsFake(fake("ModifyListener", (i: any) => { world.listener = clone(i.DefaultActions); return {}; }));
    elbMock.on(ModifyRuleCommand).callsFake(fake("ModifyRule", (i: any) => { world.rules[i.RuleArn] = clone(i.Actions); return {}; }));
    asgMock.on(DescribeAutoScalingGroupsCommand).callsFake(fake("DescribeAutoScalingGroups", (i: any) => ({
        AutoScalingGroups: i.AutoScalingGroupNames.map((name: string) => ({
            AutoScalingGroupName: name, DesiredCapacity: world.asgs[name].desired, MinSize: world.asgs[name].min, MaxSize: world.asgs[name].max,
        })),
    })));
    asgMock.on(SetDesiredCapacityCommand).callsFake(fake("SetDesiredCapacity", (i: any) => {
        world.asgs[i.AutoScalingGroupName].desired = i.DesiredCapacity;
        return {};
    }));
    ssmMock.on(GetParameterCommand).callsFake(fake("GetParameter", (i: any) => {
        if (world.parameter === undefined) throw awsError("ParameterNotFound", "not found");
        return { Parameter: { Name: i.Name, Type: "String", Value: world.parameter, Version: world.parameterVersion } };
    }));
    ssmMock.on(PutParameterCommand).callsFake(fake("PutParameter", (i: any) => {
        world.parameterVersion = world.parameter === undefined ? 1 : world.parameterVersion + 1;
        world.parameter = i.Value;
        return { Version: world.parameterVersion };
    }));
});

function handlerFor(config: FailoverControllerConfig | string = validConfig) {
    return createHandler({
        elb: new ElasticLoadBalancingV2Client({ region: "eu-west-1" }),
        autoScaling: new AutoScalingClient({ region: "eu-west-1" }),
        ssm: new SSMClient({ region: "eu-west-1" }),
        now: () => now,
        sleep: async (ms) => {
            sleeps.push(ms);
            now += ms;
            world.script((now - T0) / 1000);
        },
        log: (line) => lines.push(JSON.parse(JSON.stringify(line))),
        configJson: () => (typeof config === "string" ? config : encodeFailoverConfig(config)),
    });
}

/** One invocation that starts at `now` with `timeoutMs` to run. */
function invoke(event: ControllerEvent = {}, config?: FailoverControllerConfig | string, timeoutMs = 60_000) {
    deadline = now + timeoutMs;
    return handlerFor(config)(event, { getRemainingTimeInMillis: () => deadline - now });
}

/** A run that starts with just the stop margin left of its timeout: exactly one tick. */
const ONE_TICK_MS = STOP_MARGIN_MS;

const writes = () => world.calls.filter((c) => /^(Modify|Set|Put)/.test(c));
const storedState = (): FailoverState => JSON.parse(world.parameter!);
const infoLines = () => lines.filter((l) => l.level === "info");

describe("steady state", () => {
    it("polls every pollSeconds, writes nothing when the live routing matches, and stops before the timeout", async () => {
        const result = await invoke();
        // Ticks at 0, 5, ..., 55 s: after the 55 s tick only the 5 s margin remains.
        expect(result).toEqual({ event: "poll", ticks: 12, decision: "configured" });
        expect(sleeps).toEqual(Array(11).fill(5000));
        expect(deadline - now).toBeGreaterThanOrEqual(STOP_MARGIN_MS);
        expect(writes()).toEqual([]);
        expect(world.calls.filter((c) => c === "DescribeTargetHealth")).toHaveLength(24);
        expect(world.calls.filter((c) => c === "DescribeListeners" || c === "DescribeRules")).toEqual(["DescribeListeners", "DescribeRules"]);
    });

    it("starts no tick with less than the margin left, and shortens the last wait so that one starts right at the margin", async () => {
        expect((await invoke({}, undefined, STOP_MARGIN_MS)).ticks).toBe(1);
        expect(sleeps).toEqual([]);
        expect((await invoke({}, undefined, STOP_MARGIN_MS + 4_999)).ticks).toBe(2);
        expect(sleeps).toEqual([4_999]);
        sleeps = [];
        expect((await invoke({}, undefined, STOP_MARGIN_MS + 9_999)).ticks).toBe(3);
        expect(sleeps).toEqual([5_000, 4_999]);
        expect(deadline - now).toBe(STOP_MARGIN_MS);
    });

    it("subtracts the tick's own duration from the sleep", async () => {
        const handler = createHandler({
            elb: new ElasticLoadBalancingV2Client({ region: "eu-west-1" }),
            autoScaling: new AutoScalingClient({ region: "eu-west-1" }),
            ssm: new SSMClient({ region: "eu-west-1" }),
            now: () => (now += 300) - 300, // every clock read costs 300 ms
            sleep: async (ms) => { sleeps.push(ms); now += ms; },
            log: () => {},
            configJson: () => encodeFailoverConfig(validConfig),
        });
        deadline = now + 20_000;
        await handler({}, { getRemainingTimeInMillis: () => deadline - now });
        expect(sleeps.length).toBeGreaterThan(0);
        for (const ms of sleeps) expect(ms).toBeLessThan(5000);
    });

    describe("the longest wait between two polls is the pollGapSeconds the failover figures use", () => {
        /**
         * Two scheduled minutes: the first run starts at T0, the second its start-up allowance after
         * T0 + 60 s; every tick takes `tickMs` (the clock moves inside DescribeTargetHealth). Returns
         * the milliseconds between consecutive polls.
         */
        async function gaps(pollSeconds: number, tickMs: number): Promise<number[]> {
            elbMock.on(DescribeTargetHealthCommand).callsFake(fake("DescribeTargetHealth", (i: any) => {
                now += tickMs / 2; // two calls a tick
                return { TargetHealthDescriptions: clone(world.health[i.TargetGroupArn === P ? "primary" : "backup"]) };
            }));
            const config = { ...validConfig, pollSeconds };
            now = T0;
            lines = [];
            await invoke({}, config);
            now = T0 + 60_000 + FAILOVER_START_ALLOWANCE_SECONDS * 1000;
            await invoke({}, config);
            const polls = infoLines().map((l) => Date.parse(l.observedAt));
            return polls.slice(1).map((t, i) => t - polls[i]);
        }

        it.each([[1], [5], [7], [8], [13], [30]])("poll every %i s", async (pollSeconds) => {
            for (const tickMs of [0, 400]) {
                const g = await gaps(pollSeconds, tickMs);
                expect({ tickMs, longest: Math.max(...g) }).toEqual({ tickMs, longest: pollGapSeconds(pollSeconds) * 1000 });
            }
        });

        it("with the default 5 s poll: 8 s, the 5 s stop margin plus the 3 s start-up, from the run's last poll at 55 s", async () => {
            expect(pollGapSeconds(5)).toBe(STOP_MARGIN_MS / 1000 + FAILOVER_START_ALLOWANCE_SECONDS);
            expect(pollGapSeconds(5)).toBe(8);
            const g = await gaps(5, 400);
            const polls = infoLines().map((l) => (Date.parse(l.observedAt) - T0) / 1000);
            expect(polls.filter((t) => t >= 45 && t <= 65)).toEqual([45, 50, 55, 63]);
            expect(g.filter((ms) => ms !== 5000)).toEqual([8000]);
        });
    });

    it("logs one JSON line per decision with health, decision, previous decision and action", async () => {
        await invoke({}, undefined, ONE_TICK_MS);
        expect(infoLines()).toEqual([{
            time: "2025-01-01T12:00:00.000Z", level: "info", event: "poll", tick: 1, observedAt: "2025-01-01T12:00:00.000Z",
            primary: { healthy: 3, total: 3, initializing: false, needed: 2, up: true }, backup: { healthy: 2, total: 2, initializing: false, needed: 1, up: true },
            decision: "configured", previousDecision: "configured", transition: "none",
            reason: expect.stringMatching(/^both groups up/), writes: [], action: "none",
        }]);
    });

    it("does not count draining targets as registered", async () => {
        world.health.backup = [...targets("b", 1, 1), ...targets("d", 0, 0, 5)];
        await invoke({}, undefined, ONE_TICK_MS);
        expect(infoLines()[0].backup).toEqual({ healthy: 1, total: 2, initializing: false, needed: 1, up: true });
    });
});

describe("failover and failback", () => {
    it("moves the route then the default action, raises the backup and saves the state", async () => {
        world.script = (s) => { if (s === 10) world.health.primary = targets("p", 1, 2); };
        await invoke({}, undefined, 20_000);

        expect(writes()).toEqual(["ModifyRule", "ModifyListener", "PutParameter", "SetDesiredCapacity", "PutParameter"]);
        expect(elbMock.commandCalls(ModifyRuleCommand).map((c) => c.args[0].input)).toEqual([{ RuleArn: RULE, Actions: writtenRule(B) }]);
        expect(elbMock.commandCalls(ModifyListenerCommand).map((c) => c.args[0].input)).toEqual([{ ListenerArn: LISTENER, DefaultActions: listenerActions(0, 100) }]);
        // Toward the primary's configured desired (4), within the backup's max (4).
        expect(asgMock.commandCalls(SetDesiredCapacityCommand).map((c) => c.args[0].input)).toEqual([
            { AutoScalingGroupName: "web-backup", DesiredCapacity: 4, HonorCooldown: false },
        ]);
        const puts = ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input);
        expect(puts.map((p) => ({ ...p, Value: undefined }))).toEqual([
            { Name: PARAM, Type: "String", Overwrite: true, Value: undefined },
            { Name: PARAM, Type: "String", Overwrite: true, Value: undefined },
        ]);
        // The original desired is stored before the raise, then the raise is marked done.
        expect(JSON.parse(puts[0].Value!).scaleOut).toEqual({ group: "backup", originalDesired: 1, raisedTo: 4, applied: false });
        expect(storedState()).toMatchObject({
            failedGroup: "primary", failedAt: T0 + 10_000, recoveringSince: null,
            scaleOut: { group: "backup", originalDesired: 1, raisedTo: 4, applied: true },
        });

        const failover = infoLines().find((l) => l.transition === "failover")!;
        expect(failover).toMatchObject({
            observedAt: "2025-01-01T12:00:10.000Z", decision: "all-to-backup", previousDecision: "configured",
            primary: { healthy: 1, total: 3, up: false }, backup: { healthy: 2, total: 2, up: true },
            action: "ModifyRule, ModifyListener, PutParameter, SetDesiredCapacity, PutParameter",
        });
        // The tick after the failover changes nothing.
        expect(infoLines().at(-1)).toMatchObject({ transition: "none", action: "none", decision: "all-to-backup" });
    });

    it("fails back after settleSeconds across invocations: default action first, then the route, then capacity", async () => {
        world.health.primary = targets("p", 0, 3);
        await invoke(); // fails over at 0 s
        expect(world.asgs["web-backup"].desired).toBe(4);
        world.calls = [];
        elbMock.resetHistory();
        asgMock.resetHistory();

        world.health.primary = targets("p", 3, 0); // primary recovers at the next invocation (60 s)
        now = T0 + 60_000;
        await invoke();
        expect(writes()).toEqual(["PutParameter"]); // only the settle timer
        expect(storedState().recoveringSince).toBe(T0 + 60_000);

        now = T0 + 130_000; // this invocation ticks at 130, 135, ..., 185 s
        world.calls = [];
        await invoke();
        const failback = infoLines().find((l) => l.transition === "failback")!;
        expect(failback.observedAt).toBe("2025-01-01T12:03:00.000Z"); // 60 + 120 s settle
        expect(writes()).toEqual(["ModifyListener", "ModifyRule", "SetDesiredCapacity", "PutParameter"]);
        expect(elbMock.commandCalls(ModifyListenerCommand).at(-1)!.args[0].input.DefaultActions).toEqual(listenerActions(90, 10));
        expect(elbMock.commandCalls(ModifyRuleCommand).at(-1)!.args[0].input.Actions).toEqual(writtenRule(P));
        expect(asgMock.commandCalls(SetDesiredCapacityCommand).at(-1)!.args[0].input).toEqual(
            { AutoScalingGroupName: "web-backup", DesiredCapacity: 1, HonorCooldown: false });
        expect(storedState()).toMatchObject({ failedGroup: null, scaleOut: null, restores: [] });
    });

    it("does not lower a survivor that something else already scaled in", async () => {
        world.health.primary = targets("p", 0, 3);
        await invoke({}, undefined, ONE_TICK_MS);
        world.asgs["web-backup"].desired = 1; // scaled in by a policy during the failover
        world.health.primary = targets("p", 3, 0);
        now = T0 + 60_000;
        await invoke({}, undefined, ONE_TICK_MS);
        now = T0 + 180_000;
        asgMock.resetHistory();
        await invoke({}, undefined, ONE_TICK_MS);
        expect(infoLines().at(-1)!.transition).toBe("failback");
        expect(asgMock.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
        expect(storedState().restores).toEqual([]);
    });

    it("never routes to an empty group: both down leaves the routing alone", async () => {
        world.health.primary = targets("p", 0, 3);
        world.health.backup = targets("b", 0, 2);
        await invoke({}, undefined, ONE_TICK_MS);
        expect(writes()).toEqual([]);
        expect(infoLines()[0]).toMatchObject({ decision: "configured", reason: expect.stringMatching(/^both groups down/) });
    });

    it("keeps an OIDC action and the stickiness when it rewrites the default action", async () => {
        world.listener = [
            { Type: "authenticate-oidc", Order: 1, AuthenticateOidcConfig: { Issuer: "https://idp", AuthorizationEndpoint: "https://idp/a", TokenEndpoint: "https://idp/t", UserInfoEndpoint: "https://idp/u", ClientId: "c" } },
            { Type: "forward", Order: 2, ForwardConfig: { TargetGroups: [{ TargetGroupArn: P, Weight: 90 }, { TargetGroupArn: B, Weight: 10 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 } } },
        ];
        world.health.backup = targets("b", 0, 2);
        await invoke({}, undefined, ONE_TICK_MS);
        expect(elbMock.commandCalls(ModifyListenerCommand)[0].args[0].input.DefaultActions).toEqual([
            { Type: "authenticate-oidc", Order: 1, AuthenticateOidcConfig: { Issuer: "https://idp", AuthorizationEndpoint: "https://idp/a", TokenEndpoint: "https://idp/t", UserInfoEndpoint: "https://idp/u", ClientId: "c", UseExistingClientSecret: true } },
            { Type: "forward", Order: 2, ForwardConfig: { TargetGroups: [{ TargetGroupArn: P, Weight: 100 }, { TargetGroupArn: B, Weight: 0 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 } } },
        ]);
        // The route already goes to the primary: no ModifyRule.
        expect(elbMock.commandCalls(ModifyRuleCommand)).toHaveLength(0);
    });

    it("sends everything to the pinned group and changes no capacity", async () => {
        await invoke({}, { ...validConfig, pin: "backup" }, ONE_TICK_MS);
        expect(writes()).toEqual(["ModifyRule", "ModifyListener", "PutParameter"]);
        expect(world.listener).toEqual(listenerActions(0, 100));
        expect(world.rules[RULE]).toEqual(writtenRule(B));
        expect(storedState().pinned).toBe("backup");
    });
});

describe("idempotency", () => {
    it("writes nothing when the live routing already matches a stored failover", async () => {
        const state: FailoverState = {
            ...initialState(), failedGroup: "primary", failedAt: T0 - 600_000, lastObservedAt: T0 - 60_000,
            scaleOut: { group: "backup", originalDesired: 1, raisedTo: 4, applied: true },
        };
        world.parameter = JSON.stringify(state);
        world.listener = listenerActions(0, 100);
        world.rules[RULE] = writtenRule(B);
        world.health.primary = targets("p", 0, 3);
        await invoke();
        expect(writes()).toEqual([]);
    });

    it("treats equivalent shares and the single-target-group form as matching", async () => {
        world.listener = [{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: P, Weight: 180 }, { TargetGroupArn: B, Weight: 20 }] } }];
        world.rules[RULE] = [{ Type: "forward", TargetGroupArn: P }];
        await invoke();
        expect(writes()).toEqual([]);
    });

    it("repairs live routing that drifted from the decision", async () => {
        world.listener = listenerActions(50, 50);
        await invoke({}, undefined, ONE_TICK_MS);
        expect(writes()).toEqual(["ModifyListener"]);
        expect(world.listener).toEqual(listenerActions(90, 10));
    });

    it("starts from the initial state when the parameter is missing and writes it once", async () => {
        world.parameter = undefined;
        await invoke({}, undefined, 14_000);
        expect(lines[0]).toMatchObject({ level: "warn", message: expect.stringMatching(/not found/) });
        expect(writes()).toEqual(["PutParameter"]);
        expect(storedState()).toMatchObject({ version: 1, failedGroup: null });
    });
});

describe("API errors", () => {
    it("stops at a throttled ModifyRule: no further write, state not saved, error logged and thrown; the next invocation completes", async () => {
        world.health.primary = targets("p", 0, 3);
        world.fail.ModifyRule = [awsError("ThrottlingException", "Rate exceeded")];
        const run = invoke();
        await expect(run).rejects.toBeInstanceOf(FailoverApiError);
        await expect(run).rejects.toThrow("ModifyRule failed: ThrottlingException: Rate exceeded");
        expect(writes()).toEqual(["ModifyRule"]);
        expect(world.parameter).toBe("{}");
        expect(lines.at(-1)).toMatchObject({
            level: "error", event: "poll", operation: "ModifyRule", transition: "failover", decision: "all-to-backup",
            error: { name: "ThrottlingException", message: "Rate exceeded", requestId: "req-1" }, writes: [],
        });
        expect(sleeps).toEqual([]); // the loop ended with the error

        world.calls = [];
        now += 60_000;
        await invoke({}, undefined, ONE_TICK_MS);
        expect(writes()).toEqual(["ModifyRule", "ModifyListener", "PutParameter", "SetDesiredCapacity", "PutParameter"]);
        expect(storedState().failedGroup).toBe("primary");
    });

    it("after ModifyRule succeeded and ModifyListener failed, keeps the state and lets the next invocation finish only what is missing", async () => {
        world.health.primary = targets("p", 0, 3);
        world.fail.ModifyListener = [awsError("ThrottlingException", "Rate exceeded")];
        await expect(invoke()).rejects.toThrow(/ModifyListener failed/);
        expect(world.rules[RULE]).toEqual(writtenRule(B)); // half done
        expect(world.listener).toEqual(listenerActions(90, 10));
        expect(world.parameter).toBe("{}"); // state not advanced
        expect(lines.at(-1)).toMatchObject({ level: "error", operation: "ModifyListener", writes: [{ op: "ModifyRule", ruleArn: RULE, target: "backup" }] });

        world.calls = [];
        now += 60_000;
        await invoke({}, undefined, ONE_TICK_MS);
        expect(writes()).toEqual(["ModifyListener", "PutParameter", "SetDesiredCapacity", "PutParameter"]);
        expect(world.listener).toEqual(listenerActions(0, 100));
    });

    it("keeps the original desired capacity when SetDesiredCapacity fails after the raise was recorded", async () => {
        world.health.primary = targets("p", 0, 3);
        world.fail.SetDesiredCapacity = [awsError("ScalingActivityInProgress", "busy")];
        await expect(invoke()).rejects.toThrow(/SetDesiredCapacity failed/);
        expect(storedState().scaleOut).toEqual({ group: "backup", originalDesired: 1, raisedTo: 4, applied: false });

        world.calls = [];
        now += 60_000;
        await invoke({}, undefined, ONE_TICK_MS);
        expect(writes()).toEqual(["SetDesiredCapacity", "PutParameter"]);
        expect(storedState().scaleOut).toEqual({ group: "backup", originalDesired: 1, raisedTo: 4, applied: true });
    });

    it("fails loudly on a bad config, before any AWS call", async () => {
        await expect(invoke({}, encodeFailoverConfig({ ...validConfig, pollSeconds: 0 }))).rejects.toThrow(/pollSeconds \(0\): must be an integer from 1 to 60/);
        expect(world.calls).toEqual([]);
        expect(lines.at(-1)).toMatchObject({ level: "error", error: { name: "FailoverConfigError" } });
    });

    it("reports a failed GetParameter instead of starting from scratch", async () => {
        world.fail.GetParameter = [awsError("AccessDeniedException", "no")];
        await expect(invoke()).rejects.toThrow("GetParameter failed: AccessDeniedException: no");
        expect(writes()).toEqual([]);
    });
});

describe("targets not yet judged by health checks (initial) or not in use (unused)", () => {
    const make = (prefix: string, state: string, n: number): TargetHealthDescription[] =>
        Array.from({ length: n }, (_, i) => ({ Target: { Id: `i-${prefix}${state}${i}`, Port: 80 }, TargetHealth: { State: state as any } }));

    it("a percent threshold counts neither initial nor unused targets: a scale-out does not fail the group over", async () => {
        // backup: minHealthy 50 %; 1 healthy, 3 new (initial), 2 in an AZ the load balancer does not use.
        world.health.backup = [...make("b", "healthy", 1), ...make("b", "initial", 3), ...make("b", "unused", 2)];
        await invoke({}, undefined, ONE_TICK_MS);
        expect(infoLines()[0].backup).toEqual({ healthy: 1, total: 1, initializing: false, needed: 1, up: true });
        expect(infoLines()[0].transition).toBe("none");
        expect(writes()).toEqual([]);
    });

    it("a group whose targets are all initial has no healthy target, so it is not up", async () => {
        world.health.backup = make("b", "initial", 2);
        await invoke({}, undefined, ONE_TICK_MS);
        expect(infoLines()[0].backup).toEqual({ healthy: 0, total: 0, initializing: true, needed: null, up: false }); // needed: Infinity, logged as null
        expect(infoLines()[0].transition).toBe("none");
    });

    it.each([["primary"], ["backup"]] as const)("fresh deploy: no failover away from the %s while all its targets are still initial", async (role) => {
        world.health[role] = make(role[0], "initial", 3);
        await invoke({}, undefined, 20_000);
        expect(writes()).toEqual([]);
        expect(infoLines().map((l) => l.transition)).toEqual(Array(4).fill("none"));
        expect(infoLines()[0].reason).toMatch(new RegExp(`^${role} initializing`));
    });

    it("fails over once the initial targets are judged unhealthy", async () => {
        world.health.primary = make("p", "initial", 3);
        world.script = (s) => { if (s === 5) world.health.primary = [...make("p", "unhealthy", 2), ...make("p", "initial", 1)]; };
        await invoke({}, undefined, 10_000);
        expect(infoLines().map((l) => l.transition)).toEqual(["none", "failover"]);
    });

    it("both groups all initial: nothing changes", async () => {
        world.health.primary = make("p", "initial", 3);
        world.health.backup = make("b", "initial", 2);
        await invoke({}, undefined, ONE_TICK_MS);
        expect(writes()).toEqual([]);
        expect(infoLines()[0].decision).toBe("configured");
    });
});

describe("route writes of one phase go out together", () => {
    const rule = (id: string) => `${validConfig.listenerArn.replace(":listener/", ":listener-rule/")}/${id}`;
    const rules = [rule("1111111111111111"), rule("2222222222222222"), rule("3333333333333333")];
    const manyRoutes: FailoverControllerConfig = { ...validConfig, routes: rules.map((ruleArn) => ({ ruleArn, target: "primary" as const })) };
    let inFlight: number;
    let mostInFlight: number;

    beforeEach(() => {
        for (const r of rules) world.rules[r] = ruleActions(P);
        inFlight = 0;
        mostInFlight = 0;
        const slow = (op: string, apply: (i: any) => void) => async (i: any) => {
            inFlight++;
            mostInFlight = Math.max(mostInFlight, inFlight);
            try {
                await new Promise((resolve) => setImmediate(resolve)); // a round trip
                return await fake(op, (input: any) => { apply(input); return {}; })(i);
            } finally {
                inFlight--;
            }
        };
        elbMock.on(ModifyRuleCommand).callsFake(slow("ModifyRule", (i) => { world.rules[i.RuleArn] = clone(i.Actions); }));
        elbMock.on(ModifyListenerCommand).callsFake(slow("ModifyListener", (i) => { world.listener = clone(i.DefaultActions); }));
    });

    it("issues every ModifyRule of a failover at once, and the default action only after all of them", async () => {
        world.health.primary = targets("p", 0, 3);
        await invoke({}, manyRoutes, ONE_TICK_MS);
        expect(mostInFlight).toBe(3);
        expect(writes().slice(0, 4)).toEqual(["ModifyRule", "ModifyRule", "ModifyRule", "ModifyListener"]);
        for (const r of rules) expect(world.rules[r]).toEqual(writtenRule(B));
        expect(world.listener).toEqual(listenerActions(0, 100));
    });

    it("when one route write fails, the default action is not written and the state not saved; the error is reported", async () => {
        world.health.primary = targets("p", 0, 3);
        world.fail.ModifyRule = [awsError("ThrottlingException", "Rate exceeded")];
        await expect(invoke({}, manyRoutes, ONE_TICK_MS)).rejects.toThrow("ModifyRule failed: ThrottlingException: Rate exceeded");
        expect(writes()).toEqual(["ModifyRule", "ModifyRule", "ModifyRule"]);
        expect(world.listener).toEqual(listenerActions(90, 10));
        expect(world.parameter).toBe("{}");
        const error = lines.at(-1)!;
        expect(error).toMatchObject({ level: "error", operation: "ModifyRule" });
        expect(error.writes).toHaveLength(2); // the two that succeeded

        // The next run re-plans from the live routing: only the missing route, then the default action.
        world.calls = [];
        now += 60_000;
        await invoke({}, manyRoutes, ONE_TICK_MS);
        expect(writes().slice(0, 2)).toEqual(["ModifyRule", "ModifyListener"]);
    });
});

describe("other events", () => {
    it("runs a single tick for a CloudWatch alarm state change", async () => {
        world.health.backup = targets("b", 0, 2);
        const result = await invoke({ source: "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change", detail: { alarmName: "x" } });
        expect(result).toEqual({ event: "alarm", ticks: 1, decision: "all-to-primary" });
        expect(sleeps).toEqual([]);
        expect(world.listener).toEqual(listenerActions(100, 0));
    });
});

describe("planned terminations", () => {
    it("an instance-terminate lifecycle event (no longer subscribed to) simply runs the poll loop", async () => {
        const event = {
            source: "aws.autoscaling", "detail-type": "EC2 Instance-terminate Lifecycle Action",
            detail: { AutoScalingGroupName: "web-primary", LifecycleHookName: "old-hook", LifecycleActionToken: "t", EC2InstanceId: "i-1" },
        };
        const result = await invoke(event, undefined, 10_000);
        expect(result).toEqual({ event: "poll", ticks: 2, decision: "configured" });
        expect(world.calls.filter((c) => !c.startsWith("Describe") && c !== "GetParameter")).toEqual([]);
    });

    it("a drained instance that was the group's last healthy target fails the group over at the next poll", async () => {
        // AWS deregisters (drains) the instance before it terminates it: the poll sees it draining.
        world.health.primary = targets("p", 2, 0);
        world.script = (s) => { if (s === 5) world.health.primary = [...targets("p", 1, 0), ...targets("x", 0, 0, 1)]; };
        await invoke({}, undefined, 10_000);
        expect(infoLines().map((l) => [l.transition, l.primary.total])).toEqual([["none", 2], ["failover", 1]]);
    });

    it("a poll run reads no auto-scaling group unless it scales one", async () => {
        await invoke();
        expect(world.calls).not.toContain("DescribeAutoScalingGroups");
    });
});

describe("overlapping invocations (no reserved concurrency)", () => {
    /** What another invocation leaves behind after it failed over from the primary and raised the backup from 1 to 4. */
    function anotherRunFailedOver() {
        world.parameter = JSON.stringify({
            ...initialState(), failedGroup: "primary", failedAt: T0 - 1000, lastObservedAt: T0 - 1000,
            scaleOut: { group: "backup", originalDesired: 1, raisedTo: 4, applied: true },
        });
        world.parameterVersion++;
        world.listener = listenerActions(0, 100);
        world.rules[RULE] = writtenRule(B);
        world.asgs["web-backup"].desired = 4;
    }

    it("never saves over a state another run saved meanwhile: it plans the tick again from that state", async () => {
        world.health.primary = targets("p", 0, 3);
        world.before.ModifyRule = anotherRunFailedOver; // the other run finishes while this one writes
        await invoke({}, undefined, ONE_TICK_MS);
        // This run's stale plan saw the backup already at 4 and would have stored no original;
        // it re-read the version before saving, and kept the other run's record instead.
        expect(storedState().scaleOut).toEqual({ group: "backup", originalDesired: 1, raisedTo: 4, applied: true });
        expect(asgMock.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
        expect(lines.find((l) => l.level === "warn")).toMatchObject({ message: expect.stringMatching(/another invocation saved it: planning this tick again/) });
        expect(infoLines()[0]).toMatchObject({ decision: "all-to-backup", writes: [] });
    });

    it("with mayOverlap, picks up another run's state and routing before each tick", async () => {
        const config = { ...validConfig, mayOverlap: true };
        world.script = (s) => { if (s === 10) { world.health.primary = targets("p", 0, 3); anotherRunFailedOver(); } };
        await invoke({}, config, 20_000);
        expect(writes()).toEqual([]); // the other run did it all
        expect(infoLines().map((l) => l.decision)).toEqual(["configured", "configured", "all-to-backup", "all-to-backup"]);
        // One read at the start, one before each tick.
        expect(world.calls.filter((c) => c === "GetParameter")).toHaveLength(5);
    });

    it("without mayOverlap reads the state once a run (and again only before a save)", async () => {
        await invoke({}, undefined, 20_000);
        expect(world.calls.filter((c) => c === "GetParameter")).toHaveLength(1);
    });

    it(`gives up after ${MAX_REPLANS} new plans when the state keeps changing under it`, async () => {
        world.health.primary = targets("p", 0, 3);
        ssmMock.on(GetParameterCommand).callsFake(fake("GetParameter", (i: any) =>
            ({ Parameter: { Name: i.Name, Type: "String", Value: "{}", Version: world.parameterVersion++ } })));
        const run = invoke({}, undefined, ONE_TICK_MS);
        await expect(run).rejects.toBeInstanceOf(StateConflictError);
        expect(lines.filter((l) => l.level === "warn" && /planning this tick again/.test(l.message))).toHaveLength(MAX_REPLANS);
        expect(world.calls).not.toContain("PutParameter");
    });
});
