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
// The builds differ only in their JS glue: the package ships the wasm once,
// in the web build, and the nodejs glue reads it from there.
const nodeDir = staged(matrix.build.find((b) => b.target === "nodejs").out_dir);
const webDir = staged(matrix.build.find((b) => b.target === "web").out_dir);
const nodeWasm = join(nodeDir, `${stem}_bg.wasm`);
if (!readFileSync(nodeWasm).equals(readFileSync(join(webDir, `${stem}_bg.wasm`)))) {
  throw new Error("build: the nodejs and web builds made different wasm files");
}
const glue = join(nodeDir, `${stem}.js`);
const wasmLine = `const wasmPath = \`\${__dirname}/${stem}_bg.wasm\`;`;
const glueText = readFileSync(glue, "utf8");
if (!glueText.includes(wasmLine)) throw new Error(`build: ${glue} no longer has the line ${wasmLine}`);
const webRel = relative(nodeDir, webDir);
writeFileSync(glue, glueText.replace(wasmLine, `const wasmPath = require("path").join(__dirname, ${JSON.stringify(webRel)}, "${stem}_bg.wasm");`));
rmSync(nodeWasm);

// The nodejs build is CommonJS inside a "type": "module" package.
writeFileSync(join(stage, "node", "package.json"), '{ "type": "commonjs" }\n');

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
