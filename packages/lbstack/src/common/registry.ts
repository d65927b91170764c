/**
 * Components record their validated specs here as they are constructed, so `lbstack plan` can
 * compute figures from the configured values. Kept on `globalThis` under a registered symbol
 * because the CLI and the program under plan may load two copies of this module.
 */
export interface PlannedComponent {
    /** Pulumi type token of the component. */
    type: string;
    /** Logical name of the component. */
    name: string;
    /** The resolved spec (defaults filled in). */
    spec: unknown;
}

const KEY = Symbol.for("lbstack.plan.registry");

export function planRegistry(): PlannedComponent[] {
    const g = globalThis as any;
    if (!g[KEY]) g[KEY] = [];
    return g[KEY];
}

export function recordPlannedComponent(entry: PlannedComponent): void {
    planRegistry().push(entry);
}
