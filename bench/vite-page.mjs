// A page built by Vite for production, measured as a user's visitor meets
// it: every JS and wasm file Vite emits, raw and gzip -9, split into what
// the page loads at start (the entry chunk, the chunks it imports
// statically, and the wasm those chunks reference) and what it loads on
// demand (dynamic imports and the wasm only they reference). Vite's
// manifest tells the chunks apart; a wasm file goes with the chunks whose
// code names it.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { root, run, bin } from "./lib.mjs";

export const viteVersion = () => JSON.parse(readFileSync(join(root, "node_modules", "vite", "package.json"), "utf8")).version;

/** Writes index.html and main.js into `app` (which must resolve the page's imports) and builds it. */
export async function buildPage(app, mainJs) {
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, "index.html"), '<!doctype html>\n<button>Send</button>\n<script type="module" src="./main.js"></script>\n');
  writeFileSync(join(app, "main.js"), mainJs);
  const built = await run(bin("vite"), ["build", "--manifest", "--logLevel", "error"], { cwd: app, env: { ...process.env, NO_COLOR: "1" } });
  if (built.code !== 0) throw new Error(`vite build: ${built.stdout}${built.stderr}`);
  return measure(join(app, "dist"));
}

function measure(dist) {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(m|c)?js$|\.wasm$/.test(e.name)) {
        const bytes = readFileSync(p);
        files.push({ file: relative(dist, p), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
      }
    }
  };
  walk(dist);

  // The start closure: entries and their static imports, through the manifest.
  const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));
  const atStart = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || atStart.has(chunk.file)) return;
    atStart.add(chunk.file);
    for (const a of chunk.assets ?? []) atStart.add(a);
    for (const k of chunk.imports ?? []) visit(k);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  const startCode = files.filter((f) => atStart.has(f.file) && !f.file.endsWith(".wasm")).map((f) => readFileSync(join(dist, f.file), "utf8")).join("\n");
  for (const f of files) {
    f.loaded = atStart.has(f.file) || (f.file.endsWith(".wasm") && startCode.includes(basename(f.file))) ? "start" : "on demand";
  }

  const sum = (pick) => files.filter(pick).reduce((a, f) => ({ raw: a.raw + f.raw, gzip: a.gzip + f.gzip }), { raw: 0, gzip: 0 });
  const start = (f) => f.loaded === "start";
  return {
    vite: viteVersion(),
    files,
    js: sum((f) => start(f) && !f.file.endsWith(".wasm")),
    wasm: sum((f) => start(f) && f.file.endsWith(".wasm")),
    total: sum(start),
    onDemand: files.filter((f) => !start(f)),
    everything: sum(() => true),
  };
}
