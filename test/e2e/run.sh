#!/usr/bin/env bash
# The real-VS-Code suite (`npm test` runs it after the build):
#   1. install Node 24 + code-server once into a cache (install-vscode.sh),
#   2. package the extension as a VSIX and install it into a fresh code-server profile,
#   3. start code-server on 127.0.0.1, run the playwright scenarios (out/test/e2e/*.e2e.js),
#   4. run the extension-host suites (extension-host.sh).
# code-server is always stopped on exit. Env knobs:
#   CAVRA_E2E_VSIX=<file>   use this VSIX instead of `npm run package`
#   CAVRA_E2E_GREP=<text>   run only the scenarios whose title matches
#   CAVRA_E2E_SKIP_EXTHOST=1  skip step 4
#   CAVRA_E2E_KEEP=1        keep the temp folder (profile, logs) for debugging
#   CAVRA_CODE_SERVER_VERSION=<v> or --code-server <v>  test on that code-server (default: the newest)
set -euo pipefail
# --code-server <version> (or CAVRA_CODE_SERVER_VERSION): which code-server / VS Code to test on
# (default: install-vscode.sh's, the newest); exported so install-vscode.sh and nested runs see it.
while [ $# -gt 0 ]; do
  case "$1" in
    --code-server) [ $# -ge 2 ] || { echo "[e2e] --code-server needs a version, e.g. 4.93.1" >&2; exit 2; }
      export CAVRA_CODE_SERVER_VERSION="$2"; shift 2 ;;
    *) echo "[e2e] unknown argument '$1' (usage: run.sh [--code-server <version>])" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/../.."
REPO="$PWD"
t0=$SECONDS
step() { echo "[e2e] $(( SECONDS - t0 ))s: $*"; }

TOOLS="$(bash test/e2e/install-vscode.sh)"   # (an assignment keeps set -e working; eval "$(...)" would not)
eval "$TOOLS"                                # sets CAVRA_E2E_NODE, CAVRA_E2E_CODE_SERVER, CAVRA_E2E_*_VERSION
step "VS Code $CAVRA_E2E_VSCODE_VERSION (code-server $CAVRA_E2E_CODE_SERVER_VERSION, Node $("$CAVRA_E2E_NODE" --version))"
# Rebuild (≈1 s) so a standalone run never tests stale bundles; `npm run package` then redoes dist/.
step "building"
node scripts/build.mjs

VSIX="${CAVRA_E2E_VSIX:-}"
if [ -z "$VSIX" ]; then
  step "packaging the extension (npm run package)"
  npm run --silent package
  VSIX="$REPO/dist/cavra-policy-studio.vsix"
fi
[ -f "$VSIX" ] || { echo "[e2e] no VSIX at $VSIX" >&2; exit 1; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/cavra-e2e.XXXXXX")"
CS_PID=""
cleanup() {
  local rc=$?
  if [ -n "$CS_PID" ] && kill -0 "$CS_PID" 2>/dev/null; then
    # code-server runs in its own process group (setsid): stop it with its extension hosts.
    kill -TERM -- "-$CS_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$CS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$CS_PID" 2>/dev/null || true
  fi
  if [ $rc -ne 0 ] && [ -f "$TMP/code-server.log" ]; then
    mkdir -p out/e2e-failures && cp "$TMP/code-server.log" out/e2e-failures/ && echo "[e2e] code-server log: out/e2e-failures/code-server.log" >&2
  fi
  [ "${CAVRA_E2E_KEEP:-}" = 1 ] && echo "[e2e] kept $TMP" || rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh profile: user data, extensions and XDG dirs all in the temp folder, never in $HOME.
mkdir -p "$TMP/user/User" "$TMP/extensions" "$TMP/xdg-config" "$TMP/xdg-data"
export XDG_CONFIG_HOME="$TMP/xdg-config" XDG_DATA_HOME="$TMP/xdg-data"
# One key home (private keys, pins) for code-server, its language servers and the scenarios' CLI runs:
# a key the CLI pins is then trusted by the editor too, and nothing touches the developer's own.
export CAVRA_KEY_HOME="$TMP/key-home"
# Quiet, deterministic workbench: no welcome page, no chat side bar, no tips or recommendations.
cat > "$TMP/user/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "chat.disableAIFeatures": true,
  "extensions.ignoreRecommendations": true,
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "security.workspace.trust.enabled": false,
  "git.enabled": false
}
JSON
CS=("$CAVRA_E2E_NODE" "$CAVRA_E2E_CODE_SERVER/out/node/entry.js" --user-data-dir "$TMP/user" --extensions-dir "$TMP/extensions")

step "installing $(basename "$VSIX")"
"${CS[@]}" --install-extension "$VSIX" >"$TMP/install-extension.log" 2>&1 || { cat "$TMP/install-extension.log" >&2; exit 1; }

PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
URL="http://127.0.0.1:$PORT"
step "starting code-server on $URL"
setsid "${CS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust >"$TMP/code-server.log" 2>&1 &
CS_PID=$!

# Bounded wait for /healthz (code-server answers 200 once its HTTP server is up).
healthy=""
for _ in $(seq 120); do
  kill -0 "$CS_PID" 2>/dev/null || { echo "[e2e] code-server exited early:" >&2; cat "$TMP/code-server.log" >&2; exit 1; }
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$URL/healthz"; then healthy=1; break; fi
  sleep 0.5
done
[ -n "$healthy" ] || { echo "[e2e] code-server did not answer $URL/healthz within 60 s" >&2; cat "$TMP/code-server.log" >&2; exit 1; }

step "running scenarios (out/test/e2e/*.e2e.js)"
GREP_ARGS=(); [ -n "${CAVRA_E2E_GREP:-}" ] && GREP_ARGS=(--grep "$CAVRA_E2E_GREP")
CAVRA_E2E_URL="$URL" CAVRA_REPO="$REPO" CAVRA_E2E_USER_SETTINGS="$TMP/user/User/settings.json" node_modules/.bin/mocha --timeout 180000 --slow 60000 \
  "${GREP_ARGS[@]}" out/test/e2e/*.e2e.js

# Stop code-server before the extension-host run: less memory on small CI machines.
kill -TERM -- "-$CS_PID" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$CS_PID" 2>/dev/null || break; sleep 0.1; done

if [ "${CAVRA_E2E_SKIP_EXTHOST:-}" != 1 ]; then
  step "running extension-host suites (untrusted workspace: Restricted Mode)"
  bash test/e2e/extension-host.sh
  step "running extension-host suites (trusted workspace)"
  CAVRA_EXTHOST_TRUSTED=1 bash test/e2e/extension-host.sh
fi
step "e2e passed"
