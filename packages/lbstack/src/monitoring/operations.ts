import { deployIssues, scalingIssues } from "../app-group/operations-schema";
import { launchMode } from "../instance/launch-template";
import { GROUP_ROLES as ROLES, GroupRole } from "../common/roles";
import type { LoadBalancedStackSpecSchema, ResolvedStackSpec } from "../stack/schema";
import type { z } from "zod";
import { AlarmContext, alarmDefinitions, rollbackAlarmIds } from "./alarms";
import { monitoringIssues, ResolvedMonitoring } from "./schema";

type ParsedSpec = z.output<typeof LoadBalancedStackSpecSchema>;


/** How many alarms would stop this group's instance refresh (0 with monitoring off). */
export function rollbackAlarmCount(monitoring: ResolvedMonitoring | false, ctx: AlarmContext, role: GroupRole): number {
    if (monitoring === false) return 0;
    return rollbackAlarmIds(alarmDefinitions(monitoring, ctx), role).length;
}

/**
 * Every cross-field rule of scaling, deploys and monitoring, with paths from the root of the
 * stack spec: scheduled capacity, step scaling, predictive, warm pool, refresh percentages and
 * checkpoints, rollback with no alarm, alarm windows, and what a network load balancer cannot do.
 */
export function operationsIssues(r: ResolvedStackSpec, spec: ParsedSpec): { path: (string | number)[]; value: unknown; message: string }[] {
    const issues: { path: (string | number)[]; value: unknown; message: string }[] = [];
    const type = r.loadBalancer.type;
    const ctx: AlarmContext = { loadBalancerType: type, groups: r.groups };
    for (const role of ROLES) {
        const g = r.groups[role];
        for (const i of scalingIssues(g.scaling, spec[role].scaling, { capacity: g.capacity, loadBalancerType: type, launchMode: launchMode(g.instance) })) {
            issues.push({ ...i, path: [role, ...i.path] });
        }
        const count = rollbackAlarmCount(r.monitoring, ctx, role);
        for (const i of deployIssues(g.deploy, spec[role].deploy, { monitoring: r.monitoring !== false, count })) {
            issues.push({ ...i, path: [role, ...i.path] });
        }
    }
    issues.push(...monitoringIssues(spec.monitoring, r.monitoring, type));
    return issues;
}
