import * as pulumi from "@pulumi/pulumi";

/**
 * Changes the args or options of one underlying resource before it is registered: a partial
 * object merged over the args, or a function that mutates `args`/`opts` (or returns new args).
 * The escape hatch for anything lbstack does not model, instead of passing every provider
 * argument through our API.
 *
 * @example
 * transform: { launchTemplate: (args) => { args.keyName = "ops"; } }
 */
export type Transform<T> = Partial<T> | ((args: T, opts: pulumi.CustomResourceOptions, name: string) => T | void);

/** Applies a {@link Transform} and returns the final name, args and options. */
export function applyTransform<T extends object>(
    transform: Transform<T> | undefined,
    name: string,
    args: T,
    opts: pulumi.CustomResourceOptions,
): [string, T, pulumi.CustomResourceOptions] {
    if (transform === undefined) return [name, args, opts];
    if (typeof transform === "function") {
        // Components share one options object between children; give the function its own copy so a
        // change (say, protect) reaches only the resource the transform is for.
        const own = { ...opts };
        const out = transform(args, own, name);
        return [name, out ?? args, own];
    }
    return [name, { ...args, ...transform }, opts];
}
