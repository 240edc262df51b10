// Runs before `npm test`: checks what the tests need beyond node_modules and says how to get what is
// missing, in one line each, instead of letting dozens of tests fail on it.
//  - Go on PATH (1.21 or later): the live tests build Go services with Go 1.27.3, which this fetches once
//    from the Go module proxy (GOTOOLCHAIN=go1.27.3, about 76 MB, then cached in Go's module cache).
//  - Chromium at /usr/bin/chromium: the webview pages are tested in it (Debian: apt-get install chromium).
//  - Prometheus at /usr/bin/prometheus: the fleet tests run it on loopback (Debian: apt-get install prometheus).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const GO_TOOLCHAIN = 'go1.27.3';
const CHROMIUM = '/usr/bin/chromium';
const PROMETHEUS = process.env.GOROSCOPE_PROMETHEUS ?? '/usr/bin/prometheus';
const problems = [];

const go = spawnSync('go', ['version'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN }, timeout: 600_000 });
if (go.error?.code === 'ENOENT') {
  problems.push('go is not on PATH: install Go 1.21 or later (https://go.dev/dl); it fetches Go 1.27.3 for the tests itself');
} else if (go.status !== 0 || !go.stdout.includes(GO_TOOLCHAIN)) {
  problems.push(`GOTOOLCHAIN=${GO_TOOLCHAIN} go version failed (the Go module proxy must be reachable once): ${(go.stderr || go.stdout || String(go.error)).trim().split('\n').pop()}`);
}
if (!existsSync(CHROMIUM)) problems.push(`${CHROMIUM} is missing: the webview pages are tested in Chromium (Debian: apt-get install chromium)`);

if (!existsSync(PROMETHEUS)) problems.push(`${PROMETHEUS} is missing: the fleet tests run Prometheus on loopback (Debian: apt-get install prometheus)`);

if (problems.length > 0) {
  for (const p of problems) console.error(`npm test: ${p}`);
  process.exit(1);
}
