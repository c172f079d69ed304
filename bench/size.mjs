// Size: our wasm (raw, gzip -9), our npm package (packed, unpacked,
// installed), and the packages a user would pick instead, each measured the
// same way: `npm pack <name>` for tarball and unpacked size, then
// `npm install` of that tarball alone into a scratch folder for the installed
// size with every dependency (bytes of files under node_modules, and count).
import { readFileSync, readdirSync, lstatSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { root, run, save, log } from "./lib.mjs";

const RIVALS = (process.env.BENCH_RIVALS || "twilio telnyx plivo notifme-sdk").split(/\s+/).filter(Boolean);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const quiet = ["--no-audit", "--no-fund", "--loglevel=error", "--ignore-scripts"];

/** Bytes and files under a node_modules folder, and the packages in it (nested ones too). */
function treeBytes(dir) {
  let bytes = 0;
  let files = 0;
  let packages = 0;
  const walk = (d, isPackage) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        const inModules = e.name !== ".bin" && !e.name.startsWith("@") && (d.endsWith("node_modules") || /node_modules[\\/]@[^\\/]+$/.test(d));
        walk(p, inModules);
      } else if (e.isFile()) {
        bytes += lstatSync(p).size;
        files++;
        if (isPackage && e.name === "package.json") packages++;
      }
    }
  };
  walk(dir, false);
  return { bytes, files, packages };
}

async function pack(spec, cwd) {
  const r = await run(npm, ["pack", spec, "--json", ...quiet], { cwd });
  if (r.code !== 0) throw new Error(`npm pack ${spec}: ${r.stderr}`);
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf("[")));
  return { name: info.name, version: info.version, tarball: info.size, unpacked: info.unpackedSize, files: info.entryCount, file: join(cwd, info.filename) };
}

async function installed(tarball, name) {
  const dir = mkdtempSync(join(tmpdir(), "edgetext-size-"));
  try {
    writeFileSync(join(dir, "package.json"), "{}");
    const r = await run(npm, ["install", "--omit=dev", "--no-package-lock", ...quiet, tarball], { cwd: dir });
    if (r.code !== 0) throw new Error(`npm install ${name}: ${r.stderr}`);
    const nm = join(dir, "node_modules");
    const { bytes, files, packages } = treeBytes(nm);
    return { installed: bytes, installedFiles: files, packages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const scratch = mkdtempSync(join(tmpdir(), "edgetext-pack-"));
try {
  const wasm = readFileSync(join(root, "pkg", "web", "edgetext_bg.wasm"));
  const wasmSize = { raw: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length };
  log(`size: wasm ${wasmSize.raw} B raw, ${wasmSize.gzip} B gzip`);
  // The on-demand module: what the core loads on the first call of anything but send and status.
  const fullWasm = readFileSync(join(root, "pkg", "full", "edgetext_bg.wasm"));
  const fullSize = { raw: fullWasm.length, gzip: gzipSync(fullWasm, { level: 9 }).length };
  log(`size: on-demand wasm ${fullSize.raw} B raw, ${fullSize.gzip} B gzip`);
  const workerWasm = readFileSync(join(root, "pkg", "worker", "edgetext_bg.wasm"));
  const workerSize = { raw: workerWasm.length, gzip: gzipSync(workerWasm, { level: 9 }).length };
  log(`size: worker wasm ${workerSize.raw} B raw, ${workerSize.gzip} B gzip`);
  // edgetext/inline: the same wasm as base64 in a JS module (scripts/build.mjs).
  const inlined = readFileSync(join(root, "pkg", "web", "edgetext_bg.wasm.mjs"));
  const inlineSize = { raw: inlined.length, gzip: gzipSync(inlined, { level: 9 }).length };
  log(`size: inlined wasm ${inlineSize.raw} B raw, ${inlineSize.gzip} B gzip`);

  const packages = [];
  const ours = await pack(join(root, "pkg"), scratch);
  packages.push({ ...ours, ...(await installed(ours.file, "edgetext")), ours: true });
  for (const name of RIVALS) {
    try {
      const p = await pack(name, scratch);
      packages.push({ ...p, ...(await installed(p.file, name)) });
    } catch (err) {
      packages.push({ name, error: String(err.message).slice(0, 300) });
    }
  }
  for (const p of packages) {
    delete p.file;
    log(`size: ${p.name}@${p.version}: tarball ${p.tarball} B, unpacked ${p.unpacked} B, installed ${p.installed} B in ${p.packages} packages`);
  }
  save("size", { wasm: wasmSize, full: fullSize, worker: workerSize, inline: inlineSize, gzipLevel: 9, packages });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
