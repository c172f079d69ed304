#!/usr/bin/env bash
# make demo: starts the demo worker (worker/demo/: the webhook worker, a
# sandbox of the four providers, the page in www/) under `wrangler dev` on
# 127.0.0.1 and prints its URL; Ctrl-C stops it. DEMO_PORT picks the port
# (default 8787). Needs pkg/ built (make demo builds it first).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node scripts/demo.mjs "$@"
