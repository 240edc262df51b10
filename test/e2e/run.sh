#!/usr/bin/env bash
# The real-VS-Code tests (`npm run test:e2e`, which builds first): installs code-server if needed,
# starts it on a copy of test/fixtures/e2e-workspace with this repository as the extension under
# development, and lets driver.mjs run test/suite inside its extension host through headless Chromium.
# Screenshots and logs land in test/e2e/artifacts/. Exit status: 0 when every test passed.
# It also builds and starts examples/leaky-service on a free loopback port for the live-pprof tests
# (GOROSCOPE_E2E_SERVICE_URL tells the suite where; the driver attaches to it from the command palette),
# and examples/framework-service for "Profile this handler" on gin, echo, chi and fiber
# (GOROSCOPE_E2E_FRAMEWORK_URL).
# GOROSCOPE_E2E_TIMEOUT (seconds, default 360) bounds the wait for the suite.
set -euo pipefail
# Go and code-server keep caches under $HOME; a bare CI environment may not set it.
export HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
# Every Go service here is built with Go 1.27.3, fetched by the installed go command from the module proxy.
export GOTOOLCHAIN=go1.27.3

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
if [ ! -f dist/extension.js ] || [ ! -f dist/server.js ]; then
  echo "e2e: dist/ is not built; run npm run build first (npm run test:e2e does)" >&2
  exit 1
fi

code_server=$(bash test/e2e/setup.sh)
node scripts/build-tests.mjs

scratch=$(mktemp -d "${TMPDIR:-/tmp}/goroscope-e2e.XXXXXX")
artifacts=$repo/test/e2e/artifacts
server_pid=
untrusted_server_pid=
service_pids=
# stop_group PID: stops the process group PID leads (code-server and what it started).
stop_group() {
  kill -TERM -- "-$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 -- "-$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$1" 2>/dev/null || true
}
cleanup() {
  local status=$?
  for pid in $service_pids; do
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  for pid in $server_pid $untrusted_server_pid; do
    stop_group "$pid"
  done
  # Keep the logs for whoever reads the artifacts; drop the scratch workspace.
  mkdir -p "$artifacts/logs"
  cp "$scratch"/code-server*.log "$artifacts/logs/" 2>/dev/null || true
  cp "$scratch"/leaky-service*.log "$scratch"/framework-service*.log "$artifacts/logs/" 2>/dev/null || true
  cp "$scratch"/prometheus.log "$artifacts/logs/" 2>/dev/null || true
  [ -d "$scratch/user-data/logs" ] && cp -r "$scratch/user-data/logs/." "$artifacts/logs/vscode" 2>/dev/null || true
  rm -rf "$scratch"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$artifacts" && mkdir -p "$artifacts"
workspace=$scratch/workspace
cp -r test/fixtures/e2e-workspace "$workspace"
# A failing test and one that never ends, for the "Profile this test" steps (steps/tests.mjs).
cp -r test/fixtures/e2e-profiletest "$workspace/profiletest-ui"
mkdir -p "$scratch/user-data/User" "$scratch/extensions" "$scratch/config" "$scratch/data"
# code-server writes a default config file and state under XDG folders: keep them in the scratch dir.
export XDG_CONFIG_HOME=$scratch/config XDG_DATA_HOME=$scratch/data
# Keep every first-run dialog, tour, recommendation and update check out of the way.
cat > "$scratch/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "security.workspace.trust.enabled": false,
  "git.enabled": false,
  "chat.commandCenter.enabled": false,
  "chat.disableAIFeatures": true,
  "editor.hover.delay": 200,
  "window.title": "Goroscope e2e"
}
JSON
cp "$scratch/user-data/User/settings.json" "$scratch/user-settings.json" # the untrusted session's, with trust on

# The framework example without -trimpath: its dependencies (gin, echo, chi, fiber, client_golang) then
# come from the build cache npm test's integration tests filled, instead of minutes of compiling. Its
# frames name the workspace copy's files, which "Open source" opens as they are. Built meanwhile.
cp -r examples/framework-service "$workspace/framework-service"
(cd "$workspace/framework-service" && go build -o "$scratch/framework-service-bin" .) &
framework_build=$!
# The demo service, built with -trimpath as release builds are, so its frames carry module paths
# (example.com/leaky-service/…) that "Open source" maps through the go.mod of the workspace's copy.
cp -r examples/leaky-service "$workspace/leaky-service"
(cd "$workspace/leaky-service" && go build -trimpath -o "$scratch/leaky-service-bin" .)
wait "$framework_build"
# start_service NAME BINARY ARGS…: starts an example service on a free port; sets $started_url to its pprof base URL.
start_service() {
  local name=$1 binary=$2
  shift 2
  setsid "$binary" -addr 127.0.0.1:0 "$@" >"$scratch/$name.out" 2>"$scratch/$name.log" </dev/null &
  local pid=$!
  service_pids="$service_pids $pid"
  started_url=
  for _ in $(seq 100); do
    # The service's shell may not have created its stdout file yet: no file is no line yet.
    started_url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$scratch/$name.out" 2>/dev/null || true)
    [ -n "$started_url" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "e2e: $name exited:" >&2; cat "$scratch/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$started_url" ] || { echo "e2e: $name printed no 'listening on' line" >&2; exit 1; }
  started_url=$started_url/debug/pprof/
  echo "e2e: $name at $started_url"
}
start_service leaky-service "$scratch/leaky-service-bin" -traffic 10
service_url=$started_url
start_service framework-service "$scratch/framework-service-bin"
framework_url=$started_url
# A second instance whose diagnostics want a bearer token, for the token flow (a fresh token per run).
token=e2e-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
start_service leaky-service-token "$scratch/leaky-service-bin" -health-interval 0 -token "$token"
token_service_url=$started_url

# The fleet: four instances of test/fixtures/fleet-instance (client_golang metrics), one leaking goroutines,
# scraped every second by Debian's Prometheus on a free loopback port.
(cd test/fixtures/fleet-instance && go build -o "$scratch/fleet-instance-bin" .)
fleet_targets=
fleet_index=0
for leak in 20 0 0 0; do
  fleet_index=$((fleet_index + 1))
  out=$scratch/fleet-$fleet_index.out
  setsid "$scratch/fleet-instance-bin" -addr 127.0.0.1:0 -leak-goroutines "$leak" >"$out" 2>/dev/null </dev/null &
  service_pids="$service_pids $!"
  address=
  for _ in $(seq 100); do
    # As above: the file may not exist yet.
    address=$(sed -n 's/^listening on http:\/\/\(.*\)$/\1/p' "$out" 2>/dev/null || true)
    [ -n "$address" ] && break
    sleep 0.1
  done
  [ -n "$address" ] || { echo "e2e: fleet instance $fleet_index printed no address" >&2; exit 1; }
  if [ "$leak" -gt 0 ]; then fleet_leaker=$address; fi
  fleet_targets="$fleet_targets $address"
done
prometheus_port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
mkdir -p "$scratch/prometheus"
cat > "$scratch/prometheus/prometheus.yml" <<YAML
global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: fleet
    static_configs: [{targets: [$(echo $fleet_targets | sed 's/\([^ ]*\)/"\1"/g; s/ /, /g')]}]
YAML
setsid prometheus --config.file="$scratch/prometheus/prometheus.yml" --storage.tsdb.path="$scratch/prometheus/data" \
  --web.listen-address="127.0.0.1:$prometheus_port" >"$scratch/prometheus.log" 2>&1 </dev/null &
service_pids="$service_pids $!"
prometheus_url=http://127.0.0.1:$prometheus_port/
node -e 'const u=process.argv[1];const end=Date.now()+60000;(async()=>{for(;;){try{if((await fetch(u)).ok)return}catch{}if(Date.now()>end)process.exit(1);await new Promise(r=>setTimeout(r,200))}})()' "${prometheus_url}-/ready" \
  || { echo "e2e: Prometheus was not ready within 60 s:" >&2; cat "$scratch/prometheus.log" >&2; exit 1; }
echo "e2e: Prometheus at $prometheus_url scraping$fleet_targets (leaking: $fleet_leaker)"

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
results=$scratch/results.json

# setsid: code-server and every process it starts share one process group, stopped as a whole above.
GOROSCOPE_TEST_RESULTS=$results GOROSCOPE_TEST_HOLD=$scratch/release GOROSCOPE_E2E_SERVICE_URL=$service_url \
GOROSCOPE_E2E_PROMETHEUS_URL=$prometheus_url GOROSCOPE_E2E_FLEET_LEAKER=$fleet_leaker \
GOROSCOPE_E2E_FRAMEWORK_URL=$framework_url \
  setsid "$code_server" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry --disable-update-check \
    --disable-workspace-trust --disable-getting-started-override \
    --user-data-dir "$scratch/user-data" --extensions-dir "$scratch/extensions" "$workspace" \
    >"$scratch/code-server.log" 2>&1 < /dev/null &
server_pid=$!

echo "e2e: code-server on 127.0.0.1:$port, workspace $workspace"
status=0
node test/e2e/driver.mjs --port "$port" --repo "$repo" --workspace "$workspace" --results "$results" \
  --hold "$scratch/release" --artifacts "$artifacts" --server-pid "$server_pid" --service-url "$service_url" \
  --framework-service-url "$framework_url" \
  --token-service-url "$token_service_url" --token "$token" --user-data "$scratch/user-data" \
  --prometheus-url "$prometheus_url" --fleet-leaker "$fleet_leaker" \
  --timeout-seconds "${GOROSCOPE_E2E_TIMEOUT:-360}" || status=$?
stop_group "$server_pid"
server_pid=

# A second, short session with workspace trust on: a folder the user does not trust names a service in
# its settings (the driver writes them), and Goroscope must not contact it without confirmation.
untrusted=$scratch/untrusted-workspace
cp -r test/fixtures/e2e-workspace "$untrusted"
mkdir -p "$scratch/user-data-untrusted/User"
sed 's/"security.workspace.trust.enabled": false/"security.workspace.trust.enabled": true/' "$scratch/user-settings.json" \
  >"$scratch/user-data-untrusted/User/settings.json"
port2=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
setsid "$code_server" --auth none --bind-addr "127.0.0.1:$port2" --disable-telemetry --disable-update-check \
    --disable-getting-started-override \
    --user-data-dir "$scratch/user-data-untrusted" --extensions-dir "$scratch/extensions" "$untrusted" \
    >"$scratch/code-server-untrusted.log" 2>&1 < /dev/null &
untrusted_server_pid=$!
echo "e2e: code-server (workspace trust on) on 127.0.0.1:$port2, workspace $untrusted"
node test/e2e/driver.mjs --phase untrusted --port "$port2" --repo "$repo" --workspace "$untrusted" \
  --artifacts "$artifacts" --server-pid "$untrusted_server_pid" --proxy-target "$service_url" \
  --timeout-seconds 120 || status=$?
exit "$status"
