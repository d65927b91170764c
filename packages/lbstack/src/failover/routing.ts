/**
 * Compares the live listener routing with the desired one and plans the writes, in a safe
 * order. Pure; only SDK *types* are imported (erased at compile time).
 */
import type { Action, TargetGroupTuple } from "@aws-sdk/client-elastic-load-balancing-v2";
import { FailoverControllerConfig, GroupRole } from "./controller-config";
import { DesiredRouting, RoutingMode } from "./decide";

/** The live actions, as read at the start of an invocation and updated after each write. */
export interface LiveRouting {
    defaultActions: Action[];
    /** Actions of each route's rule, by rule ARN. */
    ruleActions: Record<string, Action[]>;
}

export type RoutingWrite =
    | { op: "ModifyRule"; ruleArn: string; target: GroupRole; actions: Action[] }
    | { op: "ModifyListener"; weights: Record<GroupRole, number>; actions: Action[] };

const TERMINAL = new Set(["forward", "redirect", "fixed-response"]);

/** Weight per target group ARN of the forward action; undefined when there is no forward action. */
export function forwardWeights(actions: Action[]): Map<string, number> | undefined {
    const forward = actions.find((a) => a.Type === "forward");
    if (!forward) return undefined;
    const tuples: TargetGroupTuple[] = forward.ForwardConfig?.TargetGroups?.length
        ? forward.ForwardConfig.TargetGroups
        : forward.TargetGroupArn ? [{ TargetGroupArn: forward.TargetGroupArn, Weight: 1 }] : [];
    const weights = new Map<string, number>();
    for (const t of tuples) {
        if (!t.TargetGroupArn) continue;
        weights.set(t.TargetGroupArn, (weights.get(t.TargetGroupArn) ?? 0) + (t.Weight ?? 1));
    }
    return weights;
}

/**
 * True when the actions forward the same *shares* as `desired` (100/0 equals 1/0, 180/20
 * equals 90/10), so an equivalent live routing is never rewritten.
 */
export function sameShares(actions: Action[], desired: Map<string, number>): boolean {
    const live = forwardWeights(actions);
    if (!live) return false;
    const liveTotal = sum(live);
    const desiredTotal = sum(desired);
    if (liveTotal <= 0 || desiredTotal <= 0) return false;
    const arns = new Set([...live.keys(), ...desired.keys()]);
    for (const arn of arns) {
        if ((live.get(arn) ?? 0) * desiredTotal !== (desired.get(arn) ?? 0) * liveTotal) return false;
    }
    return true;
}

function sum(m: Map<string, number>): number {
    let total = 0;
    for (const v of m.values()) total += v;
    return total;
}

/**
 * The default action always lists both target groups, the one out of service with weight 0
 * rather than removed: a target group no listener action references is no longer attached to
 * the load balancer, its targets report `unused` instead of being health-checked, and the
 * controller could never see it recover.
 *
 * `actions` with its terminal action (forward, redirect or fixed-response) replaced by a
 * forward to `tuples`. Other actions (authenticate-oidc/cognito, jwt-validation) and the
 * forward's stickiness are kept: the controller owns the weights, not the rest of the rule.
 */
export function withForward(actions: Action[], tuples: TargetGroupTuple[]): Action[] {
    const terminal = actions.find((a) => a.Type && TERMINAL.has(a.Type));
    const kept = actions.filter((a) => a !== terminal).map(keepable);
    const forward: Action = {
        Type: "forward",
        ForwardConfig: {
            TargetGroups: tuples,
            ...(terminal?.Type === "forward" && terminal.ForwardConfig?.TargetGroupStickinessConfig
                ? { TargetGroupStickinessConfig: terminal.ForwardConfig.TargetGroupStickinessConfig } : {}),
        },
    };
    const orders = kept.map((a) => a.Order).filter((o): o is number => o !== undefined);
    if (terminal?.Order !== undefined) forward.Order = terminal.Order;
    else if (orders.length > 0) forward.Order = Math.max(...orders) + 1;
    return [...kept, forward];
}

/** The describe APIs do not return the OIDC client secret; ask AWS to keep the stored one. */
function keepable(action: Action): Action {
    if (action.Type === "authenticate-oidc" && action.AuthenticateOidcConfig && action.AuthenticateOidcConfig.ClientSecret === undefined) {
        return { ...action, AuthenticateOidcConfig: { ...action.AuthenticateOidcConfig, UseExistingClientSecret: true } };
    }
    return action;
}

/**
 * The writes that bring `live` to `desired`, in order; empty when the live routing already
 * matches.
 *
 * Order: when the decision sends all traffic to one group (failover, swap, pin), the routes
 * that point at the other group are moved first and the default action last; when it spreads
 * traffic again (failback, unpin to configured), the default action comes first and the routes
 * after. In both cases every intermediate state only sends traffic to groups the decision
 * found up, and the requests hurt most are fixed first: a route sends *all* its matching
 * requests to its group while the default action sends only that group's weighted share. So a
 * failover first rescues the route traffic that fails completely, and a failback first gives
 * the recovered group its weighted share of default traffic before any route sends it 100 %
 * of its requests. If a write fails midway, the writes already done are of the safer kind.
 */
export function planWrites(
    live: LiveRouting,
    desired: DesiredRouting,
    decision: RoutingMode,
    config: Pick<FailoverControllerConfig, "targetGroupArns">,
): RoutingWrite[] {
    const arn = config.targetGroupArns;
    const routeWrites: RoutingWrite[] = [];
    for (const route of desired.routes) {
        const current = live.ruleActions[route.ruleArn] ?? [];
        if (!sameShares(current, new Map([[arn[route.target], 1]]))) {
            routeWrites.push({
                op: "ModifyRule", ruleArn: route.ruleArn, target: route.target,
                actions: withForward(current, [{ TargetGroupArn: arn[route.target], Weight: 1 }]),
            });
        }
    }
    const defaultWrites: RoutingWrite[] = [];
    const desiredWeights = new Map([[arn.primary, desired.weights.primary], [arn.backup, desired.weights.backup]]);
    if (!sameShares(live.defaultActions, desiredWeights)) {
        defaultWrites.push({
            op: "ModifyListener", weights: { ...desired.weights },
            actions: withForward(live.defaultActions, [
                { TargetGroupArn: arn.primary, Weight: desired.weights.primary },
                { TargetGroupArn: arn.backup, Weight: desired.weights.backup },
            ]),
        });
    }
    return decision.mode === "configured" ? [...defaultWrites, ...routeWrites] : [...routeWrites, ...defaultWrites];
}
