// Builds bench/floor/ as the package is built: cargo (release, the floor's
// own profile, which is the package's), wasm-bindgen --target web (the CLI
// the package pins) and wasm-opt with wasm-pack.toml's flags. The floor
// step builds it; the steps that measure it beside the client build it
// only when it is missing. bench/floor-ladder.mjs builds variants of it.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";
import { root, bin } from "./lib.mjs";

const dir = join(root, "target", "floor");
export const floorGlue = join(dir, "web", "edgetext_floor.js");
export const floorWasm = join(dir, "web", "edgetext_floor_bg.wasm");

/** Builds the crate at `manifest` with `features` into `<target>/web`; returns its glue and wasm. */
export function buildFloor({ manifest = join(root, "bench", "floor", "Cargo.toml"), features = [], target = dir } = {}) {
  const env = { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.HOME}/.cargo/bin:${process.env.PATH}`, RUSTFLAGS: "", CARGO_TARGET_DIR: target };
  const sh = (cmd, args) => {
    const r = spawnSync(cmd, args, { env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr || r.error}`);
  };
  const flags = parse(readFileSync(join(root, "wasm-pack.toml"), "utf8"))["wasm-opt"];
  const wasm = join(target, "web", "edgetext_floor_bg.wasm");
  sh("cargo", ["build", "--quiet", "--release", "--target", "wasm32-unknown-unknown", "--manifest-path", manifest, ...(features.length ? ["--features", features.join(",")] : [])]);
  sh("wasm-bindgen", ["--target", "web", "--out-dir", join(target, "web"), join(target, "wasm32-unknown-unknown", "release", "edgetext_floor.wasm")]);
  sh(bin("wasm-opt"), [...flags, wasm, "-o", wasm]);
  return { glue: join(target, "web", "edgetext_floor.js"), wasm };
}

export function ensureFloor() {
  if (!existsSync(floorGlue) || !existsSync(floorWasm)) buildFloor();
}
