// What the client's national-prefix rules (src/phone/national.rs and the
// matcher of src/phone/pattern.rs) add to the core wasm, against the budget
// of issue 22 item 4: at most 2 KiB gzip. An A/B of the core build
// (`--no-default-features`) as scripts/build.mjs makes it (cargo, then
// wasm-bindgen --target web, then wasm-opt with wasm-pack.toml's flags,
// gzip -9): once as shipped, once with `--cfg edgetext_no_national_rules`,
// the same client whose normalize_phone reads no national prefix. The first
// builds where scripts/build.mjs does (so after `make build` cargo only
// relinks it), the second in a folder of its own, as its flags differ.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { parse } from "smol-toml";
import { root, run, save, log, bin } from "./lib.mjs";

const BUDGET = 2048;
const matrix = parse(readFileSync(join(root, "wasm-pack.toml"), "utf8"));
const stem = parse(readFileSync(join(root, "Cargo.toml"), "utf8")).package.name.replace(/-/g, "_");
const cargoBin = `${process.env.HOME}/.cargo/bin`;
const PATH = `${join(root, "node_modules", ".bin")}:${cargoBin}:${process.env.PATH}`;

async function must(cmd, args, env = {}) {
  const r = await run(cmd, args, { cwd: root, env: { ...process.env, PATH, ...env } });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")}: exit ${r.code}\n${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** The generated tables of src/phone/national.rs in the build's OUT_DIR: bytes of each. */
function tables(outDir) {
  const text = readFileSync(join(outDir, "national.rs"), "utf8");
  const sizes = {};
  for (const m of text.matchAll(/^static (\w+): (?:&)?\[(u8|u16); (\d+)\]/gm)) sizes[m[1]] = Number(m[3]) * (m[2] === "u16" ? 2 : 1);
  return sizes;
}

async function variant(name, rustflags, scratch) {
  const targetDir = join(root, "target", ...(rustflags ? ["phone-rules-size"] : []));
  const stdout = await must("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--lib", "--no-default-features", "--message-format=json"],
    { CARGO_TARGET_DIR: targetDir, RUSTFLAGS: rustflags });
  const messages = stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  const script = messages.find((m) => m.reason === "build-script-executed" && m.package_id.includes(`${stem.replace(/_/g, "-")}`) && !m.package_id.includes("registry"));
  const built = join(targetDir, "wasm32-unknown-unknown", "release", `${stem}.wasm`);
  const outDir = join(scratch, name);
  await must("wasm-bindgen", [built, "--out-dir", outDir, "--target", "web", "--typescript"]);
  const wasm = join(outDir, `${stem}_bg.wasm`);
  await must(bin("wasm-opt"), [...matrix["wasm-opt"], wasm, "-o", wasm]);
  const bytes = readFileSync(wasm);
  const size = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  log(`phone-rules-size: ${name}: ${size.raw} B raw, ${size.gzip} B gzip`);
  return { ...size, tables: script ? tables(script.out_dir) : null };
}

const scratch = mkdtempSync(join(tmpdir(), "edgetext-rules-"));
try {
  const withRules = await variant("with", "", scratch);
  const without = await variant("without", "--cfg edgetext_no_national_rules", scratch);
  const cost = { raw: withRules.raw - without.raw, gzip: withRules.gzip - without.gzip };
  log(`phone-rules-size: the rules cost ${cost.raw} B raw, ${cost.gzip} B gzip (budget ${BUDGET}): ${cost.gzip <= BUDGET ? "met" : "behind"}`);
  save("phone-rules-size", { with: withRules, without, cost, budget: BUDGET, gzipLevel: 9 });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
