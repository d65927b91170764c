import {
    encodeFailoverConfig, FailoverConfigError, parseFailoverConfig, validateFailoverConfig,
} from "../../packages/lbstack/src/failover/controller-config";
import { ACCOUNT, validConfig } from "./fixtures";

const RULES = `${ACCOUNT}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2`;

function parseProblems(json: string): string[] {
    try {
        parseFailoverConfig(json);
    } catch (e) {
        expect(e).toBeInstanceOf(FailoverConfigError);
        return (e as FailoverConfigError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    return [];
}

function problems(value: unknown): string[] {
    try {
        validateFailoverConfig(value);
    } catch (e) {
        expect(e).toBeInstanceOf(FailoverConfigError);
        return (e as FailoverConfigError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    return [];
}

describe("encodeFailoverConfig and parseFailoverConfig", () => {
    it("round-trip a valid config", () => {
        expect(parseFailoverConfig(encodeFailoverConfig(validConfig))).toEqual(validConfig);
        expect(parseFailoverConfig(encodeFailoverConfig({ ...validConfig, pin: "backup", routes: [] })).pin).toBe("backup");
        expect(parseFailoverConfig(encodeFailoverConfig({ ...validConfig, mayOverlap: true })).mayOverlap).toBe(true);
    });

    it("keep only each route's rule id, grouped by target, and rebuild the ARNs from the listener's", () => {
        const routes = [
            { ruleArn: `${RULES}/00000000000000a1`, target: "primary" as const },
            { ruleArn: `${RULES}/00000000000000b2`, target: "backup" as const },
            { ruleArn: `${RULES}/00000000000000c3`, target: "primary" as const },
        ];
        const json = encodeFailoverConfig({ ...validConfig, routes });
        expect(JSON.parse(json).routes).toEqual({ primary: "00000000000000a1,00000000000000c3", backup: "00000000000000b2" });
        expect(json).not.toContain("listener-rule");
        // The primary's routes first, then the backup's: the order of writes among routes of one kind.
        expect(parseFailoverConfig(json).routes).toEqual([routes[0], routes[2], routes[1]]);
        expect(JSON.parse(encodeFailoverConfig({ ...validConfig, routes: [] })).routes).toEqual({ primary: "", backup: "" });
    });

    it("name a routes value that is not rule ids per target, and a bad id, with the rest of the problems", () => {
        const wire = JSON.parse(encodeFailoverConfig(validConfig));
        expect(parseProblems(JSON.stringify({ ...wire, routes: [{ ruleArn: validConfig.routes[0].ruleArn, target: "primary" }] }))).toEqual([
            'routes: must be { primary, backup }, each a comma-separated list of rule ids ("" for none)',
        ]);
        expect(parseProblems(JSON.stringify({ ...wire, routes: { primary: "9683b2d02a6cabee,not-an-id", backup: "" }, pollSeconds: 0 }))).toEqual([
            "routes.primary: must list rule ids (hexadecimal, the last part of a rule ARN)",
            "pollSeconds: must be an integer from 1 to 60",
        ]);
        expect(parseProblems(JSON.stringify({ ...wire, routes: { primary: "9683b2d02a6cabee", backup: "9683b2d02a6cabee" } }))).toEqual([
            "routes.1.ruleArn: is listed twice",
        ]);
    });

    it("fails loudly when the variable is missing or not JSON", () => {
        expect(() => parseFailoverConfig(undefined)).toThrow(/LBSTACK_FAILOVER_CONFIG is not set/);
        expect(() => parseFailoverConfig("{oops")).toThrow(/is not valid JSON/);
    });

    it("lists every problem with its path and value in one error", () => {
        const bad = {
            ...validConfig,
            weights: { primary: 1000, backup: -1 },
            settleSeconds: 0,
            pollSeconds: 0.5,
            pin: "tertiary",
        };
        let message = "";
        try {
            parseFailoverConfig(encodeFailoverConfig(bad as any));
        } catch (e) {
            message = (e as Error).message;
        }
        expect(message).toContain("invalid configuration (5 problems)");
        expect(message).toContain("weights.primary (1000): must be an integer from 0 to 999");
        expect(message).toContain("weights.backup (-1): must be an integer from 0 to 999");
        expect(message).toContain("settleSeconds (0): must be a number of seconds greater than 0");
        expect(message).toContain("pollSeconds (0.5): must be an integer from 1 to 60");
        expect(message).toContain('pin ("tertiary"): must be "primary", "backup" or absent');
    });
});

describe("validateFailoverConfig", () => {
    it("rejects weights that are both 0", () => {
        expect(problems({ ...validConfig, weights: { primary: 0, backup: 0 } })).toEqual(["weights: must not both be 0 (the listener would send no traffic)"]);
    });

    it("accepts active-passive weights", () => {
        expect(problems({ ...validConfig, weights: { primary: 100, backup: 0 } })).toEqual([]);
    });

    it("checks minHealthy: exactly one of count (>= 1) or percent (1-100)", () => {
        expect(problems({ ...validConfig, minHealthy: { primary: { count: 0 }, backup: { percent: 101 } } })).toEqual([
            "minHealthy.primary.count: must be an integer of at least 1",
            "minHealthy.backup.percent: must be a number from 1 to 100",
        ]);
        expect(problems({ ...validConfig, minHealthy: { primary: { count: 1, percent: 50 }, backup: {} } })).toEqual([
            "minHealthy.primary: must have exactly one key: count or percent",
            "minHealthy.backup: must have exactly one key: count or percent",
        ]);
    });

    it("checks ARNs by kind and that the two target groups differ", () => {
        expect(problems({
            ...validConfig,
            listenerArn: validConfig.targetGroupArns.primary,
            targetGroupArns: { primary: validConfig.targetGroupArns.primary, backup: validConfig.targetGroupArns.primary },
            routes: [{ ruleArn: "rule-1", target: "primary" }],
        })).toEqual([
            "listenerArn: must be a load balancer listener ARN",
            "targetGroupArns.backup: must differ from targetGroupArns.primary",
            "routes.0.ruleArn: must be a listener rule ARN",
        ]);
    });

    it("checks that every route is a rule of the listener (the only rules the IAM policy lets it modify)", () => {
        const other = `${ACCOUNT}:listener-rule/app/web/50dc6c495c0c9188/0000000000000bad/9683b2d02a6cabee`;
        expect(problems({ ...validConfig, routes: [{ ruleArn: other, target: "primary" }] })).toEqual(["routes.0.ruleArn: must be a rule of listenerArn"]);
    });

    it("checks routes: target, duplicates, unknown keys", () => {
        const route = validConfig.routes[0];
        expect(problems({ ...validConfig, routes: [route, { ...route, target: "both", weight: 1 }] })).toEqual([
            "routes.1.weight: is not a known key (expected one of ruleArn, target)",
            'routes.1.target: must be "primary" or "backup"',
            "routes.1.ruleArn: is listed twice",
        ]);
    });

    it("checks the auto-scaling groups", () => {
        expect(problems({
            ...validConfig,
            autoScalingGroups: {
                primary: { name: "web", desiredCapacity: 5, maxSize: 4 },
                backup: { name: "web", desiredCapacity: -1, maxSize: 2 },
            },
        })).toEqual([
            "autoScalingGroups.primary.maxSize: must be at least desiredCapacity (5)",
            "autoScalingGroups.backup.desiredCapacity: must be an integer of at least 0",
            "autoScalingGroups.backup.name: must differ from autoScalingGroups.primary.name",
        ]);
        // The controller has no lifecycle hook any more: a config that names one is from another version.
        const withHook = { ...validConfig.autoScalingGroups.primary, lifecycleHookName: "hook" };
        expect(problems({ ...validConfig, autoScalingGroups: { ...validConfig.autoScalingGroups, primary: withHook } })).toEqual([
            expect.stringMatching(/^autoScalingGroups\.primary\.lifecycleHookName: is not a known key/),
        ]);
    });

    it("rejects unknown top-level keys (usually typos) and a bad parameter name", () => {
        const { settleSeconds, ...rest } = validConfig;
        expect(problems({ ...rest, settleSecond: settleSeconds, stateParameterName: "my param", mayOverlap: "yes" })).toEqual([
            "settleSecond: is not a known key (expected one of listenerArn, targetGroupArns, weights, pin, minHealthy, settleSeconds, pollSeconds, routes, autoScalingGroups, stateParameterName, mayOverlap)",
            "settleSeconds: must be a number of seconds greater than 0",
            "stateParameterName: must be an SSM parameter name (letters, digits, _.-/; up to 1011 characters)",
            "mayOverlap: must be true, false or absent",
        ]);
    });

    it("rejects a non-object", () => {
        expect(problems([])).toEqual([": must be a JSON object"]);
    });
});
