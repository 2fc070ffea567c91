#!/usr/bin/env bash
# `npm run demo`: install, build, start the emulator with the built-in sample tenant, connect and sync through the
# CLI, print what Rampart found, stop the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/ensure-deps.mjs
node esbuild.mjs
exec npx tsx scripts/demo.ts "$@"
