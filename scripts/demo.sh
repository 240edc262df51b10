#!/usr/bin/env bash
# The main job (`npm run demo`, after the build): lint the example service, then show that the
# service itself builds, runs and serves pprof when Go is installed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
example="examples/leaky-service"

if [[ ! -f dist/cli.js ]]; then
  echo "demo: dist/cli.js is missing; run \`npm run build\` first (or \`npm run demo\`)" >&2
  exit 2
fi

echo "== goroscope lint $example"
status=0
findings="$(node dist/cli.js lint "$example")" || status=$?
[[ -n "$findings" ]] && printf '%s\n' "$findings"
# Exit 1 means "found something", which is the point of the example; a crash exits 1 too, but prints no findings.
if [[ "$status" == 0 ]]; then
  echo "-- no leak patterns found (the example has deliberate ones: is a rule disabled?)"
elif [[ "$status" == 1 && -n "$findings" ]]; then
  echo "-- these are the deliberate leaks described in $example/README.md"
else
  echo "demo: goroscope lint failed (exit code $status)" >&2
  exit 2
fi

cat <<'EOF'

== Open the extension
  In VS Code: open this folder and press F5 (Run Extension), then open examples/leaky-service
  and save any .go file: the warnings appear under the code and in the Problems panel.
  Or install it: npm run package && code --install-extension goroscope-*.vsix
EOF

echo
if ! command -v go >/dev/null 2>&1; then
  echo "== Go is not installed: skipping the live service (apt-get install golang-go, or https://go.dev/dl)"
  exit 0
fi

echo "== Live service ($(go version | cut -d' ' -f3))"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$example" && go build -o "$work/leaky-service" .)
"$work/leaky-service" -addr 127.0.0.1:0 >"$work/stdout" 2>"$work/stderr" &
pid=$!

url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^listening on //p' "$work/stdout")"
  [[ -n "$url" ]] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "demo: the service exited early:" >&2
    cat "$work/stderr" >&2
    exit 2
  fi
  sleep 0.1
done
if [[ -z "$url" ]]; then
  echo "demo: the service did not print its address within 10 s" >&2
  exit 2
fi
echo "started $url (pid $pid)"

# node rather than curl: node is always here, curl not necessarily.
node - "$url" <<'EOF'
const base = process.argv[2];
(async () => {
  const index = await fetch(`${base}/debug/pprof/`);
  const html = await index.text();
  const profiles = [...html.matchAll(/href=['"]?([a-z]+)\?debug=1/g)].map((m) => m[1]);
  if (!index.ok || profiles.length === 0) throw new Error(`${base}/debug/pprof/ answered ${index.status} without a profile list`);
  console.log(`/debug/pprof/ answers ${index.status}: ${profiles.join(', ')}`);
  const vars = await (await fetch(`${base}/debug/vars`)).json();
  console.log(`/debug/vars: heap in use ${(vars.memstats.HeapInuse / 2 ** 20).toFixed(1)} MiB, ${vars.memstats.NumGC} GCs`);
})().catch((err) => {
  console.error(`demo: ${err.message}`);
  process.exit(2);
});
EOF

kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
echo "stopped the service"
