// Starts the demo: the worker of worker/demo/ under `wrangler dev` on
// 127.0.0.1 with the provider sandbox, the page of www/ and local D1.
//   node scripts/demo.mjs [--port 8787]      (make demo: also sets up and builds)
//   const demo = await startDemo({ port, persistTo, vars }); … await demo.stop();
// The page imports edgetext/web from the built package: pkg/'s web files are
// copied into www/vendor/edgetext/ (not committed) before the worker starts.
import { spawn, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const config = join(root, "worker", "demo", "wrangler.toml");
const wrangler = join(root, "node_modules", ".bin", "wrangler");
// No Request.cf download: the demo runs offline.
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1", CI: "1" };
const VENDOR_FILES = ["web.mjs", "web.d.ts", "api.mjs", "errors.mjs", "fetch-wasm.mjs", "web"];

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Copies the built package's edgetext/web files to where the page imports them. */
export function vendor() {
  const pkg = join(root, "pkg");
  if (!existsSync(join(pkg, "web.mjs"))) throw new Error("demo: pkg/ is not built; run `make build` (or `node scripts/build.mjs`) first");
  // Copied beside, then swapped in: a demo already running misses the files only for a moment.
  const dest = join(root, "www", "vendor", "edgetext");
  const next = `${dest}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  for (const f of VENDOR_FILES) cpSync(join(pkg, f), join(next, f), { recursive: true });
  rmSync(dest, { recursive: true, force: true });
  renameSync(next, dest);
}

/**
 * Starts the demo worker; resolves once it answers. `vars` are extra
 * bindings (for example a provider's API key) given to wrangler with --var.
 */
export async function startDemo({ port = 8787, persistTo = join(root, "worker", "demo", ".wrangler", "state"), vars = {}, output = "ignore", timeoutMs = 90_000 } = {}) {
  vendor();
  execFileSync(wrangler, ["d1", "migrations", "apply", "edgetext-demo", "--local", "--config", config, "--persist-to", persistTo], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const args = ["dev", "--config", config, "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(await freePort()),
    "--persist-to", persistTo, "--show-interactive-dev-session=false", "--log-level", "warn"];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const child = spawn(wrangler, args, { env, stdio: ["ignore", output, output], detached: true });
  let exited = null;
  child.once("exit", (code, signal) => (exited = { code, signal }));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid, "SIGTERM"); // wrangler and the workerd it started
    } catch {}
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, 5000);
    await gone;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`demo: wrangler dev exited (${exited.code ?? exited.signal}) before answering`);
    try {
      const res = await fetch(`${url}/demo/config`);
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`demo: no answer from ${url} within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child, stop };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf("--port");
  const port = Number(i > 0 ? process.argv[i + 1] : process.env.DEMO_PORT ?? 8787);
  const started = Date.now();
  const demo = await startDemo({ port, output: "inherit" });
  console.log(`\nedgetext demo is up (${((Date.now() - started) / 1000).toFixed(1)} s):\n`);
  console.log(`  page      ${demo.url}/`);
  console.log(`  sandbox   ${demo.url}/sandbox/{textlink,teklink,relay,klink}   keys test-textlink-key, test-teklink-key, …`);
  console.log(`  webhooks  ${demo.url}/webhooks/{provider}                      reads ${demo.url}/v1/…`);
  console.log("\nCtrl-C stops it.");
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => demo.stop().then(() => process.exit(0)));
  demo.child.once("exit", (code) => process.exit(code ?? 1));
}
