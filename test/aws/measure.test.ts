import * as path from "path";
import { allFrom, binomialRange, Environment, firstAfter, groupOf, missingPrerequisites, modeledTiming, Sample, skipLine } from "./measure";

/** The pure parts of the real-AWS test, which the normal run can check (the test itself needs AWS). */

function environment(env: Record<string, string>, files: string[] = []): Environment {
    return { env, home: "/home/u", exists: (f) => files.includes(f) };
}

const PULUMI = path.join("/opt/pulumi/bin", "pulumi");

describe("prerequisites of the real-AWS test", () => {
    test("lists all three when nothing is there, in one skip line", () => {
        const missing = missingPrerequisites(environment({ PATH: "/usr/bin" }));
        expect(missing).toEqual([
            "LBSTACK_AWS_TESTS=1",
            "AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or ~/.aws)",
            "the pulumi CLI on PATH",
        ]);
        expect(skipLine(missing)).toMatch(/^skipped: the real-AWS test .* needs LBSTACK_AWS_TESTS=1, AWS credentials .*, the pulumi CLI on PATH$/);
        expect(skipLine(missing)).not.toContain("\n");
    });

    test("accepts keys in the environment, or a profile file, and pulumi anywhere on PATH", () => {
        const keys = { LBSTACK_AWS_TESTS: "1", AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "s", PATH: `/usr/bin${path.delimiter}/opt/pulumi/bin` };
        expect(missingPrerequisites(environment(keys, [PULUMI]))).toEqual([]);
        const profile = { LBSTACK_AWS_TESTS: "1", PATH: "/opt/pulumi/bin" };
        expect(missingPrerequisites(environment(profile, [PULUMI, "/home/u/.aws/config"]))).toEqual([]);
    });

    test("needs exactly LBSTACK_AWS_TESTS=1, and both halves of a key pair", () => {
        const env = { LBSTACK_AWS_TESTS: "true", AWS_ACCESS_KEY_ID: "AKIA", PATH: "/opt/pulumi/bin" };
        expect(missingPrerequisites(environment(env, [PULUMI]))).toEqual([
            "LBSTACK_AWS_TESTS=1",
            "AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or ~/.aws)",
        ]);
    });
});

describe("the weight check", () => {
    test("accepts 90/10 over 300 requests within 4 standard deviations: 9 to 51 backup responses", () => {
        expect(binomialRange(300, 0.1)).toEqual({ min: 9, max: 51, expected: 30 });
    });

    test("a 100/0 split accepts exactly 0 backup responses", () => {
        expect(binomialRange(300, 0)).toEqual({ min: 0, max: 0, expected: 0 });
    });
});

describe("reading the demo server and timing the change", () => {
    test("the group is the first word of a 200 answer; anything else is an error", () => {
        expect(groupOf(200, "primary i-0123456789abcdef0\n")).toBe("primary");
        expect(groupOf(200, "backup i-0fedcba9876543210\n")).toBe("backup");
        expect(groupOf(502, "<html>502 Bad Gateway</html>")).toBe("error");
        expect(groupOf(0, "")).toBe("error");
        expect(groupOf(200, "ok\n")).toBe("error");
    });

    const s = (at: number, group: Sample["group"]): Sample => ({ at: at * 1000, group });
    const failover = [s(0, "primary"), s(1, "error"), s(2, "backup"), s(3, "error"), s(10, "backup"), s(20, "backup"), s(31, "backup")];

    test("the backup takes all requests from the first of an unbroken run of backup answers that lasts the hold time", () => {
        expect(allFrom(failover, "backup", 20_000)).toBe(10_000);
        expect(allFrom(failover, "backup", 30_000)).toBeUndefined();
        expect(allFrom([...failover, s(32, "error")], "backup", 1000)).toBeUndefined();
    });

    test("the failure is the first error after the command was sent", () => {
        expect(firstAfter(failover, 500, "error")).toBe(1000);
        expect(firstAfter(failover, 4000, "error")).toBeUndefined();
    });
});

describe("the modeled figures", () => {
    const fallback = () => ({ floorSeconds: 20, failoverSeconds: 38, failbackSeconds: 71, pollGapSeconds: 8 });

    test("come from the plan's figures.failover: the primary's own entry, with the stack-wide poll gap", () => {
        const failover = {
            floorSeconds: 20, failoverSeconds: 38, failbackSeconds: 71, pollSeconds: 5, pollGapSeconds: 8, settleSeconds: 30, apiAllowanceSeconds: 5,
            groups: { primary: { floorSeconds: 10, failoverSeconds: 25, failbackSeconds: 61 }, backup: { floorSeconds: 20, failoverSeconds: 38, failbackSeconds: 71 } },
        };
        expect(modeledTiming({ failover }, fallback)).toEqual({
            floorSeconds: 10, failoverSeconds: 25, failbackSeconds: 61, pollGapSeconds: 8, source: "figures.failover.groups.primary of lbstack plan --json",
        });
        const { groups: _groups, ...flat } = failover;
        expect(modeledTiming({ failover: flat }, fallback)).toMatchObject({ failoverSeconds: 38, source: "figures.failover of lbstack plan --json" });
    });

    test("fall back to the formula on the quickstart's spec, and say so", () => {
        expect(modeledTiming({ groups: {} }, fallback)).toEqual({ ...fallback(), source: expect.stringContaining("the plan has no figures.failover") });
    });
});
