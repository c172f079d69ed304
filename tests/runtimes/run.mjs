// Every JavaScript runtime and bundler the package promises, each as a new
// user meets it: the packed tarball installed (offline) into a fresh project
// outside this repository, the user's program run, bundled, or bundled and
// run from another folder, and tests/runtimes/smoke.mjs doing import,
// segments, a send through the provider emulator (one, shared) and an
// invalid_config error. Also Deno through `npm:edgetext` from a registry on
// 127.0.0.1, the Vite dev server, Next.js's edge sandbox and a real Next.js
// build of an edge route, and the error a page gets when the .wasm cannot be
// fetched. Plus tsc --strict over every README example and a worker typed
// ExportedHandler<Env>, and arethetypeswrong on the tarball.
//   node tests/runtimes/run.mjs [--verbose] [--only=NAME,NAME]
// Prints one line per target and the size of what each bundler emitted.
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join, normalize } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { readmeExamples } from "./readme-examples.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..", "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const argv = process.argv.slice(2);
const verbose = argv.includes("--verbose") || argv.includes("-v");
const only = argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const started = Date.now();
const COMPAT_DATE = "2025-09-01";
const CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-quic"];

if (!existsSync(join(root, "pkg", "package.json"))) {
  console.error("runtimes: pkg/ is not built; run make build");
  process.exit(1);
}

/** Runs a command; resolves with stdout, rejects with its output on failure. */
function exec(cmd, args, { cwd, env = {}, timeout = 180_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, {
      cwd, timeout, maxBuffer: 64 << 20, encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", WRANGLER_SEND_METRICS: "false", DENO_NO_UPDATE_CHECK: "1", ...env },
    }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${basename(cmd)} ${args.join(" ")} (in ${cwd}): ${err.message}\n${stdout}\n${stderr}`.trim()));
      else resolve(stdout);
    });
  });
}

/** The smoke results a program printed as its last line. */
const lastJson = (stdout) => JSON.parse(stdout.trim().split("\n").pop());

// ------------------------------------------------------------ the user's project

const work = mkdtempSync(join(tmpdir(), "edgetext-runtimes-"));
const project = join(work, "project");
mkdirSync(project);
const tarball = (await exec("npm", ["pack", join(root, "pkg"), "--pack-destination", work, "--loglevel=error"], { cwd: work })).trim().split("\n").pop();
writeFileSync(join(project, "package.json"), '{ "name": "my-app", "private": true, "type": "module" }\n');
// Only local tarballs: ours, and Cloudflare's types packed from this repo's node_modules.
const workersTypes = (await exec("npm", ["pack", join(root, "node_modules", "@cloudflare", "workers-types"), "--pack-destination", work, "--loglevel=error"], { cwd: work })).trim().split("\n").pop();
await exec("npm", ["install", join(work, tarball), join(work, workersTypes), "--offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: project });
for (const f of readdirSync(join(here, "app"))) cpSync(join(here, "app", f), join(project, f));
cpSync(join(here, "smoke.mjs"), join(project, "smoke.mjs"));
writeFileSync(join(project, "page-inline.mjs"), readFileSync(join(here, "app", "page.mjs"), "utf8").replace('from "edgetext";', 'from "edgetext/inline";'));

/** A folder of its own outside the project (no node_modules above it) holding only `files`. */
function elsewhere(name, ...files) {
  const dir = join(work, `elsewhere-${name}`);
  mkdirSync(dir, { recursive: true });
  for (const f of files) cpSync(f, join(dir, basename(f)));
  return dir;
}

// ------------------------------------------------------------ emitted sizes

const sizes = [];
/** Adds up the JS and wasm files a bundler wrote under `dir` (raw and gzip -9). */
function measure(name, dir) {
  const total = { js: 0, jsGzip: 0, wasm: 0, wasmGzip: 0 };
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(m|c)?js$/.test(e.name) || e.name.endsWith(".wasm")) {
        const bytes = readFileSync(p);
        const kind = e.name.endsWith(".wasm") ? "wasm" : "js";
        total[kind] += bytes.length;
        total[`${kind}Gzip`] += gzipSync(bytes, { level: 9 }).length;
      }
    }
  };
  walk(dir);
  sizes.push({ name, ...total });
}

// ------------------------------------------------------------ emulator, browser

const { startEmulator } = await import(pathToFileURL(join(root, "sandbox", "server.mjs")));
const emulator = await startEmulator({ port: 0 });
const emulatorPort = new URL(emulator.url).port;

let browserPromise = null;
const browser = () => (browserPromise ??= import("playwright-core").then(({ chromium }) =>
  chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS })));

const MIME = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };
/**
 * Serves `dir` over HTTP, opens its index.html in headless Chromium and returns the page's window.__results.
 * `spa`: a path with no file behind it gets index.html (200), as a single-page app's server or a dev server answers.
 */
async function runPage(dir, target, { spa = false } = {}) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    let file = join(dir, path === "/" ? "index.html" : path);
    if (spa && file.startsWith(dir) && !existsSync(file)) file = join(dir, "index.html");
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await openPage(`http://127.0.0.1:${server.address().port}/`, target);
  } finally {
    server.close();
  }
}

/** Opens `url` (with ?target and ?emulator) in headless Chromium and returns the page's window.__results. */
async function openPage(url, target) {
  const page = await (await browser()).newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  try {
    const query = new URLSearchParams({ target, emulator: emulator.url });
    await page.goto(`${url}?${query}`);
    try {
      await page.waitForFunction(() => window.__results, null, { timeout: 60_000 });
    } catch {
      throw new Error(`the page gave no results${errors.length ? `: ${errors.join("; ")}` : ""}`);
    }
    return await page.evaluate(() => window.__results);
  } finally {
    await page.close();
  }
}

const html = (script, type = "module") => `<!doctype html>\n<meta charset="utf-8">\n<title>edgetext</title>\n<script ${type ? `type="${type}" ` : ""}src="${script}"></script>\n`;

// ------------------------------------------------------------ targets

const node = (file, target) => async () => lastJson(await exec("node", [file, target, emulator.url], { cwd: project }));

async function deno(netDenied) {
  // No flag at all: import, segments and the error need no permission; a send
  // is refused by Deno and must come back as an EdgetextError.
  const flags = netDenied ? [] : [`--allow-net=127.0.0.1:${emulatorPort}`];
  const args = ["run", ...flags, "app.mjs", "deno", emulator.url, ...(netDenied ? ["net-denied"] : [])];
  return lastJson(await exec(bin("deno"), args, { cwd: project, env: { DENO_DIR: join(work, "deno-cache") } }));
}

/**
 * An npm registry on 127.0.0.1 that holds one package, the packed tarball:
 * its packument (as registry.npmjs.org answers it) and the tarball itself.
 */
async function tarballRegistry(tarballPath) {
  const bytes = readFileSync(tarballPath);
  const manifest = JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8"));
  const file = `${manifest.name}-${manifest.version}.tgz`;
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(req.url);
    const base = `http://127.0.0.1:${server.address().port}`;
    if (req.url === `/${manifest.name}`) {
      const integrity = `sha512-${createHash("sha512").update(bytes).digest("base64")}`;
      const shasum = createHash("sha1").update(bytes).digest("hex");
      const version = { ...manifest, dist: { tarball: `${base}/${manifest.name}/-/${file}`, integrity, shasum } };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({
        name: manifest.name, "dist-tags": { latest: manifest.version }, versions: { [manifest.version]: version },
      }));
    } else if (req.url === `/${manifest.name}/-/${file}`) {
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(bytes);
    } else {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function denoNpm() {
  // `import ... from "npm:edgetext"` in a folder with no package.json and no
  // node_modules: Deno fetches the package from the registry
  // (NPM_CONFIG_REGISTRY, here one on 127.0.0.1 holding only the tarball)
  // into its own cache, as it does from registry.npmjs.org.
  const dir = elsewhere("deno-npm", join(project, "smoke.mjs"));
  writeFileSync(join(dir, "app.mjs"), readFileSync(join(project, "app.mjs"), "utf8").replace('from "edgetext";', 'from "npm:edgetext";'));
  const registry = await tarballRegistry(join(work, tarball));
  try {
    const args = ["run", `--allow-net=127.0.0.1:${emulatorPort}`, "app.mjs", "deno npm:", emulator.url];
    const env = { DENO_DIR: join(work, "deno-npm-cache"), NPM_CONFIG_REGISTRY: registry.url };
    const results = lastJson(await exec(bin("deno"), args, { cwd: dir, env }));
    const fetched = registry.requests.some((u) => u.endsWith(".tgz"));
    const installed = existsSync(join(dir, "node_modules"));
    return [
      ...results,
      fetched ? { name: "the tarball came from the registry", ok: true } : { name: "the tarball came from the registry", ok: false, error: `requests: ${registry.requests}` },
      installed ? { name: "no node_modules written", ok: false, error: `deno wrote ${join(dir, "node_modules")}` } : { name: "no node_modules written", ok: true },
    ];
  } finally {
    await registry.close();
  }
}

async function bunBuild() {
  const out = join(project, "dist-bun");
  await exec(bin("bun"), ["build", "app.mjs", "--target=bun", `--outdir=${out}`], { cwd: project });
  measure("bun build --target=bun", out);
  const dir = elsewhere("bun", ...readdirSync(out).map((f) => join(out, f)));
  const built = readFileSync(join(dir, "app.js"), "utf8");
  if (built.includes(project)) throw new Error(`the bundle holds the build machine's path ${project}`);
  return lastJson(await exec(bin("bun"), ["app.js", "bun build", emulator.url], { cwd: dir }));
}

/** A Vite project in the user's project: index.html loading page.mjs. */
function viteProject(name) {
  const dir = join(project, name);
  mkdirSync(dir, { recursive: true });
  cpSync(join(project, "page.mjs"), join(dir, "page.mjs"));
  cpSync(join(project, "smoke.mjs"), join(dir, "smoke.mjs"));
  writeFileSync(join(dir, "index.html"), html("./page.mjs"));
  return dir;
}

async function vite() {
  const dir = viteProject("vite-app");
  await exec(bin("vite"), ["build", "--logLevel", "error"], { cwd: dir });
  measure("vite build", join(dir, "dist"));
  return runPage(join(dir, "dist"), "vite");
}

async function viteSendOnly() {
  // The page a sending app ships: `import { Client }` and a send. It must
  // fetch one wasm (the core) to send, and the on-demand module's only on
  // the first call of an operation the core hands over.
  const dir = join(project, "vite-send-only");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.html"), html("./main.mjs"));
  writeFileSync(join(dir, "main.mjs"), [
    'import { Client, verifyWebhook } from "edgetext";',
    "const emulator = new URLSearchParams(location.search).get(\"emulator\");",
    'const client = new Client({ provider: "relay", apiKey: "test-relay-key", phoneId: "phone_main", baseUrl: `${emulator}/relay`, timeoutMs: 15000 });',
    'window.__send = () => client.send({ to: "+15551234567", text: "edgetext runtime test: vite send only" }).then((r) => r.status);',
    "window.__health = () => client.health().then((a) => a.ok);",
    'window.__verify = () => { try { return typeof verifyWebhook("{}", {}, "whsec_AAAA"); } catch (e) { return `${e.name} ${e.code}: ${e.message}`; } };',
    'window.__tools = () => import("edgetext/tools").then((t) => typeof t.verifyWebhook("{}", {}, "whsec_AAAA"));',
    "",
  ].join("\n"));
  await exec(bin("vite"), ["build", "--logLevel", "error"], { cwd: dir });
  measure("vite build, a page that only sends (at start and on demand)", join(dir, "dist"));
  const dist = join(dir, "dist");
  const server = createServer((req, res) => {
    const file = join(dist, normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^\/$/, "/index.html"));
    if (!file.startsWith(dist) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const page = await (await browser()).newPage();
  const wasm = [];
  page.on("request", (r) => { if (new URL(r.url()).pathname.endsWith(".wasm")) wasm.push(basename(new URL(r.url()).pathname)); });
  const results = [];
  const check = (name, ok, got) => results.push(ok ? { name, ok } : { name, ok, error: `got ${got}` });
  try {
    await page.goto(`http://127.0.0.1:${server.address().port}/?${new URLSearchParams({ emulator: emulator.url })}`);
    await page.waitForFunction(() => window.__send, null, { timeout: 60_000 });
    const sent = await page.evaluate(() => window.__send());
    check("the page sends", sent === "queued", sent);
    check("one wasm fetched to send (the core)", wasm.length === 1, JSON.stringify(wasm));
    const early = await page.evaluate(() => window.__verify());
    check("a tool before the module is loaded: wasm_unavailable naming edgetext/tools",
      early.startsWith("EdgetextError wasm_unavailable") && early.includes('from "edgetext/tools"'), early);
    const healthy = await page.evaluate(() => window.__health());
    check("health() loads the on-demand module and answers", healthy === true, healthy);
    check("a second wasm fetched on that first use, and only then", wasm.length === 2 && wasm[1] !== wasm[0], JSON.stringify(wasm));
    const tools = await page.evaluate(() => window.__tools());
    check("edgetext/tools in the page: the same module, no further wasm", tools === "boolean" && wasm.length === 2, `${tools}, ${JSON.stringify(wasm)}`);
    const late = await page.evaluate(() => window.__verify());
    check("the tool from \"edgetext\" once the module is loaded", late === "boolean", late);
  } finally {
    await page.close();
    server.close();
  }
  return results;
}

async function viteDev() {
  // The dev server (no build): Vite pre-bundles edgetext into node_modules/.vite
  // and serves the page's modules one by one.
  const dir = viteProject("vite-dev");
  const { createServer: createViteServer } = await import("vite");
  // Vite sets NODE_ENV in the process it runs in; the other targets run with this process's own.
  const nodeEnv = process.env.NODE_ENV;
  const server = await createViteServer({ root: dir, configFile: false, logLevel: "error", server: { host: "127.0.0.1", port: 0 } });
  await server.listen();
  try {
    return await openPage(server.resolvedUrls.local[0], "vite dev");
  } finally {
    await server.close();
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

async function webpack() {
  const out = join(project, "dist-webpack");
  const { default: run } = await import("webpack");
  const config = { mode: "production", context: project, entry: "./page.mjs", output: { path: out, filename: "main.js" }, performance: { hints: false } };
  const stats = await new Promise((resolve, reject) => run(config, (err, s) => (err ? reject(err) : resolve(s))));
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  writeFileSync(join(out, "index.html"), html("main.js", null));
  measure("webpack", out);
  return runPage(out, "webpack");
}

async function esbuildBrowser() {
  const out = join(project, "dist-esbuild-browser");
  await exec(bin("esbuild"), ["page-inline.mjs", "--bundle", "--format=esm", `--outdir=${out}`, "--log-level=error"], { cwd: project });
  writeFileSync(join(out, "index.html"), html("page-inline.js"));
  measure("esbuild (browser, edgetext/inline)", out);
  return runPage(out, "esbuild browser");
}

async function esbuildBrowserNoAsset() {
  // `import "edgetext"` (a dynamic import, so that the page sees the failure):
  // the bundle's `new URL("./web/edgetext_bg.wasm", import.meta.url)` has no file behind it.
  const out = join(project, "dist-esbuild-browser-no-asset");
  await exec(bin("esbuild"), ["page-no-wasm-asset.mjs", "--bundle", "--format=esm", "--splitting", `--outdir=${out}`, "--log-level=error"], { cwd: project });
  writeFileSync(join(out, "index.html"), html("page-no-wasm-asset.js"));
  const notFound = await runPage(out, "404");
  const spa = await runPage(out, "html", { spa: true });
  return [...notFound.map((r) => ({ ...r, name: `404: ${r.name}` })), ...spa.map((r) => ({ ...r, name: `index.html for every path: ${r.name}` }))];
}

async function webNoWasm() {
  // The package's files served as they are but for the .wasm.
  const dir = join(project, "web-no-wasm");
  cpSync(join(project, "node_modules", "edgetext"), join(dir, "edgetext"), { recursive: true });
  rmSync(join(dir, "edgetext", "web", "edgetext_bg.wasm"));
  for (const f of ["page-web-no-wasm.mjs", "no-wasm-checks.mjs"]) cpSync(join(project, f), join(dir, f));
  writeFileSync(join(dir, "index.html"), html("page-web-no-wasm.mjs"));
  return runPage(dir, "web, no wasm");
}

/** esbuild --platform=node with edgetext bundled in, run by node from a folder with nothing else. */
const esbuildNode = (source, format, target) => async () => {
  const file = `${target.replace(/\W+/g, "-")}.${format === "esm" ? "mjs" : "cjs"}`;
  const out = join(project, "dist-esbuild-node", file);
  await exec(bin("esbuild"), [source, "--bundle", "--platform=node", `--format=${format}`, `--outfile=${out}`, "--log-level=error"], { cwd: project });
  if (format === "esm") measure("esbuild (node, esm)", dirname(out));
  const dir = elsewhere(file, out);
  return lastJson(await exec("node", [file, target, emulator.url], { cwd: dir }));
};

// The platform side of a Vercel Edge function: its bundler turns each
// `.wasm?module` import into a binding holding a compiled WebAssembly.Module,
// and its runtime compiles no wasm from bytes (WebAssembly.Module, compile and
// instantiate of a buffer throw here as they do there).
const VERCEL_EDGE_PLATFORM = `
  __wasmBytes.forEach((bytes, i) => { globalThis["__wasm_" + i] = new WebAssembly.Module(bytes); });
  const Compiled = WebAssembly.Module;
  const instantiate = WebAssembly.instantiate;
  const refuse = () => { throw new Error("Vercel Edge: wasm cannot be compiled from bytes at run time"); };
  function Module() { refuse(); }
  Module.prototype = Compiled.prototype;
  WebAssembly.Module = Module;
  WebAssembly.compile = async () => refuse();
  WebAssembly.instantiate = async (source, imports) => (source instanceof Compiled ? instantiate(source, imports) : refuse());
`;

/**
 * tests/runtimes/app/edge.mjs bundled as an edge platform builds a function:
 * one script, conditions edge-light and worker, and each `.wasm?module` import
 * made `export default <global>`, the global named by `globalName(bytes, i)`.
 * Returns the script and [{ name, bytes }] of the wasm files it imports.
 */
async function bundleEdge(outName, globalName, label) {
  const { build } = await import("esbuild");
  const out = join(project, outName);
  const wasm = [];
  const wasmModule = {
    name: "wasm-module",
    setup(b) {
      b.onResolve({ filter: /\.wasm\?module$/ }, (args) => ({ path: join(args.resolveDir, args.path.replace(/\?module$/, "")), namespace: "wasm-module" }));
      b.onLoad({ filter: /.*/, namespace: "wasm-module" }, (args) => {
        const bytes = readFileSync(args.path);
        const name = globalName(bytes, wasm.length);
        wasm.push({ name, bytes });
        cpSync(args.path, join(out, `${name}.wasm`));
        return { contents: `export default globalThis.${name};`, loader: "js" };
      });
    },
  };
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(project, "edge.mjs")], bundle: true, format: "iife", conditions: ["edge-light", "worker"],
    outfile: join(out, "edge.js"), logLevel: "error", plugins: [wasmModule],
  });
  measure(label, out);
  return { script: readFileSync(join(out, "edge.js"), "utf8"), wasm };
}

/** Asks the edge function in `runtime` for its smoke results. */
async function edgeSmoke(runtime) {
  const res = await runtime.dispatchFetch(`http://edge.test/?emulator=${encodeURIComponent(emulator.url)}`);
  await res.waitUntil();
  if (res.status !== 200) throw new Error(`edge-runtime answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function vercelEdge() {
  const { script, wasm } = await bundleEdge("dist-edge", (_, i) => `__wasm_${i}`, "esbuild as Vercel Edge (edge-light, .wasm?module)");
  const { EdgeRuntime } = await import("edge-runtime");
  const runtime = new EdgeRuntime({ extend: (context) => Object.assign(context, { __wasmBytes: wasm.map((w) => w.bytes) }) });
  runtime.evaluate(VERCEL_EDGE_PLATFORM);
  runtime.evaluate(script);
  return edgeSmoke(runtime);
}

// Next.js runs `runtime = "edge"` code (next dev, next start) in edge-runtime
// (packages/next/src/server/web/sandbox/context.ts): its loader makes each
// `.wasm?module` import a global `wasm_<sha1 of the bytes>`, and loadWasm
// compiles those files with the server's own WebAssembly.compile, outside the
// sandbox's realm, then `Object.assign(context, wasm)` in `extend`. So the
// module is a WebAssembly.Module of another realm: not `instanceof` the
// sandbox's WebAssembly.Module.
async function nextEdgeSandbox() {
  const sha1 = (bytes) => createHash("sha1").update(bytes).digest("hex");
  const { script, wasm } = await bundleEdge("dist-next-edge", (bytes) => `wasm_${sha1(bytes)}`, "esbuild as Next.js edge (edge-light, .wasm?module)");
  const compiled = Object.fromEntries(await Promise.all(wasm.map(async ({ name, bytes }) => [name, await WebAssembly.compile(bytes)])));
  const { EdgeRuntime } = await import("edge-runtime");
  const runtime = new EdgeRuntime({ extend: (context) => Object.assign(context, compiled) });
  const results = [];
  const foreign = wasm.map(({ name }) => runtime.evaluate(`${name} instanceof WebAssembly.Module`));
  results.push(foreign.length > 0 && foreign.every((f) => f === false)
    ? { name: "the injected module is another realm's", ok: true }
    : { name: "the injected module is another realm's", ok: false, error: `instanceof in the sandbox: ${JSON.stringify(foreign)}` });
  runtime.evaluate(script);
  return [...results, ...(await edgeSmoke(runtime))];
}

/**
 * A package-lock.json for the given dev dependencies of this repository and
 * everything they need, cut from its own lock: `npm ci --offline` then
 * installs the very versions `npm ci` put in npm's cache here.
 */
function lockFor(names) {
  const { packages } = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
  const registry = "https://registry.npmjs.org/";
  const wanted = {};
  const resolve = (from, name) => {
    for (let base = from; ; base = base.includes("/node_modules/") ? base.slice(0, base.lastIndexOf("/node_modules/")) : "") {
      const path = `${base ? `${base}/` : ""}node_modules/${name}`;
      if (packages[path]) return path;
      if (base === "") return null;
    }
  };
  const visit = (path) => {
    if (wanted[path]) return;
    const entry = packages[path];
    // This lock names no tarball URLs (npm's omit-lockfile-registry-resolved);
    // with one, npm ci reads the tarball from its cache by integrity and asks
    // the registry for nothing.
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    wanted[path] = { resolved: `${registry}${name}/-/${name.split("/").pop()}-${entry.version}.tgz`, ...entry };
    const optionalPeers = Object.keys(entry.peerDependenciesMeta ?? {});
    const peers = Object.keys(entry.peerDependencies ?? {}).filter((n) => !optionalPeers.includes(n));
    for (const dep of [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...peers]) {
      const found = resolve(path, dep);
      if (found) visit(found);
      else if (!entry.optionalDependencies?.[dep]) throw new Error(`package-lock.json: ${path} needs ${dep}, which it does not hold`);
    }
  };
  const devDependencies = {};
  for (const name of names) {
    devDependencies[name] = packages[`node_modules/${name}`].version;
    visit(`node_modules/${name}`);
  }
  return {
    devDependencies,
    lock: { name: "my-next-app", lockfileVersion: 3, requires: true, packages: { "": { name: "my-next-app", devDependencies }, ...wanted } },
  };
}

/** Starts `node <args>` in `cwd` and resolves once it printed `ready` (a RegExp); `stop()` ends it and its children. */
function startServer(args, cwd, ready, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn("node", args, { cwd, detached: true, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const stop = () => { try { process.kill(-child.pid, "SIGTERM"); } catch { /* already gone */ } };
    const timer = setTimeout(() => { stop(); reject(new Error(`no ${ready} within 60 s:\n${output}`)); }, 60_000);
    const read = (chunk) => {
      output += chunk;
      const m = output.match(ready);
      if (m) { clearTimeout(timer); resolve({ match: m, stop }); }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`exited with ${code}:\n${output}`)); });
  });
}

// A real Next.js app router project whose route has `runtime = "edge"`:
// next build (which already runs the route to collect its configuration) and
// next start, which serves it from edge-runtime with the wasm compiled
// outside the sandbox; the route answers the smoke results.
async function nextApp() {
  const dir = join(work, "next-app");
  cpSync(join(here, "next-app"), dir, { recursive: true });
  cpSync(join(here, "smoke.mjs"), join(dir, "smoke.mjs"));
  const { devDependencies, lock } = lockFor(["next", "react", "react-dom"]);
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "my-next-app", private: true, devDependencies }, null, 2)}\n`);
  writeFileSync(join(dir, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
  const npmFlags = ["--offline", "--no-audit", "--no-fund", "--loglevel=error"];
  await exec("npm", ["ci", ...npmFlags], { cwd: dir });
  await exec("npm", ["install", join(work, tarball), ...npmFlags], { cwd: dir });
  // next build and next start choose NODE_ENV themselves (production), as in a user's shell.
  const env = { NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: undefined };
  await exec("node", ["node_modules/next/dist/bin/next", "build"], { cwd: dir, env, timeout: 300_000 });
  const server = await startServer(["node_modules/next/dist/bin/next", "start", "-p", "0", "-H", "127.0.0.1"], dir, /http:\/\/127\.0\.0\.1:(\d+)/, env);
  try {
    const res = await fetch(`http://127.0.0.1:${server.match[1]}/smoke?emulator=${encodeURIComponent(emulator.url)}`);
    if (res.status !== 200) throw new Error(`next start answered ${res.status}: ${await res.text()}`);
    return await res.json();
  } finally {
    server.stop();
  }
}

async function workerd() {
  const dir = join(project, "cf-worker");
  mkdirSync(join(dir, "src"), { recursive: true });
  cpSync(join(project, "worker.mjs"), join(dir, "src", "index.mjs"));
  cpSync(join(project, "smoke.mjs"), join(dir, "src", "smoke.mjs"));
  writeFileSync(join(dir, "wrangler.toml"), `name = "edgetext-runtimes"\nmain = "src/index.mjs"\ncompatibility_date = "${COMPAT_DATE}"\n`);
  await exec(bin("wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], { cwd: dir, env: { WRANGLER_LOG: "error", CI: "1" } });
  measure("wrangler (workerd)", join(dir, "dist"));
  const { Miniflare } = await import("miniflare");
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dir, "dist", "index.js"),
    modulesRoot: join(dir, "dist"),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: COMPAT_DATE,
  });
  try {
    const res = await mf.dispatchFetch(`http://worker/?emulator=${encodeURIComponent(emulator.url)}`);
    return await res.json();
  } finally {
    await mf.dispose();
  }
}

/** Each README example as a module of its own, and a worker typed ExportedHandler<Env>, under tsc --strict. */
async function types() {
  const dir = join(project, "types");
  mkdirSync(join(dir, "worker"), { recursive: true });
  const examples = readmeExamples([join(root, "README.md"), join(project, "node_modules", "edgetext", "README.md")]);
  for (const { file, source } of examples) writeFileSync(join(dir, file), source);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2022", "dom"], types: [] },
    include: ["*.mts"],
  }, null, 2));
  cpSync(join(here, "typed-worker.ts"), join(dir, "worker", "index.ts"));
  writeFileSync(join(dir, "worker", "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, module: "esnext", moduleResolution: "bundler", customConditions: ["workerd"], target: "es2022",
      lib: ["es2022"], types: ["@cloudflare/workers-types"],
    },
    include: ["index.ts"],
  }, null, 2));
  const results = [];
  for (const [name, cwd] of [[`tsc --strict over ${examples.length} README examples`, dir], ["tsc --strict: the worker as ExportedHandler<Env>", join(dir, "worker")]]) {
    try {
      await exec(bin("tsc"), ["-p", "tsconfig.json"], { cwd });
      results.push({ name, ok: true });
    } catch (err) {
      results.push({ name, ok: false, error: err.message });
    }
  }
  return results;
}

async function attw() {
  // Every entry and condition resolved as node10, node16 (CJS and ESM) and bundler would.
  // edgetext/web, /worker and /inline are ESM only by design (a require() of them is
  // Node's require(esm)); "edgetext" itself is both. The .wasm is no module to type.
  try {
    await exec(bin("attw"), [join(work, tarball), "--format", "table-flipped", "--ignore-rules", "cjs-resolves-to-esm", "--exclude-entrypoints", "./edgetext_bg.wasm"], { cwd: work });
    return [{ name: "arethetypeswrong: no problem", ok: true }];
  } catch (err) {
    return [{ name: "arethetypeswrong", ok: false, error: err.message }];
  }
}

const targets = {
  "node import": node("app.mjs", "node import"),
  "node require": node("app.cjs", "node require"),
  "deno, no flags": () => deno(true),
  "deno --allow-net=127.0.0.1": () => deno(false),
  "deno, npm:edgetext from a registry": denoNpm,
  "bun run": async () => lastJson(await exec(bin("bun"), ["app.mjs", "bun run", emulator.url], { cwd: project })),
  "bun require": async () => lastJson(await exec(bin("bun"), ["app.cjs", "bun require", emulator.url], { cwd: project })),
  "bun build, run elsewhere": bunBuild,
  "vite build in chromium": vite,
  "vite build, a page that only sends: one wasm until first use": viteSendOnly,
  "vite dev server in chromium": viteDev,
  "webpack in chromium": webpack,
  "esbuild browser in chromium": esbuildBrowser,
  "esbuild browser, import \"edgetext\": the error names the fix": esbuildBrowserNoAsset,
  "edgetext/web, the .wasm not served: the error names the fix": webNoWasm,
  "esbuild node esm, run elsewhere": esbuildNode("app.mjs", "esm", "esbuild node esm"),
  "esbuild node cjs (import), run elsewhere": esbuildNode("app.mjs", "cjs", "esbuild node cjs import"),
  "esbuild node cjs (require), run elsewhere": esbuildNode("app.cjs", "cjs", "esbuild node cjs require"),
  "vercel edge-runtime": vercelEdge,
  "next.js edge sandbox (module from another realm)": nextEdgeSandbox,
  "next.js build and start (edge route)": nextApp,
  "workerd (wrangler, miniflare)": workerd,
  "types": types,
  "arethetypeswrong": attw,
};

// Two at a time: the machine is shared, and the bundlers are the slow part.
const names = Object.keys(targets).filter((n) => !only || only.some((o) => n.includes(o)));
const outcome = {};
// The Next.js build takes longest: it starts first, and the other lane runs the rest meanwhile.
const longest = (n) => n === "next.js build and start (edge route)";
const queue = [...names.filter(longest), ...names.filter((n) => !longest(n))];
await Promise.all([0, 1].map(async () => {
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const t0 = Date.now();
    try {
      outcome[name] = { results: await targets[name]() };
    } catch (err) {
      outcome[name] = { results: [{ name: "run", ok: false, error: String(err?.stack ?? err) }] };
    }
    outcome[name].seconds = ((Date.now() - t0) / 1000).toFixed(1);
  }
}));
await browserPromise?.then((b) => b.close());
await emulator.close();

let passed = 0;
let failed = 0;
for (const name of names) {
  const { results, seconds } = outcome[name];
  const bad = results.filter((r) => !r.ok);
  if (results.length === 0) bad.push({ name: "run", error: "no check ran" });
  passed += results.length - bad.length;
  failed += bad.length;
  console.log(`${bad.length ? "FAIL" : "ok  "} ${name}: ${results.length - bad.length}/${results.length} checks (${seconds} s)`);
  if (verbose) for (const r of results) if (r.ok) console.log(`     ok ${r.name}`);
  for (const r of bad) console.log(`     FAIL ${r.name}: ${String(r.error).split("\n").slice(0, 20).join("\n       ")}`);
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
if (sizes.length) {
  console.log("emitted by each bundler (raw / gzip -9):");
  for (const s of sizes) {
    console.log(`     ${s.name}: JS ${kib(s.js)} / ${kib(s.jsGzip)}, wasm ${kib(s.wasm)} / ${kib(s.wasmGzip)}, total gzip ${kib(s.jsGzip + s.wasmGzip)}`);
  }
}
if (failed === 0) rmSync(work, { recursive: true, force: true });
else console.log(`the projects are kept in ${work}`);
console.log(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`runtimes: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
