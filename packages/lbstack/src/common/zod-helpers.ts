import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** An integer within [min, max], with a message that names the range. */
export function int(min: number, max: number, unit = "") {
    const u = unit ? ` ${unit}` : "";
    return z.number({ error: `must be a number (${unit || "integer"})` })
        .int({ error: "must be a whole number" })
        .min(min, { error: `must be between ${min} and ${max}${u}` })
        .max(max, { error: `must be between ${min} and ${max}${u}` });
}

/** A plain string or a Pulumi Input (Output/Promise) of one: IDs and ARNs that come from other resources. */
export function inputString(check?: { test: (s: string) => boolean; message: string }) {
    return z.custom<pulumi.Input<string>>((v) => {
        if (typeof v === "string") return check ? check.test(v) : v.length > 0;
        return pulumi.Output.isInstance(v) || (typeof v === "object" && v !== null && typeof (v as any).then === "function");
    }, { error: check ? check.message : "must be a non-empty string or a pulumi.Input<string>" });
}

/** A list of IDs: a plain array (each a string or Input), or an Input of a whole array. */
export function inputStringList(check: { test: (s: string) => boolean; message: string }, minPlain: number, minMessage: string) {
    return z.custom<pulumi.Input<pulumi.Input<string>[]>>((v) => {
        if (pulumi.Output.isInstance(v)) return true;
        if (!Array.isArray(v)) return false;
        return v.every((s) => (typeof s === "string" ? check.test(s) : pulumi.Output.isInstance(s)));
    }, { error: `must be a list of ${check.message}` }).superRefine((v, ctx) => {
        if (Array.isArray(v) && v.length < minPlain) ctx.addIssue({ code: "custom", message: minMessage });
    });
}

/** A scalar or `{ min, max? }` range; normalised to `{ min, max? }`. */
export function range(value: z.ZodNumber) {
    return z.union([
        value.transform((n) => ({ min: n, max: n as number | undefined })),
        z.strictObject({ min: value, max: value.optional() }),
    ]).superRefine((r, ctx) => {
        if (r.max !== undefined && r.max < r.min) {
            ctx.addIssue({ code: "custom", path: ["max"], message: `must be at least min (${r.min})` });
        }
    });
}

export const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

/** An IPv4 or IPv6 CIDR block such as `10.0.0.0/16` or `2001:db8::/32`. */
export const cidr = z.string().refine((s) => IPV4_CIDR.test(s) || (s.includes(":") && IPV6_CIDR.test(s)), {
    error: "must be an IPv4 or IPv6 CIDR block such as 10.0.0.0/16",
}).refine((s) => !IPV4_CIDR.test(s) || ipv4NetworkAddress(s) === s, {
    error: "must be a network address: its host bits must be zero (AWS rejects 10.0.0.1/16; write 10.0.0.0/16)",
});

/** `a.b.c.d/p` with the host bits cleared: 10.0.0.1/16 → 10.0.0.0/16. */
export function ipv4NetworkAddress(cidrBlock: string): string {
    const [ip, bits] = cidrBlock.split("/");
    const prefix = Number(bits);
    const n = ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const mask = prefix === 0 ? 0 : 2 ** 32 - 2 ** (32 - prefix);
    const net = Number((BigInt(n) & BigInt(mask)));
    return `${[24, 16, 8, 0].map((sh) => (net / 2 ** sh) & 255).join(".")}/${prefix}`;
}

/** AWS tags: at most 50, keys 1–128 chars, values ≤ 256 chars, no `aws:` prefix. */
export const tags = z.record(z.string(), z.string().max(256, { error: "tag values are at most 256 characters" }))
    .superRefine((t, ctx) => {
        const keys = Object.keys(t);
        if (keys.length > 50) ctx.addIssue({ code: "custom", message: `has ${keys.length} tags; AWS allows at most 50 per resource`, params: { value: keys.length } });
        for (const k of keys) {
            if (k.length === 0 || k.length > 128) ctx.addIssue({ code: "custom", path: [k], message: "tag keys must be 1–128 characters", params: { value: k } });
            if (k.toLowerCase().startsWith("aws:")) ctx.addIssue({ code: "custom", path: [k], message: "tag keys must not start with aws: (reserved by AWS)", params: { value: k } });
        }
    });

export const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/;
