# make test: set up this machine, build pkg/, run every test suite.
# make demo: set up, build, start the demo (worker, provider sandbox, page) under wrangler dev on 127.0.0.1.
# make bench: set up, build, measure and fuzz; writes BENCHMARKS.md.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export WRANGLER_SEND_METRICS := false
export npm_config_update_notifier := false
export CHROMEDRIVER := /usr/bin/chromedriver
export WASM_BINDGEN_TEST_WEBDRIVER_JSON := $(CURDIR)/scripts/webdriver.json

STEP := scripts/step.sh
EMU := node scripts/with-emulator.mjs

.PHONY: setup build test demo bench
setup:
	@scripts/setup.sh

build: setup
	@node scripts/build.mjs

# Every suite runs even when one fails; the verdict line fails the target.
test: build
	@rm -f test-output/failed
	@$(STEP) cargo-test cargo test || true
	@$(STEP) cargo-test-client cargo test --no-default-features || true
	@$(STEP) clippy cargo clippy --all-targets -- -D warnings || true
	@$(STEP) clippy-wasm cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings || true
	@$(STEP) clippy-client cargo clippy --target wasm32-unknown-unknown --lib --no-default-features -- -D warnings || true
	@$(STEP) clippy-full cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features full -- -D warnings || true
	@$(STEP) wasm-node $(EMU) wasm-pack test --node -- --lib --features full || true
	@$(STEP) wasm-chromium env WASM_BINDGEN_USE_BROWSER=1 $(EMU) wasm-pack test --headless --chrome -- --lib --features full || true
	@$(STEP) sandbox node --test tests/sandbox/ || true
	@$(STEP) workerd node --test tests/workerd/ || true
	@$(STEP) demo node --test tests/demo/ || true
	@$(STEP) check-dts node scripts/check-dts.mjs || true
	@node tests/package/run.mjs || echo package >> test-output/failed
	@node tests/runtimes/run.mjs || echo runtimes >> test-output/failed
	@$(STEP) --verdict

demo: build
	@scripts/demo.sh

# Size, cold start, send overhead, webhook ingest and a bounded fuzz run,
# side by side in one run; writes BENCHMARKS.md (see bench/run.mjs).
bench: build
	@node bench/run.mjs
