#!/usr/bin/env bash
# Runs every example; each starts the provider emulator it talks to.
set -euo pipefail
shopt -s nullglob
examples=(examples/*.mjs)
[ ${#examples[@]} -gt 0 ] || { echo "demo: no examples/*.mjs yet"; exit 0; }
for f in "${examples[@]}"; do
  echo "== node $f"
  node "$f"
done
