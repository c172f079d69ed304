#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian machine (as
# root); quiet, and a quick no-op when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export npm_config_update_notifier=false

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown >/dev/null 2>&1
fi

# wasm-bindgen-cli must be exactly the version Cargo.toml pins.
wb=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
[ -n "$wb" ] || { echo "setup: no wasm-bindgen = \"=X.Y.Z\" pin in Cargo.toml" >&2; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb" ]; then
  echo "setup: cargo install wasm-bindgen-cli $wb (a few minutes)"
  cargo install --quiet --force wasm-bindgen-cli --version "$wb"
fi

# wasm-pack is pinned like wasm-bindgen-cli, so every machine builds alike.
wp=0.15.1
if [ "$(wasm-pack --version 2>/dev/null)" != "wasm-pack $wp" ]; then
  echo "setup: cargo install wasm-pack $wp (a few minutes)"
  cargo install --quiet --force wasm-pack --version "$wp"
fi

# npm ci writes node_modules/.package-lock.json last, so a newer one means done.
stamp=node_modules/.package-lock.json
if [ ! "$stamp" -nt package-lock.json ] || [ ! "$stamp" -nt package.json ]; then
  echo "setup: npm ci"
  npm ci --loglevel=error --no-audit --no-fund >/dev/null
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "setup: apt-get install chromium chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi
