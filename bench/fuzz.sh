#!/usr/bin/env bash
# Bounded libFuzzer run of every target in fuzz/ (FUZZ_SECONDS each, default
# 20), seeded from tests/fuzz-corpus/<target>/, on the stable toolchain:
# libfuzzer-sys links libFuzzer, and the coverage instrumentation is LLVM's
# SanitizerCoverage pass, asked for with stable codegen flags (-C passes,
# -C llvm-args) as cargo-fuzz passes them. No -Z flag, no RUSTC_BOOTSTRAP,
# and so no AddressSanitizer (safe Rust panics where it would report).
# New inputs libFuzzer finds go to fuzz/corpus/<target>/ (not committed), so
# the committed seeds stay put. Writes bench/out/fuzz.json: per target, runs,
# seconds, crashes, and the input and panic of a crash. Exit status 0 even on
# a crash: the report says it.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
secs=${FUZZ_SECONDS:-20}
mkdir -p bench/out
log=bench/out/fuzz.log
: > "$log"

# RUSTFLAGS reach the target only (--target), so build scripts and proc
# macros are built without the instrumentation, as cargo-fuzz does.
host=$(rustc -vV | sed -n 's/^host: //p')
rustc_v=$(rustc -V)
mode="stable, SanitizerCoverage through -C passes=sancov-module, no sanitizer"
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"

node bench/fuzz-seeds.mjs
targets=$(sed -n 's/^name = "\([a-z_0-9]*\)"$/\1/p' fuzz/Cargo.toml | grep -vx 'edgetext-fuzz')
echo "bench: cargo build of the fuzz targets (${mode})"
(cd fuzz && cargo build --release --target "$host" --bins >>"../$log" 2>&1) || { echo "bench: fuzz build failed, see $log" >&2; exit 1; }

json="[]"
for t in $targets; do
  mkdir -p "fuzz/corpus/$t"
  seeds=$(ls "tests/fuzz-corpus/$t" 2>/dev/null | wc -l)
  mkdir -p "fuzz/artifacts/$t" "tests/fuzz-corpus/$t"
  out=$(cd fuzz && "target/$host/release/$t" "corpus/$t" "../tests/fuzz-corpus/$t" -artifact_prefix="artifacts/$t/" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>&1)
  status=$?
  printf '=== %s (exit %s)\n%s\n' "$t" "$status" "$out" >>"$log"
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' <<<"$out" | grep -oE '[0-9]+$' | tail -1)
  [ -n "$runs" ] || runs=$(grep -oE 'Done [0-9]+ runs' <<<"$out" | grep -oE '[0-9]+' | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$out" | tail -1 | grep -oE '[0-9]+')
  corpus=$(ls "fuzz/corpus/$t" | wc -l)
  crash_file=$(grep -oE 'artifacts/[^ ]*/(crash|leak|timeout|oom|slow-unit)-[0-9a-f]+' <<<"$out" | head -1)
  panic=$(grep -m1 -A1 "panicked at" <<<"$out" | tr '\n' ' ')
  crashes=0; input=""
  if [ "$status" -ne 0 ]; then
    crashes=1
    [ -n "$crash_file" ] && input=$(od -An -c "fuzz/$crash_file" | tr -s ' \n' ' ' | head -c 400)
    echo "bench: fuzz $t FOUND A CRASH: $panic ($crash_file)" >&2
  fi
  echo "bench: fuzz $t: ${runs:-?} runs in ${secs}s, ${crashes} crashes"
  json=$(node -e '
    const [j, t, runs, secs, crashes, cov, seeds, corpus, file, panic, input, status] = process.argv.slice(1);
    const a = JSON.parse(j);
    a.push({ target: t, runs: Number(runs) || null, seconds: Number(secs), crashes: Number(crashes), coverage: Number(cov) || null,
             seeds: Number(seeds), corpus: Number(corpus), exit: Number(status), artifact: file || null, panic: panic || null, input: input || null });
    console.log(JSON.stringify(a));' "$json" "$t" "${runs:-}" "$secs" "$crashes" "${cov:-}" "$seeds" "$corpus" "$crash_file" "$panic" "$input" "$status")
done
node -e 'const [j, mode, rustc, secs] = process.argv.slice(1);
  require("fs").writeFileSync("bench/out/fuzz.json", JSON.stringify({ mode, rustc, secondsPerTarget: Number(secs), targets: JSON.parse(j) }, null, 2));' \
  "$json" "$mode" "$rustc_v" "$secs"
