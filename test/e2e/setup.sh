#!/usr/bin/env bash
# Installs what the real-VS-Code tests need, without any download beyond Debian's packages and the
# npm registry: code-server 4.100.3 (VS Code 1.100.3, the newest release that runs on Node 20),
# Debian's chromium for Playwright to drive, and Go for the fixture workspace.
#
# code-server goes into a cache outside the repository, ${GOROSCOPE_E2E_CACHE:-~/.cache/goroscope-e2e},
# so a second run takes a second. Usage: bash test/e2e/setup.sh   (prints the code-server binary path last)
set -euo pipefail
# Go and code-server keep caches under $HOME; a bare CI environment may not set it.
export HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}

CODE_SERVER_VERSION=4.100.3
cache=${GOROSCOPE_E2E_CACHE:-$HOME/.cache/goroscope-e2e}
dir=$cache/code-server-$CODE_SERVER_VERSION
bin=$dir/node_modules/.bin/code-server

log() { echo "e2e setup: $*" >&2; }
quiet() { # run quietly; show the output only when the step fails
  local out
  if ! out=$("$@" 2>&1); then echo "$out" >&2; log "failed: $*"; exit 1; fi
}

# Debian packages: headers for VS Code's native modules, ripgrep (the npm wrapper would fetch rg from
# GitHub), the browser, and the tool chain node-gyp builds the native modules with. Go is not among
# them: the machine's own go (1.21 or later) fetches Go 1.27.3 itself (GOTOOLCHAIN); Debian's golang-go
# would only shadow it.
if ! command -v go >/dev/null 2>&1; then
  log "go is not on PATH: install Go 1.21 or later (https://go.dev/dl); it fetches Go 1.27.3 itself"
  exit 1
fi
packages=(libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev ripgrep chromium python3 make g++)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
      log "missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]}) and run again"
      exit 1
    fi
  fi
  log "installing ${missing[*]}"
  quiet "${sudo[@]}" apt-get update -qq
  quiet "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# code-server writes a default config file on every start; keep it in the cache, not in ~/.config.
export XDG_CONFIG_HOME=$cache/config
if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi

# Build into a scratch folder and move it into place only when complete, so an interrupted install
# never looks like a working one.
log "installing code-server $CODE_SERVER_VERSION into $dir (a few minutes, once)"
mkdir -p "$cache"
work=$(mktemp -d "$cache/.install.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
echo '{"private":true}' > package.json
quiet npm install --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION"
# code-server's postinstall refuses to run as root, so scripts are skipped and the native modules
# built here by hand.
export npm_config_yes=true
quiet npm rebuild argon2
cd node_modules/code-server/lib/vscode
quiet npm install --no-audit --no-fund --omit=dev --ignore-scripts
quiet npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
(cd extensions && quiet npm install --no-audit --no-fund --omit=dev --ignore-scripts)
cd "$cache"
rm -rf "$dir"
chmod 755 "$work"
mv "$work" "$dir"
trap - EXIT
if ! version=$("$bin" --version 2>&1); then echo "$version" >&2; log "code-server does not start"; exit 1; fi
log "code-server $(echo "$version" | tail -n1) ready"
echo "$bin"
