#!/usr/bin/env bash
# The main job (`npm run demo`, after the build): lint the example service, then, when Go is installed,
# run it with traffic, capture CPU, heap and goroutine profiles with `goroscope profile`, write
# report.html with `goroscope report`, print a summary and stop it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
example="examples/leaky-service"
# The demo service is a Go 1.27 module: the installed go (1.21 or later) fetches Go 1.27.3 from the module
# proxy the first time (about 76 MB).
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}

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
  echo "== Go is not installed: skipping the live service (Go 1.21 or later from https://go.dev/dl fetches Go 1.27.3 itself)"
  exit 0
fi

echo "== Live service ($(go version | cut -d' ' -f3))"
work="$(mktemp -d)"
pid=""
load=""
cleanup() {
  if [[ -n "$load" ]] && kill -0 "$load" 2>/dev/null; then
    kill "$load" 2>/dev/null || true
  fi
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$example" && go build -o "$work/leaky-service" .)
# -traffic: the service sends itself 20 requests a second per busy endpoint, so its leaks grow;
# -health-interval 1s: its leaky health check runs every second.
"$work/leaky-service" -addr 127.0.0.1:0 -traffic 20 -health-interval 1s >"$work/stdout" 2>"$work/stderr" &
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
pprof="$url/debug/pprof/"
echo "started $url (pid $pid) with -traffic 20"

# Heap in use and goroutine count from /debug/vars and the goroutine profile's header, as
# "HEAP_BYTES GOROUTINES" (node rather than curl: node is always here, curl not necessarily).
stats() {
  node - "$url" <<'EOF'
const base = process.argv[2];
(async () => {
  const vars = await (await fetch(`${base}/debug/vars`)).json();
  const head = await (await fetch(`${base}/debug/pprof/goroutine?debug=1`)).text();
  const goroutines = /^goroutine profile: total (\d+)/.exec(head);
  if (!vars.memstats || !goroutines) throw new Error(`${base} did not answer /debug/vars and goroutine?debug=1 as a Go service does`);
  console.log(`${vars.memstats.HeapInuse} ${goroutines[1]}`);
})().catch((err) => {
  console.error(`demo: ${err.message}`);
  process.exit(2);
});
EOF
}
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

read -r heap0 goroutines0 < <(stats) || true
[[ -n "${goroutines0:-}" ]] || exit 2
start_s=$SECONDS
echo "now: heap in use $(mib "$heap0"), $goroutines0 goroutines; letting the leaks grow for 3 s"
sleep 3

# Keep the CPU-heavy handler (/primes) busy while the CPU profiles are captured.
node - "$url" <<'EOF' &
const base = process.argv[2];
(async () => {
  for (;;) await (await fetch(`${base}/primes?n=300000`)).text();
})().catch(() => process.exit(0));
EOF
load=$!

cli() {
  echo
  echo "\$ goroscope $*"
  node dist/cli.js "$@"
}
cli profile "$pprof" --type cpu --seconds 3 --top 8
cli profile "${pprof}heap?gc=1" --top 8
cli profile "${pprof}goroutine" --hide '^runtime\.' --top 8
cli report "${pprof}profile?seconds=3" "${pprof}heap?gc=1" "${pprof}goroutine" -o report.html

kill "$load" 2>/dev/null || true
wait "$load" 2>/dev/null || true

read -r heap1 goroutines1 < <(stats) || true
[[ -n "${goroutines1:-}" ]] || exit 2
elapsed=$((SECONDS - start_s))
cat <<EOF

== Summary
  In ${elapsed} s the service went from $(mib "$heap0") to $(mib "$heap1") of heap in use and from
  $goroutines0 to $goroutines1 goroutines: the deliberate leaks of $example/README.md
  (sessions.(*Store).Create keeps every session; search.(*Service).Search.func1 goroutines wait
  forever in a select; the health check never closes response bodies).
  Flame graphs of the three captures: report.html (self-contained; open it in a browser).
EOF

kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
echo "stopped the service"
