#!/usr/bin/env bash
# `npm run bench`: every benchmark, each printing the figures (and ratios) it measured in this one run.
# Benchmarks print; they never fail on a number. Tests never time anything.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/ensure-deps.mjs
node esbuild.mjs
for b in scripts/bench-*.ts; do
  echo "== $b"
  npx tsx "$b"
  echo
done
