/**
 * Configuration of the failover controller Lambda.
 *
 * Pulumi serialises a {@link FailoverControllerConfig} with {@link encodeFailoverConfig} into the
 * Lambda environment variable {@link CONFIG_ENV_VAR}; the handler parses it with
 * {@link parseFailoverConfig} on every invocation and refuses to run on a bad value.
 *
 * The serialised form is compact because Lambda allows 4 KB for all environment variables
 * together: each route is stored as its rule id only (see {@link FailoverConfigJson}), and the
 * handler rebuilds the rule ARNs from the listener ARN. `config-size.ts` bounds the size.
 *
 * This module is zipped into the Lambda as compiled: it imports nothing (no zod, no other
 * lbstack module), so the checks are written by hand. The Pulumi component can call
 * {@link validateFailoverConfig} on the same object before it deploys, to fail at preview.
 */

/** The Lambda environment variable that holds the JSON config. */
export const CONFIG_ENV_VAR = "LBSTACK_FAILOVER_CONFIG";

/**
 * No poll tick starts with less than this left of the Lambda timeout: the last tick's budget for
 * its API calls, and the distance between the end of a run and the next scheduled start. Here
 * (not in handler.ts) so the Pulumi side can model the poll gap from the same number without
 * loading the AWS SDK.
 */
export const STOP_MARGIN_MS = 5000;

/** The two instance groups behind the listener. */
export type GroupRole = "primary" | "backup";

export const GROUP_ROLES: readonly GroupRole[] = ["primary", "backup"];

/** The group that is not `role`. */
export function otherGroup(role: GroupRole): GroupRole {
    return role === "primary" ? "backup" : "primary";
}

/**
 * The fewest healthy targets a group needs to count as "up"; with fewer it is "down".
 * A group also needs at least one healthy target to be up, whatever the threshold.
 *
 * - `{ count: n }`: at least `n` healthy targets (integer, 1 or more).
 * - `{ percent: p }`: at least `ceil(p% of registered targets)` healthy, `p` from 1 to 100.
 *   Registered means every target except those draining. A group with no registered target
 *   is down.
 */
export type MinHealthy = { count: number } | { percent: number };

/** A listener rule ("route") whose forward action Pulumi created to send matching requests to one group. */
export interface FailoverRoute {
    /** ARN of the listener rule (`arn:aws:elasticloadbalancing:…:listener-rule/…`). */
    ruleArn: string;
    /** The group the rule forwards to while that group is up. */
    target: GroupRole;
}

/** The auto-scaling group behind one target group, as Pulumi configured it. */
export interface FailoverAutoScalingGroup {
    /** Auto-scaling group name. */
    name: string;
    /**
     * Desired capacity Pulumi configured (integer, 0 or more). When the *other* group fails,
     * this group's desired capacity is raised toward the failed group's `desiredCapacity`.
     */
    desiredCapacity: number;
    /** Maximum size Pulumi configured (integer, at least `desiredCapacity`); scale-out never goes above it. */
    maxSize: number;
}

/**
 * Everything the failover controller needs. Durations are in seconds, weights are the
 * listener's forward weights (AWS range 0–999).
 */
export interface FailoverControllerConfig {
    /** ARN of the listener whose default action forwards to both target groups. */
    listenerArn: string;
    /** ARN of each group's target group (must differ). */
    targetGroupArns: Record<GroupRole, string>;
    /**
     * Forward weights while both groups are up, integers 0–999, not both 0.
     * Active-passive is `{ primary: 100, backup: 0 }`.
     * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#forward-actions
     */
    weights: Record<GroupRole, number>;
    /**
     * Send all traffic (default action and every route) to this group and suspend automatic
     * failover, failback and scale-out while set. Honoured even if the group is down: a pin is
     * an operator's explicit choice. Clearing it restores the routing health calls for.
     * @default undefined (automatic)
     */
    pin?: GroupRole;
    /** Below this a group is down. See {@link MinHealthy}. */
    minHealthy: Record<GroupRole, MinHealthy>;
    /** How long (seconds, > 0) a failed group must stay up before its configured weights and routes come back. */
    settleSeconds: number;
    /** Period (seconds, 1–60) of the health poll inside one invocation. */
    pollSeconds: number;
    /** Listener rules to move with their group; may be empty. */
    routes: FailoverRoute[];
    /** Auto-scaling group of each role, for scaling out the survivor. */
    autoScalingGroups: Record<GroupRole, FailoverAutoScalingGroup>;
    /**
     * Name of the SSM parameter (type String) that keeps the controller state as JSON between
     * invocations. Pulumi creates it (initial value `{}`) with `ignoreChanges` on its value.
     */
    stateParameterName: string;
    /**
     * True when the Lambda has no reserved concurrency, so two invocations may run at once: the
     * handler then re-reads the state version before every tick (see handler.ts, "Overlapping
     * invocations"). Absent or false with reserved concurrency 1.
     * @default false
     */
    mayOverlap?: boolean;
}

/**
 * The JSON text of {@link CONFIG_ENV_VAR}: a {@link FailoverControllerConfig} whose `routes` are
 * replaced by the rule ids per target, comma-separated (`"9683b2d02a6cabee,1a2b3c4d5e6f7a8b"`).
 * A rule of listener `…:listener/app/<lb>/<lb-id>/<listener-id>` has the ARN
 * `…:listener-rule/app/<lb>/<lb-id>/<listener-id>/<rule-id>`, so the id is all the handler needs.
 * 17 bytes a route instead of ~170 for the ARN inside a `{ ruleArn, target }` object.
 */
export interface FailoverConfigJson extends Omit<FailoverControllerConfig, "routes"> {
    /** Rule ids of the routes that forward to each group, comma-separated; `""` for none. */
    routes: Record<GroupRole, string>;
}

/**
 * `…:listener/app/<lb>/<lb-id>/<listener-id>` → `…:listener-rule/app/<lb>/<lb-id>/<listener-id>`:
 * every rule of the listener has an ARN of this prefix, a `/` and the rule id. Also what the
 * controller's IAM policy grants ModifyRule on (with `/*`).
 */
export function listenerRuleArnPrefix(listenerArn: string): string {
    return listenerArn.replace(/:listener\//, ":listener-rule/");
}

/** The rule id: the last `/`-separated part of a rule ARN. */
export function ruleIdOf(ruleArn: string): string {
    return ruleArn.slice(ruleArn.lastIndexOf("/") + 1);
}

/**
 * The JSON text for {@link CONFIG_ENV_VAR}. Pure reshaping, no validation (the handler validates):
 * every rule of `routes` must belong to `listenerArn`, as lbstack's rules do (it creates each one
 * on that listener), since only the rule id is kept.
 */
export function encodeFailoverConfig(config: FailoverControllerConfig): string {
    const ids = (role: GroupRole) => config.routes.filter((r) => r.target === role).map((r) => ruleIdOf(r.ruleArn)).join(",");
    const { routes: _routes, ...rest } = config;
    const json: FailoverConfigJson = { ...rest, routes: { primary: ids("primary"), backup: ids("backup") } };
    return JSON.stringify(json);
}

/** One problem in the config: where, what was there, what is wrong. */
export interface FailoverConfigIssue {
    /** Dotted path, e.g. `weights.primary`; empty for the root. */
    path: string;
    /** The offending value (undefined when the field is missing). */
    value: unknown;
    message: string;
}

/** Thrown by {@link parseFailoverConfig} / {@link validateFailoverConfig}; lists every problem. */
export class FailoverConfigError extends Error {
    readonly issues: FailoverConfigIssue[];
    constructor(issues: FailoverConfigIssue[]) {
        super(`${CONFIG_ENV_VAR}: invalid configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
            issues.map((i) => `  - ${formatIssue(i)}`).join("\n"));
        this.name = "FailoverConfigError";
        this.issues = issues;
    }
}

function formatIssue(issue: FailoverConfigIssue): string {
    const where = issue.path === "" ? "(root)" : issue.path;
    if (issue.value === undefined) return `${where}: ${issue.message}`;
    let shown: string;
    try {
        shown = JSON.stringify(issue.value) ?? String(issue.value);
    } catch {
        shown = String(issue.value);
    }
    if (shown.length > 80) shown = shown.slice(0, 77) + "...";
    return `${where} (${shown}): ${issue.message}`;
}

/**
 * Parses the JSON text of {@link CONFIG_ENV_VAR} (a {@link FailoverConfigJson}), rebuilds the rule
 * ARNs from the listener ARN and the rule ids, and validates the result. Throws
 * {@link FailoverConfigError} listing every problem.
 */
export function parseFailoverConfig(json: string | undefined): FailoverControllerConfig {
    if (json === undefined || json.trim() === "") {
        throw new FailoverConfigError([{ path: "", value: undefined, message: `${CONFIG_ENV_VAR} is not set` }]);
    }
    let value: unknown;
    try {
        value = JSON.parse(json);
    } catch (e) {
        throw new FailoverConfigError([{ path: "", value: undefined, message: `is not valid JSON: ${(e as Error).message}` }]);
    }
    const issues: FailoverConfigIssue[] = [];
    const expanded = expandRoutes(value, issues);
    let config: FailoverControllerConfig | undefined;
    try {
        config = validateFailoverConfig(expanded);
    } catch (e) {
        if (!(e instanceof FailoverConfigError)) throw e;
        issues.push(...e.issues);
    }
    if (issues.length > 0) throw new FailoverConfigError(issues);
    return config!;
}

const RULE_ID = /^[0-9a-f]+$/;

/**
 * The parsed JSON with `routes` rebuilt as `{ ruleArn, target }[]` from the listener ARN and the
 * rule ids. A bad `routes` or id is added to `issues` (and left out, so the rest is still checked).
 */
function expandRoutes(value: unknown, issues: FailoverConfigIssue[]): unknown {
    if (!isObject(value)) return value;
    const routes = value.routes;
    const expanded: FailoverRoute[] = [];
    const shapeOk = isObject(routes) && Object.keys(routes).length === 2 && GROUP_ROLES.every((r) => typeof routes[r] === "string");
    if (!shapeOk) {
        issues.push({ path: "routes", value: routes, message: 'must be { primary, backup }, each a comma-separated list of rule ids ("" for none)' });
    } else {
        const prefix = listenerRuleArnPrefix(typeof value.listenerArn === "string" ? value.listenerArn : "");
        for (const target of GROUP_ROLES) {
            const list = routes[target] as string;
            if (list === "") continue;
            for (const id of list.split(",")) {
                if (RULE_ID.test(id)) expanded.push({ ruleArn: `${prefix}/${id}`, target });
                else issues.push({ path: `routes.${target}`, value: id, message: "must list rule ids (hexadecimal, the last part of a rule ARN)" });
            }
        }
    }
    return { ...value, routes: expanded };
}

const ARN_KIND = {
    listener: /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/(app|net)\/[^/]+\/[0-9a-f]+\/[0-9a-f]+$/,
    targetGroup: /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[^/]+\/[0-9a-f]+$/,
    rule: /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener-rule\/app\/[^/]+\/[0-9a-f]+\/[0-9a-f]+\/[0-9a-f]+$/,
};
// SSM parameter names: letters, digits and _.-/ ; up to 1011 characters with the path.
const PARAMETER_NAME = /^[a-zA-Z0-9_.\-/]{1,1011}$/;
// Auto Scaling group names: 1–255 characters (the API's own limit).
const ASG_NAME = /^.{1,255}$/s;

const TOP_KEYS = ["listenerArn", "targetGroupArns", "weights", "pin", "minHealthy", "settleSeconds", "pollSeconds",
    "routes", "autoScalingGroups", "stateParameterName", "mayOverlap"];

/**
 * Checks an already-parsed config object and returns it typed. Unknown keys are errors (they
 * are usually typos). Throws {@link FailoverConfigError} listing every problem.
 */
export function validateFailoverConfig(value: unknown): FailoverControllerConfig {
    const issues: FailoverConfigIssue[] = [];
    const add = (path: string, v: unknown, message: string) => issues.push({ path, value: v, message });

    if (!isObject(value)) {
        throw new FailoverConfigError([{ path: "", value, message: "must be a JSON object" }]);
    }
    unknownKeys(value, TOP_KEYS, "", add);

    matchString(value.listenerArn, "listenerArn", ARN_KIND.listener, "must be a load balancer listener ARN", add);

    const tgs = perRole(value.targetGroupArns, "targetGroupArns", add);
    for (const role of GROUP_ROLES) {
        matchString(tgs?.[role], `targetGroupArns.${role}`, ARN_KIND.targetGroup, "must be a target group ARN", add);
    }
    if (tgs && typeof tgs.primary === "string" && tgs.primary === tgs.backup) {
        add("targetGroupArns.backup", tgs.backup, "must differ from targetGroupArns.primary");
    }

    const weights = perRole(value.weights, "weights", add);
    let weightsOk = weights !== undefined;
    for (const role of GROUP_ROLES) {
        const w = weights?.[role];
        if (weights && !(Number.isInteger(w) && (w as number) >= 0 && (w as number) <= 999)) {
            add(`weights.${role}`, w, "must be an integer from 0 to 999");
            weightsOk = false;
        }
    }
    if (weightsOk && weights!.primary === 0 && weights!.backup === 0) {
        add("weights", weights, "must not both be 0 (the listener would send no traffic)");
    }

    if (value.pin !== undefined && value.pin !== "primary" && value.pin !== "backup") {
        add("pin", value.pin, 'must be "primary", "backup" or absent');
    }

    const minHealthy = perRole(value.minHealthy, "minHealthy", add);
    for (const role of GROUP_ROLES) {
        if (minHealthy) checkMinHealthy(minHealthy[role], `minHealthy.${role}`, add);
    }

    if (!(typeof value.settleSeconds === "number" && Number.isFinite(value.settleSeconds) && value.settleSeconds > 0)) {
        add("settleSeconds", value.settleSeconds, "must be a number of seconds greater than 0");
    }
    if (!(Number.isInteger(value.pollSeconds) && (value.pollSeconds as number) >= 1 && (value.pollSeconds as number) <= 60)) {
        add("pollSeconds", value.pollSeconds, "must be an integer from 1 to 60");
    }

    if (!Array.isArray(value.routes)) {
        add("routes", value.routes, "must be a list (possibly empty) of { ruleArn, target }");
    } else {
        const seen = new Set<string>();
        const rulePrefix = typeof value.listenerArn === "string" ? listenerRuleArnPrefix(value.listenerArn) + "/" : undefined;
        value.routes.forEach((route: unknown, i: number) => {
            const path = `routes.${i}`;
            if (!isObject(route)) {
                add(path, route, "must be an object { ruleArn, target }");
                return;
            }
            unknownKeys(route, ["ruleArn", "target"], path, add);
            matchString(route.ruleArn, `${path}.ruleArn`, ARN_KIND.rule, "must be a listener rule ARN", add);
            if (typeof route.ruleArn === "string" && ARN_KIND.rule.test(route.ruleArn) && rulePrefix && !route.ruleArn.startsWith(rulePrefix)) {
                // The IAM policy grants ModifyRule on this listener's rules only.
                add(`${path}.ruleArn`, route.ruleArn, "must be a rule of listenerArn");
            }
            if (route.target !== "primary" && route.target !== "backup") {
                add(`${path}.target`, route.target, 'must be "primary" or "backup"');
            }
            if (typeof route.ruleArn === "string") {
                if (seen.has(route.ruleArn)) add(`${path}.ruleArn`, route.ruleArn, "is listed twice");
                seen.add(route.ruleArn);
            }
        });
    }

    const asgs = perRole(value.autoScalingGroups, "autoScalingGroups", add);
    for (const role of GROUP_ROLES) {
        if (asgs) checkAsg(asgs[role], `autoScalingGroups.${role}`, add);
    }
    if (asgs && isObject(asgs.primary) && isObject(asgs.backup) && typeof asgs.primary.name === "string" &&
        asgs.primary.name === asgs.backup.name) {
        add("autoScalingGroups.backup.name", asgs.backup.name, "must differ from autoScalingGroups.primary.name");
    }

    matchString(value.stateParameterName, "stateParameterName", PARAMETER_NAME,
        "must be an SSM parameter name (letters, digits, _.-/; up to 1011 characters)", add);
    if (value.mayOverlap !== undefined && typeof value.mayOverlap !== "boolean") add("mayOverlap", value.mayOverlap, "must be true, false or absent");

    if (issues.length > 0) throw new FailoverConfigError(issues);
    return value as unknown as FailoverControllerConfig;
}

type Add = (path: string, value: unknown, message: string) => void;

function isObject(v: unknown): v is Record<string, any> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function unknownKeys(obj: Record<string, unknown>, allowed: string[], path: string, add: Add): void {
    for (const key of Object.keys(obj)) {
        if (!allowed.includes(key)) add(path === "" ? key : `${path}.${key}`, undefined, `is not a known key (expected one of ${allowed.join(", ")})`);
    }
}

function perRole(v: unknown, path: string, add: Add): Record<string, any> | undefined {
    if (!isObject(v)) {
        add(path, v, "must be an object { primary, backup }");
        return undefined;
    }
    unknownKeys(v, [...GROUP_ROLES], path, add);
    return v;
}

function matchString(v: unknown, path: string, pattern: RegExp, message: string, add: Add): void {
    if (typeof v !== "string" || !pattern.test(v)) add(path, v, message);
}

function checkMinHealthy(v: unknown, path: string, add: Add): void {
    if (!isObject(v)) {
        add(path, v, "must be { count: n } or { percent: p }");
        return;
    }
    const keys = Object.keys(v);
    if (keys.length !== 1 || (keys[0] !== "count" && keys[0] !== "percent")) {
        add(path, v, "must have exactly one key: count or percent");
        return;
    }
    if (keys[0] === "count") {
        if (!(Number.isInteger(v.count) && v.count >= 1)) add(`${path}.count`, v.count, "must be an integer of at least 1");
    } else if (!(typeof v.percent === "number" && v.percent >= 1 && v.percent <= 100)) {
        add(`${path}.percent`, v.percent, "must be a number from 1 to 100");
    }
}

function checkAsg(v: unknown, path: string, add: Add): void {
    if (!isObject(v)) {
        add(path, v, "must be an object { name, desiredCapacity, maxSize }");
        return;
    }
    unknownKeys(v, ["name", "desiredCapacity", "maxSize"], path, add);
    matchString(v.name, `${path}.name`, ASG_NAME, "must be an auto-scaling group name (1–255 characters)", add);
    const desiredOk = Number.isInteger(v.desiredCapacity) && v.desiredCapacity >= 0;
    if (!desiredOk) add(`${path}.desiredCapacity`, v.desiredCapacity, "must be an integer of at least 0");
    if (!(Number.isInteger(v.maxSize) && v.maxSize >= 0)) {
        add(`${path}.maxSize`, v.maxSize, "must be an integer of at least 0");
    } else if (desiredOk && v.maxSize < v.desiredCapacity) {
        add(`${path}.maxSize`, v.maxSize, `must be at least desiredCapacity (${v.desiredCapacity})`);
    }
}
