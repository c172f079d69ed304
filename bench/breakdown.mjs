// What the client wasm is made of, and what a first send makes V8 compile.
// Builds the client wasm again with the shipped flags but keeping function
// names (wasm-opt -g instead of --strip-debug), reads its name section and
// groups the code by crate and serde role. Then runs one cold start of the
// shipped pkg/web wasm with V8's --trace-wasm-compilation-times and sums the
// functions compiled (Node compiles wasm lazily, on first call).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { parse } from "smol-toml";
import { root, run, bin, save, log } from "./lib.mjs";

/** Each function's body size and name, and the data section's size, from a wasm file with a name section. */
export function functions(buf) {
  let p = 8;
  const u32 = () => {
    let r = 0;
    let s = 0;
    let b;
    do {
      b = buf[p++];
      r |= (b & 0x7f) << s;
      s += 7;
    } while (b & 0x80);
    return r >>> 0;
  };
  const skipLimits = () => {
    const flags = buf[p++];
    u32();
    if (flags & 1) u32();
  };
  let imported = 0;
  let data = 0;
  const bodies = [];
  const names = new Map();
  while (p < buf.length) {
    const id = buf[p++];
    const size = u32();
    const end = p + size;
    if (id === 2) {
      for (let n = u32(), i = 0; i < n; i++) {
        for (let field = 0; field < 2; field++) {
          const length = u32();
          p += length;
        }
        const kind = buf[p++];
        if (kind === 0) {
          u32();
          imported++;
        } else if (kind === 1) {
          p++;
          skipLimits();
        } else if (kind === 2) skipLimits();
        else p += 2;
      }
    } else if (id === 10) {
      for (let n = u32(), i = 0; i < n; i++) {
        const s = u32();
        bodies.push(s);
        p += s;
      }
    } else if (id === 11) data = size;
    else if (id === 0) {
      const l = u32();
      const section = buf.subarray(p, p + l).toString();
      p += l;
      while (section === "name" && p < end) {
        const sub = buf[p++];
        const length = u32();
        const subEnd = p + length;
        if (sub === 1) {
          for (let n = u32(), i = 0; i < n; i++) {
            const index = u32();
            const l2 = u32();
            names.set(index, buf.subarray(p, p + l2).toString());
            p += l2;
          }
        }
        p = subEnd;
      }
    }
    p = end;
  }
  return { data, list: bodies.map((bytes, i) => ({ bytes, name: names.get(i + imported) ?? `#${i + imported}` })), imported };
}

/** The group a function's bytes are counted under. */
function group(name) {
  if (/serde_wasm_bindgen/.test(name)) return "serde-wasm-bindgen (instantiated per type read or written)";
  if (/serde_core::de::Deserialize for|__FieldVisitor|__Visitor|::deserialize/.test(name)) return "serde derive: reading our types";
  if (/serde_core::ser::Serialize for|::serialize/.test(name)) return "serde derive: writing our types";
  if (/flt2dec|fmt::float|bignum/.test(name)) return "core: float formatting (serde's error messages)";
  if (/^<?core\[|^<?core::|^<?alloc|^<?std|^memcmp|^memcpy|^memset|drop_in_place|lol_alloc|hashbrown/.test(name)) return "core, alloc, std (strings, formatting, collections, allocator)";
  if (/js_sys::futures|wasm_bindgen_futures/.test(name)) return "wasm-bindgen-futures (Promises)";
  if (/^<?(js_sys|web_sys|wasm_bindgen|gloo)|externref|__wbindgen|__wbg/.test(name)) return "wasm-bindgen, js-sys, web-sys, gloo-net glue";
  if (/base64ct|sha2|hmac|digest|subtle|uuid|percent_encoding/.test(name)) return "base64ct, sha2, hmac, uuid, percent-encoding";
  if (/edgetext::wasm::/.test(name)) return "edgetext::wasm (the JS API)";
  const own = name.match(/edgetext::([a-z_]+)::/);
  if (own && own[1] !== "_") return `edgetext::${own[1]}`;
  return "other (exports, shims)";
}

const matrix = parse(readFileSync(join(root, "wasm-pack.toml"), "utf8"));
const client = matrix.build.find((b) => (b.features ?? []).length === 0);
const scratch = mkdtempSync(join(tmpdir(), "edgetext-breakdown-"));
try {
  const cargo = await run("cargo", ["build", "--quiet", "--release", "--target", "wasm32-unknown-unknown", "--no-default-features"], {
    cwd: root,
    env: { ...process.env, RUSTFLAGS: "" },
  });
  if (cargo.code !== 0) throw new Error(`cargo build: ${cargo.stderr}`);
  const target = join(root, "target", "wasm32-unknown-unknown", "release", "edgetext.wasm");
  const wb = await run("wasm-bindgen", ["--target", client.target, "--out-dir", scratch, target]);
  if (wb.code !== 0) throw new Error(`wasm-bindgen: ${wb.stderr}`);
  const named = join(scratch, "named.wasm");
  const flags = matrix["wasm-opt"].map((f) => (f === "--strip-debug" ? "-g" : f));
  const opt = await run(bin("wasm-opt"), [...flags, join(scratch, "edgetext_bg.wasm"), "-o", named]);
  if (opt.code !== 0) throw new Error(`wasm-opt: ${opt.stderr}`);

  const { list, data } = functions(readFileSync(named));
  const code = list.reduce((a, f) => a + f.bytes, 0);
  const groups = new Map();
  for (const f of list) groups.set(group(f.name), (groups.get(group(f.name)) ?? 0) + f.bytes);
  const largest = [...list].sort((a, b) => b.bytes - a.bytes).slice(0, 8).map((f) => ({ bytes: f.bytes, name: f.name.replace(/::h[0-9a-f]{16}/g, "").replace(/\[[0-9a-f]{16}\]/g, "") }));

  // The first send of a cold start, on the shipped wasm (the same code without names).
  const trace = await run(process.execPath, ["--trace-wasm-compilation-times", join(root, "bench", "coldstart-child.mjs"), "steps"]);
  const compiled = [...trace.stdout.matchAll(/Compiled function .*?bodysize (\d+)/g)].map((m) => Number(m[1]));
  const shipped = functions(readFileSync(join(root, "pkg", "web", "edgetext_bg.wasm")));

  const result = {
    code,
    data,
    functions: list.length,
    groups: [...groups].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => ({ name, bytes })),
    largest,
    firstSend: {
      functions: compiled.length,
      bytes: compiled.reduce((a, b) => a + b, 0),
      of: { functions: shipped.list.length, bytes: shipped.list.reduce((a, f) => a + f.bytes, 0) },
    },
  };
  log(`breakdown: ${code} B of code in ${list.length} functions, ${data} B of data; a cold first send compiles ${result.firstSend.bytes} B in ${result.firstSend.functions} functions`);
  save("breakdown", result);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
