// Builds the npm package in pkg/: one wasm-pack build per [[build]] of
// wasm-pack.toml, wasm-opt with its flags, then pkg-template/ on top.
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { parse } from "smol-toml";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);
const bin = join(root, "node_modules", ".bin");
const matrix = parse(readFileSync("wasm-pack.toml", "utf8"));
const env = {
  ...process.env,
  PATH: `${bin}:${process.env.HOME}/.cargo/bin:${process.env.PATH}`,
  // A RUSTFLAGS of the caller is dropped: the wasm is built alike everywhere.
  RUSTFLAGS: "",
};
const crate = parse(readFileSync("Cargo.toml", "utf8")).package;
const stem = crate.name.replace(/-/g, "_");

/** Runs a command quietly; on failure prints its output and exits. */
function run(cmd, args) {
  const r = spawnSync(cmd, args, { env, encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ""}${r.stderr ?? ""}${r.error ?? ""}\nbuild: ${cmd} ${args.join(" ")} failed\n`);
    process.exit(1);
  }
}

// Built in pkg.next/ and moved into place at the end, so a test reading pkg/
// meanwhile never sees half a package.
const stage = "pkg.next";
const staged = (dir) => dir.replace(/^pkg(?=\/|$)/, stage);
rmSync(stage, { recursive: true, force: true });
for (const { target, out_dir: final_dir, features = [] } of matrix.build) {
  const out_dir = staged(final_dir);
  const cargoArgs = ["--no-default-features", ...(features.length ? ["--features", features.join(",")] : [])];
  run("wasm-pack", ["--quiet", "build", "--release", "--no-pack", "--target", target, "--out-dir", join(root, out_dir), root, "--", ...cargoArgs]);
  for (const f of ["package.json", "README.md", ".gitignore"]) rmSync(join(out_dir, f), { force: true });
  const wasm = join(out_dir, `${stem}_bg.wasm`);
  const raw = readFileSync(wasm).length;
  run("wasm-opt", [...matrix["wasm-opt"], wasm, "-o", wasm]);
  const bytes = readFileSync(wasm);
  console.log(`${wasm}: ${bytes.length} bytes (before wasm-opt ${raw}), gzip ${gzipSync(bytes, { level: 9 }).length}`);
}
// A nodejs build and the web build with the same features differ only in
// their JS glue: the package ships the wasm once, in the web build, and the
// nodejs glue reads it from there.
const sameFeatures = (a, b) => JSON.stringify(a.features ?? []) === JSON.stringify(b.features ?? []);
for (const node of matrix.build.filter((b) => b.target === "nodejs")) {
  const web = matrix.build.find((b) => b.target === "web" && sameFeatures(b, node));
  if (!web) throw new Error(`build: ${node.out_dir} has no web build with its features`);
  const [nodeDir, webDir] = [staged(node.out_dir), staged(web.out_dir)];
  const nodeWasm = join(nodeDir, `${stem}_bg.wasm`);
  if (!readFileSync(nodeWasm).equals(readFileSync(join(webDir, `${stem}_bg.wasm`)))) {
    throw new Error(`build: the nodejs and web builds made different wasm files (${node.out_dir}, ${web.out_dir})`);
  }
  const glue = join(nodeDir, `${stem}.js`);
  const wasmLine = `const wasmPath = \`\${__dirname}/${stem}_bg.wasm\`;`;
  const glueText = readFileSync(glue, "utf8");
  if (!glueText.includes(wasmLine)) throw new Error(`build: ${glue} no longer has the line ${wasmLine}`);
  const webRel = relative(nodeDir, webDir);
  writeFileSync(glue, glueText.replace(wasmLine, `const wasmPath = require("path").join(__dirname, ${JSON.stringify(webRel)}, "${stem}_bg.wasm");`));
  rmSync(nodeWasm);
  // CommonJS inside a "type": "module" package.
  writeFileSync(join(nodeDir, "package.json"), '{ "type": "commonjs" }\n');
}
const webDir = staged(matrix.build.find((b) => b.target === "web").out_dir);

// initSync of the web glue takes a compiled module only when it is
// `instanceof` its own realm's WebAssembly.Module, and compiles anything else
// as bytes. Next.js's edge sandbox hands the edge-light entry a module
// compiled in the server's realm (its loadWasm), which then fails with
// "Argument 0 must be a buffer source". A module is recognised by its brand
// instead, which holds across realms; new WebAssembly.Instance accepts any
// realm's module.
const instanceofLine = "if (!(module instanceof WebAssembly.Module)) {";
const brandLine = 'if (!(module instanceof WebAssembly.Module) && Object.prototype.toString.call(module) !== "[object WebAssembly.Module]") {';
for (const { out_dir } of matrix.build.filter((b) => b.target === "web")) {
  const webGlue = join(staged(out_dir), `${stem}.js`);
  const text = readFileSync(webGlue, "utf8");
  if (text.split(instanceofLine).length !== 2) throw new Error(`build: ${webGlue} no longer has the one line ${instanceofLine}`);
  writeFileSync(webGlue, text.replace(instanceofLine, brandLine));
}

// inline.mjs (edgetext/inline) carries the wasm of the `inline` builds as
// base64, for the runtimes and bundles that cannot load a file next to the JS.
for (const { out_dir } of matrix.build.filter((b) => b.inline)) {
  const wasm = readFileSync(join(staged(out_dir), `${stem}_bg.wasm`));
  writeFileSync(join(staged(out_dir), `${stem}_bg.wasm.mjs`),
    `// Generated by scripts/build.mjs: ${stem}_bg.wasm (${wasm.length} bytes) as base64, for inline.mjs.\nexport default "${wasm.toString("base64")}";\n`);
}

// The web glue's declarations end with its raw wasm exports (InitOutput,
// typed with `any`) and its own init functions; the package's entries load
// the wasm themselves and declare what they export, so those are cut.
for (const { out_dir } of matrix.build.filter((b) => b.target === "web")) {
  const dts = join(staged(out_dir), `${stem}.d.ts`);
  const text = readFileSync(dts, "utf8");
  const cut = text.indexOf("export interface InitOutput {");
  if (cut < 0) throw new Error(`build: ${dts} no longer declares InitOutput`);
  writeFileSync(dts, `${text.slice(0, cut).trimEnd()}\n`);
}

// Every ESM entry but Node's exports the core build through api.mjs and api-tools.mjs:
// the two must name each public export of the core's glue (all but the
// internal __* ones and init).
const glueExports = [...readFileSync(join(webDir, `${stem}.js`), "utf8").matchAll(/^export (?:class|function) (\w+)/gm)].map((m) => m[1]);
// Node's index.mjs lists them too, from the CommonJS entry.
for (const files of [["api.mjs", "api-tools.mjs"], ["index.mjs"]]) {
  const api = files.map((f) => readFileSync(join("pkg-template", f), "utf8")).join("\n");
  const missing = glueExports.filter((n) => !n.startsWith("__") && !new RegExp(`\\b${n}\\b`).test(api));
  if (missing.length) throw new Error(`build: pkg-template/${files.join(" and ")} do not export ${missing.join(", ")}`);
}

cpSync("pkg-template", stage, { recursive: true });
const pkgJson = JSON.parse(readFileSync("pkg-template/package.json", "utf8"));
Object.assign(pkgJson, { name: matrix.name, version: crate.version });
writeFileSync(join(stage, "package.json"), `${JSON.stringify(pkgJson, null, 2)}\n`);

// The ESM sources that CommonJS entries also need get a .cjs twin: the same
// text with `export` dropped and a module.exports line (no imports allowed).
for (const file of ["errors.mjs"]) {
  const src = readFileSync(join("pkg-template", file), "utf8");
  if (/^\s*import\b/m.test(src)) throw new Error(`${file}: a CommonJS twin cannot have imports`);
  const names = [...src.matchAll(/^export (?:async )?(?:class|function|const|let) (\w+)/gm)].map((m) => m[1]);
  const body = src.replace(/^export (?=(?:async )?(?:class|function|const|let) )/gm, "");
  const twin = file.replace(/\.mjs$/, ".cjs");
  writeFileSync(join(stage, twin), `"use strict";\n// Generated from ${file} by scripts/build.mjs.\n${body}\nmodule.exports = { ${names.join(", ")} };\n`);
}

rmSync("pkg", { recursive: true, force: true });
renameSync(stage, "pkg");
