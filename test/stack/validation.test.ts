import { baseArgs, planInvalid, withPatch } from "../helpers/stack";

const ALB_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333";
const big = "#!/bin/bash\n" + "x".repeat(16384);

/**
 * Each bad value gets one error line naming its path and value, and nothing is registered.
 * [what, patch over the smallest valid spec, the exact line expected]
 */
const cases: [string, unknown, string][] = [
    // Health checks (AWS-LIMITS: target groups and health checks)
    ["interval below 5 s", { primary: { healthCheck: { intervalSeconds: 4 } } }, "primary.healthCheck.intervalSeconds (4): must be between 5 and 300 seconds"],
    ["interval above 300 s", { backup: { healthCheck: { intervalSeconds: 301 } } }, "backup.healthCheck.intervalSeconds (301): must be between 5 and 300 seconds"],
    ["timeout below 2 s", { primary: { healthCheck: { timeoutSeconds: 1 } } }, "primary.healthCheck.timeoutSeconds (1): must be between 2 and 120 seconds"],
    ["timeout of 400 s", { primary: { healthCheck: { timeoutSeconds: 400 } } }, "primary.healthCheck.timeoutSeconds (400): must be between 2 and 120 seconds"],
    ["timeout not below the interval", { primary: { healthCheck: { timeoutSeconds: 12 } } }, "primary.healthCheck.timeoutSeconds (12): must be less than intervalSeconds (10)"],
    ["default timeout against a 5 s interval", { primary: { healthCheck: { intervalSeconds: 5 } } }, "primary.healthCheck.timeoutSeconds (5): must be less than intervalSeconds (5) (timeoutSeconds defaults to 5)"],
    ["healthy threshold 1", { primary: { healthCheck: { healthyThreshold: 1 } } }, "primary.healthCheck.healthyThreshold (1): must be between 2 and 10"],
    ["unhealthy threshold 11", { backup: { healthCheck: { unhealthyThreshold: 11 } } }, "backup.healthCheck.unhealthyThreshold (11): must be between 2 and 10"],
    ["matcher syntax", { primary: { healthCheck: { matcher: "2xx" } } }, 'primary.healthCheck.matcher ("2xx"): must be HTTP codes such as "200", "200,202" or "200-299"'],
    ["matcher 500 on an ALB", { primary: { healthCheck: { matcher: "200-500" } } }, 'primary.healthCheck.matcher ("200-500"): HTTP codes must be between 200 and 499 on an application load balancer'],
    ["path without a slash", { primary: { healthCheck: { path: "health" } } }, 'primary.healthCheck.path ("health"): must start with /'],
    ["path over 1024 chars", { primary: { healthCheck: { path: "/" + "a".repeat(1024) } } }, "primary.healthCheck.path"],
    ["health port 0", { primary: { healthCheck: { port: 0 } } }, "primary.healthCheck.port (0): must be between 1 and 65535"],
    ["TCP health check on an ALB", { primary: { healthCheck: { protocol: "TCP" } } }, 'primary.healthCheck.protocol ("TCP"): must be HTTP or HTTPS on an application load balancer'],
    ["negative grace period", { primary: { healthCheck: { gracePeriodSeconds: -1 } } }, "primary.healthCheck.gracePeriodSeconds (-1): must be at least 0 seconds"],
    ["deregistration delay above 3600 s", { primary: { deregistrationDelaySeconds: 3601 } }, "primary.deregistrationDelaySeconds (3601): must be between 0 and 3600 seconds"],
    ["slow start of 10 s", { primary: { slowStartSeconds: 10 } }, "primary.slowStartSeconds (10): must be 0 (off) or between 30 and 900 seconds"],
    ["app port 70000", { backup: { port: 70000 } }, "backup.port (70000): must be between 1 and 65535"],
    ["TCP group on an ALB", { primary: { protocol: "TCP" } }, 'primary.protocol ("TCP"): must be HTTP or HTTPS on an application load balancer (TCP needs loadBalancer.type network)'],
    // Capacity
    ["min above max", { primary: { capacity: { min: 7, max: 6 } } }, "primary.capacity.max (6): must be at least min (7)"],
    ["desired below min", { primary: { capacity: { min: 2, max: 6, desired: 1 } } }, "primary.capacity.desired (1): must be at least min (2)"],
    ["desired above max", { backup: { capacity: { min: 1, max: 3, desired: 4 } } }, "backup.capacity.desired (4): must be at most max (3)"],
    ["fractional capacity", { primary: { capacity: { min: 1.5, max: 6 } } }, "primary.capacity.min (1.5): must be a whole number"],
    // Weights
    ["weight 1000", { traffic: { weights: { primary: 1000, backup: 10 } } }, "traffic.weights.primary (1000): must be between 0 and 999"],
    ["both weights 0", { traffic: { weights: { primary: 0, backup: 0 } } }, 'traffic.weights ({"primary":0,"backup":0}): must not both be 0 (no group would get requests)'],
    ["weight to a group with max 0", { backup: { capacity: { min: 0, max: 0 } } }, "traffic.weights.backup (10): sends requests to backup, whose capacity.max is 0 (set the weight to 0 or raise backup.capacity.max)"],
    // Instance spec and storage
    ["vCPU min above max", { instance: { vcpus: { min: 4, max: 2 } } }, "instance.vcpus.max (2): must be at least min (4)"],
    ["memory min above max", { instance: { memoryGiB: { min: 8, max: 4 } } }, "instance.memoryGiB.max (4): must be at least min (8)"],
    ["memory 0", { instance: { memoryGiB: 0 } }, "instance.memoryGiB (0): must be greater than 0 GiB"],
    ["gp3 IOPS below 3000", { instance: { storage: { sizeGiB: 20, iops: 2000 } } }, "instance.storage.iops (2000): must be between 3000 and 80000 for gp3"],
    ["gp3 IOPS above 500 per GiB", { instance: { storage: { sizeGiB: 10, iops: 9000 } } }, "instance.storage.iops (9000): must be at most 500 IOPS per GiB for gp3: 5000 for 10 GiB"],
    ["gp3 throughput below 125", { instance: { storage: { sizeGiB: 20, throughputMiBps: 100 } } }, "instance.storage.throughputMiBps (100): must be between 125 and 2000 MiB/s"],
    ["gp3 throughput above 0.25 per IOPS", { instance: { storage: { sizeGiB: 100, throughputMiBps: 1000 } } }, "instance.storage.throughputMiBps (1000): must be at most 0.25 MiB/s per provisioned IOPS: 750 MiB/s at 3000 IOPS (raise storage.iops to 4000)"],
    ["gp3 size above 64 TiB", { instance: { storage: { sizeGiB: 70000 } } }, "instance.storage.sizeGiB (70000): must be between 1 and 65536 GiB"],
    ["IOPS on gp2", { instance: { storage: { sizeGiB: 20, type: "gp2", iops: 3000 } } }, "instance.storage.iops (3000): cannot be set on gp2 volumes (IOPS follow the size: 3 per GiB); use gp3 to provision IOPS"],
    ["throughput on gp2", { instance: { storage: { sizeGiB: 20, type: "gp2", throughputMiBps: 200 } } }, "instance.storage.throughputMiBps (200): can only be set on gp3 volumes, not gp2"],
    ["throughput on io2", { instance: { storage: { sizeGiB: 20, type: "io2", iops: 1000, throughputMiBps: 200 } } }, "instance.storage.throughputMiBps (200): can only be set on gp3 volumes, not io2"],
    ["io1 without IOPS", { instance: { storage: { sizeGiB: 20, type: "io1" } } }, "instance.storage.iops: is required for io1 volumes (100–64000 IOPS)"],
    ["io1 above 50 IOPS per GiB", { instance: { storage: { sizeGiB: 20, type: "io1", iops: 2000 } } }, "instance.storage.iops (2000): must be at most 50 IOPS per GiB for io1: 1000 for 20 GiB"],
    ["io2 below 4 GiB", { instance: { storage: { sizeGiB: 2, type: "io2", iops: 100 } } }, "instance.storage.sizeGiB (2): must be between 4 and 65536 GiB for io2"],
    ["io2 above 1000 IOPS per GiB", { instance: { storage: { sizeGiB: 10, type: "io2", iops: 20000 } } }, "instance.storage.iops (20000): must be at most 1000 IOPS per GiB for io2: 10000 for 10 GiB"],
    ["gp2 above 16 TiB", { instance: { storage: { sizeGiB: 20000, type: "gp2" } } }, "instance.storage.sizeGiB (20000): must be between 1 and 16384 GiB for gp2"],
    ["instance types with network bandwidth", { instance: { instanceTypes: ["m7i.large"], networkBandwidthGbps: 10 } }, "instance.networkBandwidthGbps (10): cannot be combined with instanceTypes: bandwidth and burstable requirements apply only to attribute-based selection (leave instanceTypes out, or drop this field)"],
    ["instance types with EBS bandwidth", { instance: { instanceTypes: ["m7i.large"], ebsBandwidthMbps: { min: 1000 } } }, "instance.ebsBandwidthMbps ({\"min\":1000}): cannot be combined with instanceTypes"],
    ["per-group override that breaks a ratio", { backup: { instance: { storage: { sizeGiB: 5, iops: 4000 } } } }, "backup.instance.storage.iops (4000): must be at most 500 IOPS per GiB for gp3: 2500 for 5 GiB"],
    ["a KMS key on an unencrypted volume", { instance: { storage: { sizeGiB: 20, encrypted: false, kmsKeyId: "alias/ebs" } } }, "instance.storage.encrypted (false): must be true when storage.kmsKeyId is set (EC2 encrypts with a key only on an encrypted volume)"],
    ["a Graviton type on the default x86_64", { instance: { instanceTypes: ["m7g.large"] } }, 'instance.instanceTypes[0] ("m7g.large"): is an arm64 (Graviton) type but architecture is x86_64: the AMI would not boot (set architecture: "arm64")'],
    ["an Intel type on arm64", { instance: { architecture: "arm64", instanceTypes: ["m7i.large"] } }, 'instance.instanceTypes[0] ("m7i.large"): is an x86_64 (Intel/AMD) type but architecture is arm64'],
    ["instance type syntax", { instance: { instanceTypes: ["large"] } }, 'instance.instanceTypes[0] ("large"): must be an instance type such as m7i.large'],
    ["AMI id syntax", { instance: { image: { amiId: "ami-xyz" } } }, 'instance.image.amiId ("ami-xyz"): must be an AMI id such as ami-0123456789abcdef0'],
    ["user data over 16 KB", { instance: { userData: big } }, "instance.userData"],
    ["hop limit 65", { instance: { metadataHopLimit: 65 } }, "instance.metadataHopLimit (65): must be between 1 and 64 hops"],
    ["a backup that can never take over", { backup: { capacity: { min: 0, max: 3 } } }, "backup.capacity.min (0): must be at least 1 with failover on (traffic.failover.minHealthy): a smaller backup never counts as up, so traffic could never fail over to it (raise it, or set traffic.failover to false)"],
    ["a warm pool minimum above its prepared capacity", { primary: { instance: { instanceTypes: ["m7i.large"] }, scaling: { warmPool: { minSize: 3, maxPreparedCapacity: 2 } } } }, "primary.scaling.warmPool.minSize (3): must be at most warmPool.maxPreparedCapacity (2)"],
    // Unknown keys
    ["unknown top-level key", { primry: {} }, "primry ({}): unknown key (check its spelling; see the README for the fields this object takes)"],
    ["unknown nested key", { primary: { healthCheck: { intervalSecs: 10 } } }, "primary.healthCheck.intervalSecs (10): unknown key"],
    // Routes
    ["route with no condition", { routes: [{ target: "backup" }] }, 'routes[0] ({"target":"backup"}): needs at least one condition: paths, hosts or headers'],
    ["duplicate priorities", { routes: [{ target: "backup", paths: ["/a"], priority: 5 }, { target: "primary", paths: ["/b"], priority: 5 }] }, "routes[1].priority (5): is already used by routes[0]; priorities must be unique"],
    ["four paths in one condition", { routes: [{ target: "backup", paths: ["/a", "/b", "/c", "/d"] }] }, 'routes[0].paths (["/a","/b","/c","/d"]): at most 3 values per condition (ALB limit)'],
    ["six values in one rule", { routes: [{ target: "backup", paths: ["/a", "/b", "/c"], hosts: ["a.example.com", "b.example.com", "c.example.com"] }] }, "routes[0] (6): has 6 condition values; an ALB rule takes at most 5"],
    ["priority 0", { routes: [{ target: "backup", paths: ["/a"], priority: 0 }] }, "routes[0].priority (0): must be between 1 and 50000"],
    ["routes on an NLB", { loadBalancer: { type: "network" }, primary: { protocol: "TCP" }, backup: { protocol: "TCP" }, routes: [{ target: "backup", paths: ["/a"] }] }, "routes: need an application load balancer: loadBalancer.type is network, and network load balancers have no listener rules"],
    // Listener and load balancer
    ["certificate on a TCP listener", { loadBalancer: { type: "network", listener: { protocol: "TCP", certificateArn: ALB_CERT } } }, `loadBalancer.listener.certificateArn ("${ALB_CERT}"): cannot be used with a TCP listener (use HTTPS or TLS)`],
    ["certificate on an HTTP listener", { loadBalancer: { listener: { protocol: "HTTP", certificateArn: ALB_CERT } } }, `loadBalancer.listener.certificateArn ("${ALB_CERT}"): cannot be used with a HTTP listener (use HTTPS or TLS)`],
    ["HTTPS without a certificate", { loadBalancer: { listener: { protocol: "HTTPS" } } }, "loadBalancer.listener.certificateArn: is required for a HTTPS listener"],
    ["certificate ARN syntax", { loadBalancer: { listener: { certificateArn: "my-cert" } } }, 'loadBalancer.listener.certificateArn ("my-cert"): must be an ACM or IAM certificate ARN (arn:aws:acm:region:account:certificate/id)'],
    ["TCP listener on an ALB", { loadBalancer: { listener: { protocol: "TCP" } } }, 'loadBalancer.listener.protocol ("TCP"): must be HTTP or HTTPS on an application load balancer'],
    ["idle timeout above 4000 s", { loadBalancer: { idleTimeoutSeconds: 4001 } }, "loadBalancer.idleTimeoutSeconds (4001): must be between 1 and 4000 seconds"],
    ["idle timeout on an NLB", { loadBalancer: { type: "network", idleTimeoutSeconds: 60 }, primary: { protocol: "TCP" }, backup: { protocol: "TCP" } }, "loadBalancer.idleTimeoutSeconds (60): only applies to application load balancers"],
    ["desync mitigation monitor", { loadBalancer: { desyncMitigation: "monitor" } }, 'loadBalancer.desyncMitigation ("monitor")'],
    ["bad allowed CIDR", { loadBalancer: { allowedCidrs: ["10.0.0.0/33"] } }, 'loadBalancer.allowedCidrs[0] ("10.0.0.0/33"): must be an IPv4 or IPv6 CIDR block such as 10.0.0.0/16'],
    ["redirect without HTTPS", { loadBalancer: { listener: { redirectHttpToHttps: true } } }, "loadBalancer.listener.redirectHttpToHttps (true): needs an HTTPS listener (set listener.certificateArn)"],
    ["HTTPS listener on the redirect port", { loadBalancer: { listener: { certificateArn: ALB_CERT, port: 80 } } }, "loadBalancer.listener.port (80): is taken by the HTTP-to-HTTPS redirect; use another port or set redirectHttpToHttps to false"],
    // Network
    ["VPC without subnets", { network: { vpcId: "vpc-0123456789abcdef0" } }, "network.publicSubnetIds: is required with vpcId: give vpcId, publicSubnetIds and privateSubnetIds together, or none of them for a new VPC"],
    ["own VPC and a CIDR", { network: { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-00000001", "subnet-00000002"], privateSubnetIds: ["subnet-00000003", "subnet-00000004"], cidrBlock: "10.0.0.0/16" } }, 'network.cidrBlock ("10.0.0.0/16"): only applies to a new VPC; it cannot be combined with vpcId/subnet IDs'],
    ["one public subnet", { network: { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-00000001"], privateSubnetIds: ["subnet-00000003", "subnet-00000004"] } }, 'network.publicSubnetIds (["subnet-00000001"]): must list at least 2 public subnets in different Availability Zones (a load balancer needs two AZs)'],
    ["subnet id syntax", { network: { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-00000001", "nope"], privateSubnetIds: ["subnet-00000003", "subnet-00000004"] } }, "network.publicSubnetIds"],
    ["one AZ", { network: { availabilityZones: 1 } }, "network.availabilityZones (1): must be between 2 and 6 AZs"],
    ["VPC CIDR too small for its AZs", { network: { cidrBlock: "10.0.0.0/24", availabilityZones: 3 } }, 'network.cidrBlock ("10.0.0.0/24"): is too small for 3 AZs: each AZ would get a /26, and a public subnet big enough for the load balancer needs at least a /25 per AZ (use a /23 or larger, or fewer AZs)'],
    ["VPC CIDR with host bits", { network: { cidrBlock: "10.0.0.1/16" } }, 'network.cidrBlock ("10.0.0.1/16"): must be a network address: its host bits must be zero (AWS rejects 10.0.0.1/16; write 10.0.0.0/16)'],
    ["allowed CIDR with host bits", { loadBalancer: { allowedCidrs: ["203.0.113.7/24"] } }, 'loadBalancer.allowedCidrs[0] ("203.0.113.7/24"): must be a network address: its host bits must be zero'],
    ["a subnet listed twice", { network: { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-00000001", "subnet-00000001"], privateSubnetIds: ["subnet-00000003", "subnet-00000004"] } }, 'network.publicSubnetIds[1] ("subnet-00000001"): is listed twice (give one subnet per Availability Zone)'],
    ["VPC CIDR /8", { network: { cidrBlock: "10.0.0.0/8" } }, 'network.cidrBlock ("10.0.0.0/8"): must have a prefix between /16 and /24'],
    // Tags
    ["tag key with a slash", { tags: { "kubernetes.io/cluster": "x" } }, 'tags.kubernetes.io/cluster ("kubernetes.io/cluster"): instance tag keys may use only letters, digits and + - = . , _ : @ (no spaces or /), because lbstack exposes instance tags in the instance metadata service'],
    ["tag key with a space", { tags: { "Cost Center": "42" } }, 'tags.Cost Center ("Cost Center"): instance tag keys may use only letters'],
    ["48 tags", { tags: Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, "v"])) }, "tags (48): at most 47 tags: AWS allows 50 per resource and lbstack adds up to 3 of its own (Name, lbstack:stack, lbstack:group)"],
    ["a tag key lbstack sets", { tags: { Name: "web" } }, 'tags.Name ("Name"): is set by lbstack on the resources it creates; choose another key'],
    ["reserved tag prefix", { tags: { "aws:owner": "me" } }, 'tags.aws:owner ("aws:owner"): tag keys must not start with aws: (reserved by AWS)'],
];

describe("every bad value is reported with its path and value, and nothing is registered", () => {
    test.each(cases)("%s", async (_what, patch, expected) => {
        const { lines, resources } = await planInvalid(withPatch(baseArgs(), patch));
        expect(lines.find((l) => l.startsWith(expected)) ?? lines).toEqual(expect.stringMatching(/./));
        expect(resources).toEqual([]);
    });
});

test("one error lists every problem at once", async () => {
    const { lines, error } = await planInvalid(withPatch(baseArgs(), {
        primary: { capacity: { min: 7, max: 6 }, healthCheck: { timeoutSeconds: 12 } },
        traffic: { weights: { primary: 0, backup: 0 } },
        instance: { storage: { sizeGiB: 20, type: "gp2", iops: 100 } },
    }));
    expect(lines).toEqual([
        "primary.capacity.max (6): must be at least min (7)",
        "instance.storage.iops (100): cannot be set on gp2 volumes (IOPS follow the size: 3 per GiB); use gp3 to provision IOPS",
        "primary.healthCheck.timeoutSeconds (12): must be less than intervalSeconds (10)",
        'traffic.weights ({"primary":0,"backup":0}): must not both be 0 (no group would get requests)',
    ]);
    expect(error.issues.map((i) => i.path)).toEqual(["primary.capacity.max", "instance.storage.iops", "primary.healthCheck.timeoutSeconds", "traffic.weights"]);
    expect(error.message.split("\n")[0]).toBe("LoadBalancedStack: invalid configuration (4 problems):");
});

test("an out-of-range value gets one line, not a second one from the rules that compare it", async () => {
    const { lines } = await planInvalid(withPatch(baseArgs(), { primary: { healthCheck: { timeoutSeconds: 400 } } }));
    expect(lines).toEqual(["primary.healthCheck.timeoutSeconds (400): must be between 2 and 120 seconds"]);
});

test("missing required fields are named", async () => {
    const { lines } = await planInvalid({ instance: { vcpus: 2 } });
    expect(lines).toEqual(expect.arrayContaining([
        "instance.memoryGiB: is required",
        "primary: is required",
        "backup: is required",
    ]));
});
