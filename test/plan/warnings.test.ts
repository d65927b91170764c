import { resolvedSpec } from "../helpers/stack";
import { formatWarning, stackWarnings } from "../../packages/lbstack/src/plan/warnings";

const spec = resolvedSpec;

describe("plan warnings", () => {
    test("valid choices that a mandatory lbstack policy refuses are announced", () => {
        const codes = (o: object) => stackWarnings("app", spec(o as any)).map((w) => w.code);
        expect(codes({ monitoring: false })).toContain("access-logs-off");
        expect(codes({ loadBalancer: { type: "network" }, primary: { capacity: { min: 2, max: 6 }, protocol: "TCP" }, backup: { capacity: { min: 1, max: 3 }, protocol: "TCP" } })).toContain("access-logs-off");
        expect(codes({ instance: { vcpus: 2, memoryGiB: 4, metadataHopLimit: 2 } })).toEqual(expect.arrayContaining(["imds-hop-limit"]));
        expect(codes({ loadBalancer: { listener: { port: 8080 } } })).toContain("world-open-port");
        expect(codes({ loadBalancer: { listener: { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc", sslPolicy: "ELBSecurityPolicy-2016-08" } } })).toContain("tls-policy-no-tls13");
        expect(codes({})).not.toEqual(expect.arrayContaining(["access-logs-off", "imds-hop-limit", "world-open-port", "tls-policy-no-tls13"]));
    });

    test("the defaults: one NAT gateway, no deletion protection, a world-open plain HTTP listener", () => {
        expect(stackWarnings("app", spec()).map((w) => w.code)).toEqual(["nat-single", "deletion-protection-off", "listener-world-open", "listener-plaintext"]);
    });

    test("a production-like spec has none", () => {
        const warnings = stackWarnings("app", spec({
            network: { natGateways: "one-per-az" },
            loadBalancer: { deletionProtection: true, allowedCidrs: ["203.0.113.0/24"], listener: { certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/8b9e7c1a-2f4d-4e6b-9a3c-5d7e1f2a4b6c" } },
        }));
        expect(warnings).toEqual([]);
    });

    test("name the field and stack of each opt-out: no NAT, unencrypted volumes, open egress, one primary instance", () => {
        const warnings = stackWarnings("edge", spec({
            network: { natGateways: "none" },
            instance: { vcpus: 2, memoryGiB: 4, storage: { sizeGiB: 20, encrypted: false } },
            primary: { capacity: { min: 1, max: 2 }, allowAllEgress: true },
        }));
        expect(warnings.map((w) => `${w.stack} ${w.path}`)).toEqual(expect.arrayContaining([
            "edge network.natGateways", "edge primary.instance.storage.encrypted", "edge backup.instance.storage.encrypted",
            "edge primary.allowAllEgress", "edge primary.capacity.min",
        ]));
    });

    test("read as one line: stack, field, what it means", () => {
        const [nat] = stackWarnings("app", spec());
        expect(formatWarning(nat)).toBe('warning: app: network.natGateways is "single": one NAT gateway in one AZ; if that AZ fails, instances in the other AZs lose outbound access ("one-per-az" avoids it)');
    });
});
