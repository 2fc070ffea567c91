#!/usr/bin/env bash
# The real-editor tests in one command: provision (cached), build, start the Azure emulator, then for each phase
# start a fresh code-server (its own user data, so the phases never share a store or secrets) and drive it with
# chromium through Playwright:
#   host  the mocha suite inside the extension host (test/e2e/suite, bundled to dist-test/e2e/index.js)
#   ui    a user connecting through the command palette (test/e2e/driver/ui.ts) with each sign-in method; for
#         "Azure CLI" the real az is signed in to the emulator first, in its own AZURE_CONFIG_DIR
# Writes test-output/results/e2e.json ({"passed":N,"failed":M}), screenshots and logs under test-output/e2e, prints
# "e2e: N passed, M failed", and exits non-zero when anything failed. Everything it started is stopped on exit.
#
# Knobs: RAMPART_E2E_PHASES="host ui"  VERBOSE=1  RAMPART_E2E_KEEP=1 (keep the run folder)
#        RAMPART_E2E_SCENARIO=file  RAMPART_E2E_EXTENSION=dir / RAMPART_E2E_TESTS=file (drive another extension)
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
T0=$(date +%s)
elapsed() { echo "$(( $(date +%s) - T0 ))s"; }
say() { echo "[run.sh $(elapsed)] $*"; }

PHASES=${RAMPART_E2E_PHASES:-host ui}
SCENARIO=${RAMPART_E2E_SCENARIO:-$REPO/test/emulator/scenarios/sample.json}
OUT=$REPO/test-output/e2e
RESULTS=$REPO/test-output/results
mkdir -p "$OUT" "$RESULTS"
rm -rf "$OUT/logs" "$OUT"/*.png "$OUT"/*-results.json
# Pessimistic until the end: a run that stops early (build error, emulator down, Ctrl-C) reports one failure.
echo '{"passed":0,"failed":1}' >"$RESULTS/e2e.json"
SUMMARY_PRINTED=
RUN=$(mktemp -d "${TMPDIR:-/tmp}/rampart-e2e.XXXXXX")
mkdir -p "$RUN/ws"

GROUPS_STARTED=()   # process group ids (setsid leaders), stopped in reverse order on exit
stop_group() {
  local pgid=$1 i
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for i in $(seq 1 30); do kill -0 -- "-$pgid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$pgid" 2>/dev/null || true
}
# Processes of this run that left their group (a detached daemon, say) still carry RAMPART_E2E_WORK=$RUN.
sweep_run_processes() {
  local env_file pid
  for env_file in /proc/[0-9]*/environ; do
    pid=${env_file#/proc/}; pid=${pid%/environ}
    [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
    if grep -qzxF "RAMPART_E2E_WORK=$RUN" "$env_file" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}
collect_logs() {
  mkdir -p "$OUT/logs"
  cp "$RUN"/*.log "$OUT/logs/" 2>/dev/null || true
  local phase
  for phase in $PHASES; do
    [ -d "$RUN/$phase" ] || continue
    cp "$RUN/$phase/server.log" "$OUT/logs/code-server-$phase.log" 2>/dev/null || true
    find "$RUN/$phase/user/logs" -type f -name '*.log' 2>/dev/null | while read -r f; do
      case "$(basename "$f")" in
        *[Rr]ampart*|remoteagent.log|exthost.log|remoteexthost.log) cp "$f" "$OUT/logs/$phase-$(basename "$f")" ;;
      esac
    done
  done
}
cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  for ((i=${#GROUPS_STARTED[@]}-1; i>=0; i--)); do stop_group "${GROUPS_STARTED[$i]}"; done
  sweep_run_processes
  collect_logs
  [ -n "$SUMMARY_PRINTED" ] || echo "e2e: 0 passed, 1 failed (the run stopped early, exit $rc)"
  if [ "$rc" = 0 ] && [ -z "${RAMPART_E2E_KEEP:-}" ]; then rm -rf "$RUN"; else echo "run folder kept: $RUN"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# poll CMD... until it succeeds; give up after $1 seconds (a poll, not a fixed sleep)
poll() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# ---- provision and build ----
prov=$(bash "$REPO/test/e2e/provision.sh")
eval "$(grep -E '^(N24|CODE_SERVER|CHROMIUM)=' <<<"$prov")"
export RAMPART_E2E_CHROMIUM=${RAMPART_E2E_CHROMIUM:-${CHROMIUM:-/usr/bin/chromium}}
[ -x "$N24/bin/node" ] && [ -f "$CODE_SERVER" ] || { echo "provision.sh gave N24=$N24 CODE_SERVER=$CODE_SERVER"; exit 1; }
say "provisioned; building"
node esbuild.mjs
EXTENSION=${RAMPART_E2E_EXTENSION:-$REPO}
TESTS=${RAMPART_E2E_TESTS:-$REPO/dist-test/e2e/index.js}
missing=()
if [ -z "${RAMPART_E2E_EXTENSION:-}" ]; then
  for f in dist/extension.js dist/server.js; do [ -f "$f" ] || missing+=("$f"); done
fi
[ -f "$TESTS" ] || missing+=("$TESTS")
if ((${#missing[@]})); then echo "e2e: the build did not produce ${missing[*]}"; exit 1; fi

# ---- the emulator ----
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export RAMPART_E2E_WORK=$RUN RAMPART_E2E_OUTPUT=$OUT RAMPART_E2E_SCENARIO=$SCENARIO
export RAMPART_E2E_EXTENSION=$EXTENSION RAMPART_E2E_TESTS=$TESTS
setsid "$REPO/node_modules/.bin/tsx" test/emulator/main.ts --scenario "$SCENARIO" --dir "$RUN/emulator" --json >"$RUN/emulator.out" 2>"$RUN/emulator.log" &
EMU_PID=$!
GROUPS_STARTED+=("$EMU_PID")
emulator_up() { kill -0 "$EMU_PID" 2>/dev/null || return 2; grep -q '^{' "$RUN/emulator.out"; }
if ! poll 30 emulator_up; then
  echo "e2e: the emulator did not print its JSON line"; tail -30 "$RUN/emulator.log" "$RUN/emulator.out"; exit 1
fi
eval "$(grep -m1 '^{' "$RUN/emulator.out" | node -e '
  const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const q = (v) => "\x27" + String(v).replace(/\x27/g, "\x27\\\x27\x27") + "\x27";
  console.log(`EMU_URL=${q(j.url)} EMU_CA=${q(j.caFile)} EMU_TENANT=${q(j.tenantId)}`);')"
export RAMPART_E2E_EMULATOR_URL=$EMU_URL RAMPART_E2E_CA_FILE=$EMU_CA RAMPART_E2E_TENANT=$EMU_TENANT
say "emulator at $EMU_URL (tenant $EMU_TENANT)"

# ---- the Azure CLI, signed in to the emulator (the UI phase's "Azure CLI" connection) ----
# As test/daemon/azure-cli.test.ts does: Debian's real `az` with its own config folder, the emulator registered as a
# cloud with an AD FS authority (no instance discovery at login.microsoftonline.com), signed in as the scenario's
# sample app. code-server, and so the extension host and the daemon it starts, inherit AZURE_CONFIG_DIR and
# REQUESTS_CA_BUNDLE. Never the user's own az profile. No `az` fails the run: provision.sh installs azure-cli.
if [[ " $PHASES " == *" ui "* ]]; then
  command -v az >/dev/null 2>&1 || { echo "e2e: the Azure CLI ('az') is not installed: run 'bash test/e2e/provision.sh --apt-only'"; exit 1; }
  export AZURE_CONFIG_DIR=$RUN/az REQUESTS_CA_BUNDLE=$EMU_CA AZURE_CORE_COLLECT_TELEMETRY=false
  mkdir -p "$AZURE_CONFIG_DIR"
  read -r SAMPLE_APP SAMPLE_SECRET < <(node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const a = s.apps.find((x) => x.clientId === "3f1e0d52-7c3a-4a55-9d5e-2b8f6a1c9e01") ?? s.apps.find((x) => x.secret);
    console.log(a.clientId, a.secret);' "$SCENARIO")
  az_quiet() { az "$@" --only-show-errors >>"$RUN/az.log" 2>&1 || { echo "e2e: az $1 $2 failed:"; tail -20 "$RUN/az.log"; return 1; }; }
  az_quiet cloud register --name RampartEmulator --endpoint-active-directory "$EMU_URL/adfs" \
    --endpoint-resource-manager "$EMU_URL/" --endpoint-active-directory-resource-id "$EMU_URL/" \
    --endpoint-management "$EMU_URL/" --endpoint-active-directory-graph-resource-id "$EMU_URL/"
  az_quiet cloud set --name RampartEmulator
  az_quiet login --service-principal -u "$SAMPLE_APP" -p "$SAMPLE_SECRET" --tenant "$EMU_TENANT" --output none
  unset SAMPLE_SECRET
  say "az signed in to the emulator (AZURE_CONFIG_DIR=$AZURE_CONFIG_DIR)"
fi

# ---- code-server, one per phase ----
start_code_server() {
  local phase=$1 d=$RUN/$1
  mkdir -p "$d/user/User" "$d/exts" "$d/xdg"
  # The test-only authentication provider for "Microsoft account" connections (test/e2e/auth-provider), installed as
  # a user extension: the workbench URL's payload takes one extensionDevelopmentPath, Rampart's.
  cp -r "$REPO/dist-test/auth-provider" "$d/exts/rampart-tests.rampart-e2e-auth-provider-0.0.1"
  node -e '
    const [file, url, ca] = process.argv.slice(1);
    require("fs").writeFileSync(file, JSON.stringify({
      "workbench.startupEditor": "none", "security.workspace.trust.enabled": false, "telemetry.telemetryLevel": "off",
      "update.mode": "none", "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false,
      "workbench.secondarySideBar.defaultVisibility": "hidden", "workbench.tips.enabled": false,
      "rampart.clouds": [{ name: "Emulator", authorityHost: url, armEndpoint: url, caFile: ca, authProvider: "rampart-e2e-entra" }],
    }, null, 2));' "$d/user/User/settings.json" "$EMU_URL" "$EMU_CA"
  CS_PORT=$(free_port)
  (
    export XDG_CONFIG_HOME=$d/xdg XDG_CACHE_HOME=$d/xdg/cache XDG_DATA_HOME=$d/xdg/data
    export RAMPART_E2E_USER_DATA=$d/user PATH="$N24/bin:$PATH"
    exec setsid "$N24/bin/node" "$CODE_SERVER" --bind-addr "127.0.0.1:$CS_PORT" --auth none --disable-telemetry \
      --disable-update-check --disable-workspace-trust --disable-getting-started-override \
      --user-data-dir "$d/user" --extensions-dir "$d/exts" --config "$d/config.yaml" \
      --vscode-option enable-smoke-test-driver
  ) >"$d/server.log" 2>&1 &
  CS_PID=$!
  GROUPS_STARTED+=("$CS_PID")
  if ! poll 60 curl -sf -o /dev/null "http://127.0.0.1:$CS_PORT/healthz"; then
    echo "e2e: code-server ($phase) did not answer /healthz"; tail -40 "$d/server.log"; return 1
  fi
  say "code-server ($phase) on port $CS_PORT"
}

run_phase() {
  local phase=$1 script rc=0
  case "$phase" in host) script=host.ts ;; ui) script=ui.ts ;; *) echo "unknown phase $phase"; return 1 ;; esac
  start_code_server "$phase" || return 1
  # In its own process group (so chromium goes with it on exit) and waited for with `wait`, which a signal interrupts.
  RAMPART_E2E_PORT=$CS_PORT RAMPART_E2E_USER_DATA=$RUN/$phase/user \
    setsid timeout -k 5 "${RAMPART_E2E_PHASE_TIMEOUT:-200}" "$REPO/node_modules/.bin/tsx" "test/e2e/driver/$script" &
  local driver=$!
  GROUPS_STARTED+=("$driver")
  wait "$driver" || rc=$?
  stop_group "$CS_PID"
  say "phase $phase done (exit $rc)"
  return "$rc"
}

failed_phases=()
for phase in $PHASES; do run_phase "$phase" || failed_phases+=("$phase"); done

# ---- results ----
summary=$(node -e '
  const fs = require("fs"), path = require("path");
  const [run, out, results, ...phases] = process.argv.slice(1);
  let passed = 0, failed = 0;
  for (const phase of phases) {
    let r;
    try { r = JSON.parse(fs.readFileSync(path.join(run, `${phase}-results.json`), "utf8")); } catch {}
    if (!r) { failed += 1; console.error(`e2e: phase ${phase} wrote no results`); continue; }
    passed += r.passed; failed += r.failed;
    fs.copyFileSync(path.join(run, `${phase}-results.json`), path.join(out, `${phase}-results.json`));
    for (const t of r.tests.filter((t) => t.state === "failed")) console.error(`  FAILED [${phase}] ${t.title}: ${t.error ?? ""}`);
  }
  fs.writeFileSync(path.join(results, "e2e.json"), JSON.stringify({ passed, failed }) + "\n");
  console.log(`${passed} ${failed}`);' "$RUN" "$OUT" "$RESULTS" $PHASES)
read -r PASSED FAILED <<<"$summary"

if [ "$FAILED" != 0 ] || [ "$PASSED" = 0 ] || ((${#failed_phases[@]})); then
  for phase in ${failed_phases[@]:-$PHASES}; do
    [ -f "$RUN/$phase/server.log" ] || continue
    echo "---- code-server log ($phase), last 40 lines ----"; tail -40 "$RUN/$phase/server.log"
    find "$RUN/$phase/user/logs" -type f -iname '*rampart*.log' 2>/dev/null | while read -r f; do
      echo "---- Rampart log ($phase) ${f#"$RUN"/}, last 60 lines ----"; tail -60 "$f"
    done
  done
  echo "---- emulator log, last 20 lines ----"; tail -20 "$RUN/emulator.log"
fi
say "done"
echo "e2e: $PASSED passed, $FAILED failed"
SUMMARY_PRINTED=1
[ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ] && ((${#failed_phases[@]} == 0))
