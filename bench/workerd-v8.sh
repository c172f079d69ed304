#!/usr/bin/env bash
# workerd as Miniflare starts it (MINIFLARE_WORKERD_PATH), with the V8 flags
# of EDGETEXT_V8_FLAGS added to the config it reads from stdin
# (bench/workerd-v8-config.mjs). It execs workerd, so the process Miniflare
# started is workerd itself (bench/otp-first-send.mjs reads its CPU).
# EDGETEXT_V8_LOG: a file for workerd's stdout (V8's traces), line-buffered.
set -euo pipefail
: "${EDGETEXT_WORKERD:?the real workerd binary}"
if [ -n "${EDGETEXT_V8_LOG:-}" ]; then
  exec stdbuf -oL "$EDGETEXT_WORKERD" "$@" >>"$EDGETEXT_V8_LOG" < <(node "$(dirname "$0")/workerd-v8-config.mjs" 3>&-)
fi
exec "$EDGETEXT_WORKERD" "$@" < <(node "$(dirname "$0")/workerd-v8-config.mjs" 3>&-)
