import type { GroupRole } from "../stack/schema";

/**
 * While this file exists on an instance, the demo server answers `/health` with 503 (and `/` as
 * usual), so the instance fails its health check without being stopped: `touch` it to fail,
 * `rm` it to recover (README, "Deploy for real"; the real-AWS test does it through SSM).
 */
export const DEMO_UNHEALTHY_FILE = "/var/lib/lbstack/unhealthy";

/**
 * The demo web server the root project puts on its instances, so a fresh `pulumi up` answers
 * with something that shows the weights and failover at work:
 *
 * - `GET /` → `200 <group> <instance id>` (e.g. `primary i-0123456789abcdef0`);
 * - `GET /health` → `200 ok` (the target groups' health check path), or `503` while
 *   {@link DEMO_UNHEALTHY_FILE} exists.
 *
 * It runs as a systemd service (`lbstack-demo`) with Python's `http.server` from Amazon Linux
 * 2023's python3, on port 80, under a dynamic unprivileged user that is only granted the right
 * to bind a low port. The group comes from the instance tag `lbstack:group` (the auto-scaling
 * group propagates it; the launch template enables instance metadata tags), read through IMDSv2
 * with a session token; `group` is the fallback baked into the script, so the page is right even
 * when metadata tags are turned off by a transform. The environment variables the server reads
 * (`LBSTACK_DEMO_ADDRESS`, `LBSTACK_DEMO_PORT`, `LBSTACK_DEMO_IMDS`, `LBSTACK_DEMO_UNHEALTHY_FILE`)
 * are for running it elsewhere, e.g. in a test on 127.0.0.1; the systemd unit sets none.
 *
 * Replace it with your application's user data (`instance.userData`, or per group
 * `primary.instance.userData` / `backup.instance.userData`).
 *
 * @param group The group whose instances run the script.
 * @returns A shell script (plain text; lbstack base64-encodes it), well under EC2's 16 KB.
 */
export function demoUserData(group: GroupRole): string {
    return `#!/bin/bash
# lbstack demo web server (${group} group): / answers "<group> <instance id>", /health answers 200,
# or 503 while ${DEMO_UNHEALTHY_FILE} exists (touch it to fail the health check, rm it to recover).
set -euo pipefail
mkdir -p /opt/lbstack-demo /var/lib/lbstack
cat > /opt/lbstack-demo/server.py <<'PY'
import http.server
import os
import urllib.request

IMDS = os.environ.get("LBSTACK_DEMO_IMDS", "http://169.254.169.254/latest")
FALLBACK_GROUP = "${group}"
# While this file exists /health answers 503: the instance fails its health check and keeps running.
UNHEALTHY_FILE = os.environ.get("LBSTACK_DEMO_UNHEALTHY_FILE", "${DEMO_UNHEALTHY_FILE}")
ADDRESS = os.environ.get("LBSTACK_DEMO_ADDRESS", "")
PORT = int(os.environ.get("LBSTACK_DEMO_PORT", "80"))


def metadata(path):
    """Reads one instance metadata value through IMDSv2 (a session token is required)."""
    token_request = urllib.request.Request(
        IMDS + "/api/token", method="PUT",
        headers={"X-aws-ec2-metadata-token-ttl-seconds": "300"})
    token = urllib.request.urlopen(token_request, timeout=2).read().decode()
    request = urllib.request.Request(IMDS + "/meta-data/" + path,
                                     headers={"X-aws-ec2-metadata-token": token})
    return urllib.request.urlopen(request, timeout=2).read().decode().strip()


def lookup(path, fallback):
    try:
        return metadata(path)
    except Exception:
        return fallback


# Read once at start: the group and the instance id do not change for the instance's lifetime.
GROUP = lookup("tags/instance/lbstack:group", FALLBACK_GROUP)
INSTANCE_ID = lookup("instance-id", "unknown-instance")


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/health":
            status, body = 200, GROUP + " " + INSTANCE_ID + "\\n"
        elif os.path.exists(UNHEALTHY_FILE):
            status, body = 503, "unhealthy: " + UNHEALTHY_FILE + " exists\\n"
        else:
            status, body = 200, "ok\\n"
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        # Health checks every few seconds would flood the journal.
        pass


server = http.server.ThreadingHTTPServer((ADDRESS, PORT), Handler)
print("lbstack-demo listening on port", server.server_address[1], flush=True)
server.serve_forever()
PY
cat > /etc/systemd/system/lbstack-demo.service <<'UNIT'
[Unit]
Description=lbstack demo web server (${group})
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=/usr/bin/python3 /opt/lbstack-demo/server.py
DynamicUser=yes
AmbientCapabilities=CAP_NET_BIND_SERVICE
Restart=always

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now lbstack-demo.service
`;
}
