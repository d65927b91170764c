import {
    environmentBytes, LAMBDA_ENVIRONMENT_LIMIT_BYTES, MAX_FAILOVER_ROUTES, worstCaseConfig, WORST_CASE_LENGTHS,
} from "../../packages/lbstack/src/failover/config-size";
import { encodeFailoverConfig, parseFailoverConfig, validateFailoverConfig } from "../../packages/lbstack/src/failover/controller-config";
import { validConfig } from "./fixtures";

const bytes = (routes: number) => environmentBytes(encodeFailoverConfig(worstCaseConfig(routes)));

describe("the controller's config against Lambda's 4 KB of environment variables", () => {
    test("is measured as Lambda measures it: the variables as a JSON object, so every quote of the config counts twice", () => {
        expect(environmentBytes('{"a":1}')).toBe('{"LBSTACK_FAILOVER_CONFIG":"{\\"a\\":1}"}'.length);
        expect(environmentBytes("é")).toBe(JSON.stringify({ LBSTACK_FAILOVER_CONFIG: "é" }).length + 1); // UTF-8
    });

    test("the worst case is a config the handler accepts, with every name at AWS's longest", () => {
        const config = worstCaseConfig(3);
        expect(validateFailoverConfig(config)).toBe(config);
        expect(parseFailoverConfig(encodeFailoverConfig(worstCaseConfig(MAX_FAILOVER_ROUTES)))).toEqual(worstCaseConfig(MAX_FAILOVER_ROUTES));
        expect(config.autoScalingGroups.primary.name).toHaveLength(WORST_CASE_LENGTHS.autoScalingGroupName);
        expect(config.stateParameterName).toHaveLength(WORST_CASE_LENGTHS.stateParameterName);
    });

    test("each route costs 17 bytes (a 16-digit rule id and a comma), where its ARN in a { ruleArn, target } object cost ~190", () => {
        expect(bytes(11) - bytes(10)).toBe(17);
        const arnForm = JSON.stringify({ LBSTACK_FAILOVER_CONFIG: JSON.stringify({ routes: worstCaseConfig(1).routes }) }).length
            - JSON.stringify({ LBSTACK_FAILOVER_CONFIG: JSON.stringify({ routes: [] }) }).length;
        expect(arnForm).toBeGreaterThan(180);
    });

    test(`MAX_FAILOVER_ROUTES (${MAX_FAILOVER_ROUTES}) is the most routes whose worst case still fits`, () => {
        expect(MAX_FAILOVER_ROUTES).toBe(94); // 61 while the config named two lifecycle hooks of up to 255 characters
        expect(bytes(MAX_FAILOVER_ROUTES)).toBeLessThanOrEqual(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
        expect(bytes(MAX_FAILOVER_ROUTES + 1)).toBeGreaterThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
    });

    test("a typical config with the schema's 99 routes would fit too; the limit is for names at their longest", () => {
        const routes = Array.from({ length: 99 }, (_, i) => ({
            ruleArn: `${validConfig.routes[0].ruleArn.replace(/[0-9a-f]+$/, "")}${(0xabc000 + i).toString(16).padStart(16, "0")}`,
            target: i % 2 ? "backup" as const : "primary" as const,
        }));
        expect(environmentBytes(encodeFailoverConfig({ ...validConfig, routes }))).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
    });
});
