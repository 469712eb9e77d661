#!/usr/bin/env bash
# Extension-host tests (test/vscode/*.vscode.ts, bundled to out/test/vscode/) in a real VS Code.
# What @vscode/test-electron would do, via VS Code's own server from the code-server package:
# server-main.js with --enable-smoke-test-driver honours the `payload` URL parameter
# (extensionDevelopmentPath = this repo, extensionTestsPath = out/test/vscode/index.js), and
# out/test/e2e/extensionHost.js drives chromium and returns the tests' exit code. No VSIX needed,
# but dist/ must be built. The server is always stopped on exit.
set -euo pipefail
# --code-server <version> (or CAVRA_CODE_SERVER_VERSION): which code-server / VS Code to test on
# (default: install-vscode.sh's, the newest); exported so install-vscode.sh and nested runs see it.
while [ $# -gt 0 ]; do
  case "$1" in
    --code-server) [ $# -ge 2 ] || { echo "[exthost] --code-server needs a version, e.g. 4.93.1" >&2; exit 2; }
      export CAVRA_CODE_SERVER_VERSION="$2"; shift 2 ;;
    *) echo "[exthost] unknown argument '$1' (usage: extension-host.sh [--code-server <version>])" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/../.."
REPO="$PWD"
t0=$SECONDS

TOOLS="$(bash test/e2e/install-vscode.sh)"   # (an assignment keeps set -e working; eval "$(...)" would not)
eval "$TOOLS"                                # sets CAVRA_E2E_NODE, CAVRA_E2E_CODE_SERVER, CAVRA_E2E_*_VERSION
[ -f out/test/vscode/index.js ] && [ -f out/test/e2e/extensionHost.js ] && [ -f out/test/e2e/vscodeServer.js ] && [ -f dist/client.js ] \
  || { echo "[exthost] building"; node scripts/build.mjs; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/cavra-exthost.XXXXXX")"
SRV_PID=""
cleanup() {
  local rc=$?
  if [ -n "$SRV_PID" ] && kill -0 "$SRV_PID" 2>/dev/null; then
    kill -TERM -- "-$SRV_PID" 2>/dev/null || true   # own process group (setsid): server + extension hosts
    for _ in $(seq 50); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$SRV_PID" 2>/dev/null || true
  fi
  if [ $rc -ne 0 ] && [ -f "$TMP/server.log" ]; then
    mkdir -p out/e2e-failures && cp "$TMP/server.log" out/e2e-failures/vscode-server.log \
      && echo "[exthost] server log: out/e2e-failures/vscode-server.log" >&2
  fi
  [ "${CAVRA_E2E_KEEP:-}" = 1 ] && echo "[exthost] kept $TMP" || rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$TMP/user/User" "$TMP/server" "$TMP/extensions" "$TMP/xdg-config" "$TMP/xdg-data" "$TMP/workspace"
export XDG_CONFIG_HOME="$TMP/xdg-config" XDG_DATA_HOME="$TMP/xdg-data"
echo '{ "workbench.startupEditor": "none", "chat.disableAIFeatures": true, "telemetry.telemetryLevel": "off" }' \
  > "$TMP/user/User/settings.json"
# The suites get a writable copy of the e2e workspace.
cp -r test/fixtures/e2e-workspace/. "$TMP/workspace/"

PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
URL="http://127.0.0.1:$PORT"
# Newer code-server releases keep upstream's server-main.js, which listens by itself; older ones (4.93)
# only export its loader, so out/test/e2e/vscodeServer.js does the listening for them.
# The suites check they run in the VS Code asked for (test/vscode/activation.vscode.ts).
export CAVRA_E2E_VSCODE_VERSION
SERVER_MAIN=("$CAVRA_E2E_CODE_SERVER/lib/vscode/out/server-main.js")
grep -q 'createServer' "${SERVER_MAIN[0]}" || SERVER_MAIN=("$REPO/out/test/e2e/vscodeServer.js" "$CAVRA_E2E_CODE_SERVER")
setsid "$CAVRA_E2E_NODE" "${SERVER_MAIN[@]}" --host 127.0.0.1 --port "$PORT" \
  --without-connection-token --accept-server-license-terms --enable-smoke-test-driver \
  --user-data-dir "$TMP/user" --server-data-dir "$TMP/server" --extensions-dir "$TMP/extensions" \
  ${CAVRA_EXTHOST_TRUSTED:+--disable-workspace-trust} >"$TMP/server.log" 2>&1 &
SRV_PID=$!

# Bounded wait until the server serves the workbench page.
up=""
for _ in $(seq 120); do
  kill -0 "$SRV_PID" 2>/dev/null || { echo "[exthost] server exited early:" >&2; cat "$TMP/server.log" >&2; exit 1; }
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$URL/"; then up=1; break; fi
  sleep 0.5
done
[ -n "$up" ] || { echo "[exthost] VS Code server did not answer $URL within 60 s" >&2; cat "$TMP/server.log" >&2; exit 1; }
echo "[exthost] VS Code $CAVRA_E2E_VSCODE_VERSION (code-server $CAVRA_E2E_CODE_SERVER_VERSION) up on $URL after $(( SECONDS - t0 ))s"

# CAVRA_E2E_DEV_PATH: another extension folder to load (default: this repo).
CAVRA_REPO="$REPO" node out/test/e2e/extensionHost.js "$URL" "$TMP/workspace" "${CAVRA_E2E_DEV_PATH:-$REPO}" "$REPO/out/test/vscode/index.js"
echo "[exthost] passed in $(( SECONDS - t0 ))s"
