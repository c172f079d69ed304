// The page budget as a user meets it: the packed package installed into a
// fresh project, a page whose whole script is `import { Client } from
// "edgetext"` and one send, built by Vite for production; every JS and wasm
// file Vite emits, raw and gzip -9, what the page loads at start and what
// on demand (bench/vite-page.mjs). Beside it, every wasm module in pkg/.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { root, run, save, log } from "./lib.mjs";
import { buildPage } from "./vite-page.mjs";

/** Every .wasm under pkg/ but the worker's, raw and gzip -9. */
function wasmModules(pkg) {
  const found = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && relative(pkg, p) !== "worker") walk(p);
      else if (e.name.endsWith(".wasm")) {
        const bytes = readFileSync(p);
        found.push({ file: relative(pkg, p), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
      }
    }
  };
  walk(pkg);
  return found;
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const quiet = ["--no-audit", "--no-fund", "--loglevel=error"];
const work = mkdtempSync(join(tmpdir(), "edgetext-page-"));
try {
  const packed = await run(npm, ["pack", join(root, "pkg"), "--pack-destination", work, ...quiet], { cwd: work });
  if (packed.code !== 0) throw new Error(`npm pack: ${packed.stderr}`);
  const tarball = join(work, packed.stdout.trim().split("\n").pop());
  const app = join(work, "page");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), '{ "name": "page", "private": true, "type": "module" }\n');
  const installed = await run(npm, ["install", tarball, "--offline", ...quiet], { cwd: app });
  if (installed.code !== 0) throw new Error(`npm install: ${installed.stderr}`);
  const result = await buildPage(
    app,
    [
      'import { Client } from "edgetext";',
      'const client = new Client({ provider: "textlink", apiKey: "key-from-your-server" });',
      'document.querySelector("button")?.addEventListener("click", async () => {',
      '  const receipt = await client.send({ to: "+12125551212", text: "Your order shipped" });',
      "  console.log(receipt.id);",
      "});",
      "",
    ].join("\n"),
  );
  // Every wasm module the package ships beside the core (the worker build
  // aside): the ones a page loads on first use of an operation.
  result.pkgWasm = wasmModules(join(root, "pkg"));
  log(`page: Vite emitted ${result.files.length} files, ${result.total.gzip} B gzip loaded at start (JS ${result.js.gzip}, wasm ${result.wasm.gzip}), ${result.onDemand.length} on demand`);
  for (const m of result.pkgWasm) log(`page: pkg/${m.file}: ${m.gzip} B gzip`);
  save("page", result);
} finally {
  rmSync(work, { recursive: true, force: true });
}
