// The packed npm package, installed from its tarball into a scratch project,
// in every runtime it promises: Node import, Node require, workerd (bundled
// by wrangler, run by Miniflare) and headless Chromium (edgetext/web), each
// running scenario.mjs against its own provider emulator; plus a type check.
//   node tests/package/run.mjs [--verbose]   (--verbose lists every check that passed)
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..", "..");
const out = join(root, "test-output");
const scratch = join(out, "scratch");
const bin = (name) => join(root, "node_modules", ".bin", name);
const quiet = { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" };
const COMPAT_DATE = "2025-09-01";
const verbose = process.argv.includes("--verbose") || process.argv.includes("-v");
const started = Date.now();
const CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-quic"];

if (!existsSync(join(root, "pkg", "package.json"))) {
  console.error("package tests: pkg/ is not built; run make build");
  process.exit(1);
}

// Pack, then install only the tarball into an empty project.
mkdirSync(out, { recursive: true });
const tarball = execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", out, "--loglevel=error"], quiet).trim().split("\n").pop();
rmSync(scratch, { recursive: true, force: true });
mkdirSync(join(scratch, "worker", "src"), { recursive: true });
writeFileSync(join(scratch, "package.json"), '{ "name": "scratch", "private": true, "type": "module" }\n');
execFileSync("npm", ["install", join(out, tarball), "--offline", "--no-audit", "--no-fund", "--loglevel=error"], { ...quiet, cwd: scratch });
for (const f of ["scenario.mjs", "node-esm.mjs", "node-cjs.cjs", "browser.html", "types.mts", "types.cts", "tsconfig.json"]) {
  copyFileSync(join(here, f), join(scratch, f));
}
copyFileSync(join(here, "worker.js"), join(scratch, "worker", "src", "index.js"));
copyFileSync(join(here, "scenario.mjs"), join(scratch, "worker", "src", "scenario.mjs"));
writeFileSync(join(scratch, "worker", "wrangler.toml"), `name = "edgetext-package-test"\nmain = "src/index.js"\ncompatibility_date = "${COMPAT_DATE}"\n`);

// Each runtime gets its own emulator, so runtimes can run at once.
const emulatorPath = join(root, "sandbox", "server.mjs");
const emulator = existsSync(emulatorPath) ? await import(pathToFileURL(emulatorPath)) : null;
async function withEmulator(fn) {
  const emu = emulator ? await emulator.startEmulator({ port: 0 }) : null;
  try {
    return await fn(emu?.url ?? null);
  } finally {
    await emu?.close();
  }
}

// Asynchronous: the emulator answering the child lives in this process.
const runNode = (file) => async (url) => {
  const { stdout } = await promisify(execFile)("node", [file, url ?? ""], { ...quiet, cwd: scratch });
  return JSON.parse(stdout.trim().split("\n").pop());
};

async function runWorkerd(url) {
  const dir = join(scratch, "worker");
  execFileSync(bin("wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], {
    ...quiet, cwd: dir, env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG: "error", CI: "1" },
  });
  const { Miniflare } = await import("miniflare");
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dir, "dist", "index.js"),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: COMPAT_DATE,
    d1Databases: ["DB"],
  });
  try {
    const res = await mf.dispatchFetch(`http://worker/?emulator=${encodeURIComponent(url ?? "")}`);
    return await res.json();
  } finally {
    await mf.dispose();
  }
}

const MIME = { ".html": "text/html", ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm" };
async function runChromium(url) {
  const pkgDir = join(scratch, "node_modules", "edgetext");
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    const file = path === "/" ? join(scratch, "browser.html")
      : path === "/scenario.mjs" ? join(scratch, "scenario.mjs")
      : path.startsWith("/edgetext/") ? join(pkgDir, path.slice("/edgetext/".length)) : null;
    if (!file || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(String(err)));
    await page.goto(`http://127.0.0.1:${server.address().port}/?emulator=${encodeURIComponent(url ?? "")}`);
    try {
      await page.waitForFunction(() => window.__results, null, { timeout: 45000 });
    } catch {
      throw new Error(`the page gave no results${errors.length ? `: ${errors.join("; ")}` : ""}`);
    }
    return await page.evaluate(() => window.__results);
  } finally {
    await browser.close();
    server.close();
  }
}

function runTypes() {
  try {
    execFileSync(bin("tsc"), ["-p", "tsconfig.json"], { ...quiet, cwd: scratch });
    return [{ name: "tsc --strict (nodenext, import and require)", ok: true }];
  } catch (err) {
    return [{ name: "tsc --strict", ok: false, error: `${err.stdout}${err.stderr}`.trim() }];
  }
}

const runtimes = {
  "node import": () => withEmulator(runNode("node-esm.mjs")),
  "node require": () => withEmulator(runNode("node-cjs.cjs")),
  workerd: () => withEmulator(runWorkerd),
  chromium: () => withEmulator(runChromium),
  types: async () => runTypes(),
};

const took = {};
const settled = await Promise.allSettled(Object.entries(runtimes).map(async ([name, run]) => {
  const t0 = Date.now();
  try {
    return await run();
  } finally {
    took[name] = ((Date.now() - t0) / 1000).toFixed(1);
  }
}));
let passed = 0;
let failed = 0;
Object.keys(runtimes).forEach((name, i) => {
  const s = settled[i];
  const results = s.status === "fulfilled" ? s.value
    : [{ name: "run", ok: false, error: `${s.reason?.stack ?? s.reason}${s.reason?.stderr ? `\n${s.reason.stderr}` : ""}` }];
  const notes = results.filter((r) => r.name === "note");
  const checks = results.filter((r) => r.name !== "note");
  const bad = checks.filter((r) => !r.ok);
  passed += checks.length - bad.length;
  failed += bad.length;
  console.log(`${bad.length ? "FAIL" : "ok  "} ${name}: ${checks.length - bad.length}/${checks.length} checks (${took[name]} s)`);
  if (verbose) for (const r of checks) if (r.ok) console.log(`     ok ${r.name}${r.ms === undefined ? "" : ` (${r.ms} ms)`}`);
  for (const r of bad) console.log(`     FAIL ${r.name}: ${String(r.error).split("\n").slice(0, 12).join("\n       ")}`);
  for (const r of notes) console.log(`     note: ${r.note}`);
});
if (!emulator) console.log("note: sandbox/server.mjs is missing; the emulator checks did not run");
console.log(`${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(failed ? 1 : 0);
