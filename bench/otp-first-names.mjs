// Names the wasm functions a fresh isolate's first /v1/otp/send compiles,
// with their body sizes, grouped by crate (a diagnostic, not part of make bench):
//
//   1. a copy of the worker wasm that keeps its names, from the same build
//      (scripts/build.mjs's wasm-opt flags, with -g in place of --strip-debug):
//        wasm-pack build --release --no-pack --target web --out-dir test-output/named . -- --no-default-features --features worker
//        wasm-opt <the flags of wasm-pack.toml but --strip-debug> -g test-output/named/edgetext_bg.wasm -o test-output/named/named.wasm
//      and the same without -g (with --strip-debug) as pkg/worker/edgetext_bg.wasm, so that both
//      have the same functions at the same indices (this script checks each traced body size);
//   2. OTP_FIRST_RUNS=0 OTP_FIRST_ONLY=edgetext OTP_FIRST_KEEP_TRACE=1 node bench/otp-first-send.mjs
//   3. node bench/otp-first-names.mjs test-output/named/named.wasm bench/out/otp-first-send.edgetext.v8.log
//
// Prints one line per function compiled between the trace's "### first send"
// and "### second send" lines (index, body bytes, name), then the groups.
import { readFileSync } from "node:fs";

const [wasmPath, tracePath] = process.argv.slice(2);
if (!wasmPath || !tracePath) throw new Error("usage: node bench/otp-first-names.mjs <named.wasm> <kept trace>");
const buf = readFileSync(wasmPath);
let at = 8;
const leb = () => {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const b = buf[at++];
    value += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return value;
  }
};
const name = () => {
  const n = leb();
  at += n;
  return buf.subarray(at - n, at).toString("utf8");
};
const limits = () => (leb() & 1 ? (leb(), leb()) : leb());
let imported = 0;
const bodies = [];
const names = new Map();
while (at < buf.length) {
  const id = buf[at++];
  const end = leb() + at;
  if (id === 2) {
    // Imports: only imported functions take function indices.
    for (let n = leb(); n > 0; n--) {
      name();
      name();
      const kind = buf[at++];
      if (kind === 0) (leb(), imported++);
      else if (kind === 1) (at++, limits());
      else if (kind === 2) limits();
      else if (kind === 3) at += 2;
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) {
      const size = leb();
      bodies.push(size);
      at += size;
    }
  } else if (id === 0 && name() === "name") {
    while (at < end) {
      const sub = buf[at++];
      const subEnd = leb() + at;
      if (sub === 1) for (let n = leb(); n > 0; n--) names.set(leb(), name());
      at = subEnd;
    }
  }
  at = end;
}

const trace = readFileSync(tracePath, "utf8").split("### first send")[1]?.split("### second send")[0];
if (trace === undefined) throw new Error(`${tracePath} has no "### first send" line: run the bench with OTP_FIRST_KEEP_TRACE=1`);
const rows = [...trace.matchAll(/^Compiled function \S+#(\d+) .* bodysize (\d+)/gm)].map((m) => ({ index: Number(m[1]), bytes: Number(m[2]) }));
const differ = rows.filter((r) => bodies[r.index - imported] !== r.bytes).length;
if (differ) throw new Error(`${differ} traced functions differ in size from ${wasmPath}: not the same build`);
const GROUPS = [
  ["serde_wasm_bindgen", "serde-wasm-bindgen"], ["serde", "serde derive and impls"], ["edgetext::worker", "edgetext::worker"],
  ["edgetext::client", "edgetext::client"], ["edgetext::wasm", "edgetext::wasm"], ["edgetext::providers", "edgetext::providers"],
  ["edgetext::phone", "edgetext::phone"], ["edgetext::", "edgetext, other"], ["btree", "BTreeMap"], ["hashbrown", "hashbrown"],
  ["Searcher", "str searching"], ["fmt", "fmt"], ["alloc", "alloc"], ["core", "core"], ["wasm_bindgen", "js-sys and wasm-bindgen"],
  ["js_sys", "js-sys and wasm-bindgen"],
];
const groups = new Map();
for (const r of rows) {
  const fn = names.get(r.index) ?? `#${r.index}`;
  console.log(`${r.index}\t${r.bytes}\t${fn}`);
  const group = GROUPS.find(([part]) => fn.includes(part))?.[1] ?? "other";
  const g = groups.get(group) ?? { bytes: 0, functions: 0 };
  groups.set(group, { bytes: g.bytes + r.bytes, functions: g.functions + 1 });
}
console.log(`\n${rows.length} functions, ${rows.reduce((a, r) => a + r.bytes, 0)} B`);
for (const [group, g] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes)) console.log(`${group}\t${g.bytes} B\t${g.functions}`);
