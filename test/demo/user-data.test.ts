import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { DEMO_UNHEALTHY_FILE, demoUserData } from "../../packages/lbstack/src/demo/user-data";

/** The Python program the user data writes to /opt/lbstack-demo/server.py. */
function embeddedServer(script: string): string {
    const m = script.match(/^cat > \/opt\/lbstack-demo\/server\.py <<'PY'\n([\s\S]*?)\nPY\n/m);
    if (!m) throw new Error("no server.py here-document in the user data");
    return m[1];
}

describe("the demo user data", () => {
    const script = demoUserData("primary");

    test("creates the directory of the unhealthy switch, so `touch /var/lib/lbstack/unhealthy` works as is", () => {
        expect(DEMO_UNHEALTHY_FILE).toBe("/var/lib/lbstack/unhealthy");
        expect(script).toMatch(/^mkdir -p .*\/var\/lib\/lbstack( |$)/m);
    });

    test("answers /health with 503 while the file exists, and / as usual", () => {
        const server = embeddedServer(script);
        expect(server).toContain(`UNHEALTHY_FILE = os.environ.get("LBSTACK_DEMO_UNHEALTHY_FILE", "${DEMO_UNHEALTHY_FILE}")`);
        expect(server).toMatch(/elif os\.path\.exists\(UNHEALTHY_FILE\):\n\s+status, body = 503,/);
        expect(server).toMatch(/if self\.path != "\/health":\n\s+status, body = 200, GROUP/);
    });

    test("serves on port 80 on every address unless told otherwise, and the unit sets nothing else", () => {
        expect(embeddedServer(script)).toContain(`PORT = int(os.environ.get("LBSTACK_DEMO_PORT", "80"))`);
        expect(script).not.toMatch(/^Environment/m);
    });
});

const python = ["python3", "python"].find((p) => spawnSync(p, ["-c", "import sys; assert sys.version_info >= (3, 7)"]).status === 0);
const withPython = python ? describe : describe.skip;
if (!python) console.warn("no python3 on PATH: the demo server is not run");

/** Bounds: nothing here waits longer. */
const START_MS = 10_000;
const REQUEST_MS = 3_000;

/**
 * Runs the embedded server on 127.0.0.1 on a free port, with the unhealthy file in a temporary
 * directory and the instance metadata served by a fake IMDSv2 on 127.0.0.1: nothing leaves the
 * machine.
 */
withPython("the demo server, run locally", () => {
    let dir: string;
    let unhealthy: string;
    let imds: http.Server;
    let imdsRequests: { method?: string; url?: string; token?: string }[];
    let server: ChildProcess | undefined;
    let port: number;

    beforeAll(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "lbstack-demo-"));
        unhealthy = path.join(dir, "unhealthy");
        fs.writeFileSync(path.join(dir, "server.py"), embeddedServer(demoUserData("primary")));

        imdsRequests = [];
        imds = http.createServer((req, res) => {
            imdsRequests.push({ method: req.method, url: req.url, token: req.headers["x-aws-ec2-metadata-token"] as string | undefined });
            const answers: Record<string, string> = {
                "PUT /latest/api/token": "token-1",
                "GET /latest/meta-data/tags/instance/lbstack:group": "primary",
                "GET /latest/meta-data/instance-id": "i-0123456789abcdef0",
            };
            const answer = answers[`${req.method} ${req.url}`];
            const authorized = req.method === "PUT" || req.headers["x-aws-ec2-metadata-token"] === "token-1";
            res.writeHead(answer !== undefined && authorized ? 200 : 401).end(answer ?? "");
        });
        await new Promise<void>((resolve) => imds.listen(0, "127.0.0.1", resolve));

        const env: NodeJS.ProcessEnv = {
            ...process.env,
            LBSTACK_DEMO_ADDRESS: "127.0.0.1",
            LBSTACK_DEMO_PORT: "0",
            LBSTACK_DEMO_IMDS: `http://127.0.0.1:${(imds.address() as AddressInfo).port}/latest`,
            LBSTACK_DEMO_UNHEALTHY_FILE: unhealthy,
            no_proxy: "*",
            NO_PROXY: "*",
        };
        for (const k of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]) delete env[k];
        const child = spawn(python!, [path.join(dir, "server.py")], { env, stdio: ["ignore", "pipe", "pipe"] });
        server = child;
        port = await new Promise<number>((resolve, reject) => {
            let out = "";
            let err = "";
            const timer = setTimeout(() => reject(new Error(`the demo server did not start within ${START_MS} ms: ${out}${err}`)), START_MS);
            child.stdout!.on("data", (d) => {
                out += d;
                const m = out.match(/listening on port (\d+)/);
                if (m) { clearTimeout(timer); resolve(Number(m[1])); }
            });
            child.stderr!.on("data", (d) => { err += d; });
            child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`the demo server exited (${code}): ${err}`)); });
        });
    });

    afterAll(async () => {
        if (server && server.exitCode === null) {
            const exited = new Promise((resolve) => server!.once("exit", resolve));
            server.kill();
            await exited;
        }
        await new Promise((resolve) => (imds ? imds.close(resolve) : resolve(undefined)));
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    function get(urlPath: string): Promise<{ status: number; body: string }> {
        return new Promise((resolve, reject) => {
            const req = http.get({ host: "127.0.0.1", port, path: urlPath, agent: false, timeout: REQUEST_MS }, (res) => {
                let body = "";
                res.setEncoding("utf8");
                res.on("data", (c) => { body += c; });
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            });
            req.on("timeout", () => req.destroy(new Error(`GET ${urlPath} took more than ${REQUEST_MS} ms`)));
            req.on("error", reject);
        });
    }

    test("/ answers with the group and instance id read through IMDSv2", async () => {
        expect(await get("/")).toEqual({ status: 200, body: "primary i-0123456789abcdef0\n" });
        // A session token first (PUT), then each read with it: IMDSv2.
        expect(imdsRequests.map((r) => `${r.method} ${r.url} ${r.token ?? "-"}`)).toEqual([
            "PUT /latest/api/token -",
            "GET /latest/meta-data/tags/instance/lbstack:group token-1",
            "PUT /latest/api/token -",
            "GET /latest/meta-data/instance-id token-1",
        ]);
    });

    test("/health goes 200 → 503 → 200 as the unhealthy file appears and disappears, while / keeps answering", async () => {
        expect(await get("/health")).toEqual({ status: 200, body: "ok\n" });
        fs.writeFileSync(unhealthy, "");
        expect(await get("/health")).toEqual({ status: 503, body: `unhealthy: ${unhealthy} exists\n` });
        expect(await get("/")).toEqual({ status: 200, body: "primary i-0123456789abcdef0\n" });
        fs.rmSync(unhealthy);
        expect(await get("/health")).toEqual({ status: 200, body: "ok\n" });
    });
});
