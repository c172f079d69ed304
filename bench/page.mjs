// The page budget as a user meets it: the packed package installed into a
// fresh project, a page whose whole script is `import { Client } from
// "edgetext"` and one send, built by Vite for production; every JS and wasm
// file Vite emits, raw and gzip -9, and their total.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { root, run, bin, save, log } from "./lib.mjs";

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
  writeFileSync(join(app, "index.html"), '<!doctype html>\n<script type="module" src="./main.js"></script>\n');
  writeFileSync(
    join(app, "main.js"),
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
  const built = await run(bin("vite"), ["build", "--logLevel", "error"], { cwd: app, env: { ...process.env, NO_COLOR: "1" } });
  if (built.code !== 0) throw new Error(`vite build: ${built.stdout}${built.stderr}`);

  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(m|c)?js$|\.wasm$/.test(e.name)) {
        const bytes = readFileSync(p);
        files.push({ file: relative(join(app, "dist"), p), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
      }
    }
  };
  walk(join(app, "dist"));
  const sum = (kind, key) => files.filter((f) => (kind === "wasm") === f.file.endsWith(".wasm")).reduce((a, f) => a + f[key], 0);
  const result = {
    vite: JSON.parse(readFileSync(join(root, "node_modules", "vite", "package.json"), "utf8")).version,
    files,
    js: { raw: sum("js", "raw"), gzip: sum("js", "gzip") },
    wasm: { raw: sum("wasm", "raw"), gzip: sum("wasm", "gzip") },
  };
  result.total = { raw: result.js.raw + result.wasm.raw, gzip: result.js.gzip + result.wasm.gzip };
  log(`page: Vite emitted ${files.length} files, ${result.total.gzip} B gzip (JS ${result.js.gzip}, wasm ${result.wasm.gzip})`);
  save("page", result);
} finally {
  rmSync(work, { recursive: true, force: true });
}
