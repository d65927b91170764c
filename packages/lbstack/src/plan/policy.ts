import { UNKNOWN } from "./mock-runtime";
import type { ReportResource } from "./plan";

/** One policy finding on a planned resource. */
export interface PlanPolicyViolation {
    policyName: string;
    enforcementLevel: "advisory" | "mandatory";
    resourceType: string;
    resourceName: string;
    message: string;
}

/** What `lbstack plan --policy` adds to the report. */
export interface PlanPolicyReport {
    /** Every finding, mandatory first. */
    violations: PlanPolicyViolation[];
    /** How many findings are mandatory (the plan exits 3 when there is one or more). */
    mandatory: number;
}

/** Replaces the plan's unknown marker with the policy pack's own unknown value ("cannot tell"). */
function toPolicyValue(v: unknown, unknown: unknown): unknown {
    if (v !== null && typeof v === "object") {
        if ((v as any).$unknown === UNKNOWN.$unknown) return unknown;
        if (Array.isArray(v)) return v.map((x) => toPolicyValue(x, unknown));
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPolicyValue(x, unknown)]));
    }
    return v;
}

/**
 * Runs the lbstack-policy pack over the planned resources, as `pulumi preview --policy-pack`
 * would over a preview. The pack is resolved from the project directory first, then from
 * lbstack's own installation; it is an optional companion package (`npm install lbstack-policy`).
 */
export async function runPolicyPack(resources: readonly ReportResource[], projectDir: string): Promise<PlanPolicyReport> {
    let pack: any;
    try {
        pack = require(require.resolve("lbstack-policy", { paths: [projectDir, __dirname] }));
    } catch (e) {
        throw Object.assign(new Error(`--policy needs the lbstack-policy package (npm install --save-dev lbstack-policy): ${(e as Error).message}`), { name: "PlanInputError" });
    }
    const found: PlanPolicyViolation[] = await pack.runPolicies(resources.map((r) => ({
        type: r.type, name: r.name, parent: r.parent ?? undefined, props: toPolicyValue(r.inputs, pack.UNKNOWN) as Record<string, unknown>,
    })));
    const violations = found
        .map((v) => ({ policyName: v.policyName, enforcementLevel: v.enforcementLevel, resourceType: v.resourceType, resourceName: v.resourceName, message: v.message }))
        .sort((a, b) => (a.enforcementLevel === b.enforcementLevel ? 0 : a.enforcementLevel === "mandatory" ? -1 : 1));
    return { violations, mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length };
}

/** One line per finding: `policy: [mandatory] lbstack-imdsv2-required on app-primary-lt: …`. */
export function renderPolicy(report: PlanPolicyReport): string {
    if (report.violations.length === 0) return "policy: lbstack-policy found no violations\n";
    return report.violations.map((v) => `policy: [${v.enforcementLevel}] ${v.policyName} on ${v.resourceName} (${v.resourceType}): ${v.message}\n`).join("")
        + `policy: ${report.mandatory} mandatory, ${report.violations.length - report.mandatory} advisory\n`;
}
