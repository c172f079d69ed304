// Starts the demo: the worker of worker/demo/ under `wrangler dev` on
// 127.0.0.1 with the provider sandbox, the page of www/ and local D1.
//   node scripts/demo.mjs [--port 8787] [--persist-to DIR]   (make demo: also sets up and builds)
//   const demo = await startDemo({ port, persistTo, vars }); … await demo.stop();
// The page imports edgetext/web from the built package: pkg/'s web files are
// copied into www/vendor/edgetext/ (not committed) before the worker starts.
//
// Each start makes the demo's secrets afresh (demoSecrets below): the page's
// token, OTP_SECRET, the reader token and the webhook secrets. wrangler reads
// them from a file in a private temporary folder (mode 0600, removed on
// stop), never from the command line (which `ps` shows) or the repository.
import { spawn, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseEnv } from "node:util";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const config = join(root, "worker", "demo", "wrangler.toml");
/** Where a user keeps provider keys and fixed webhook secrets for the demo (git-ignored). */
export const userDevVars = join(root, "worker", "demo", ".dev.vars");
/** The header the page sends its token in (worker/demo/app.mjs checks it). */
export const TOKEN_HEADER = "x-demo-token";
const wrangler = join(root, "node_modules", ".bin", "wrangler");
// No Request.cf download: the demo runs offline. The worker's variables come
// from --env-file alone: never the shell's environment.
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true",
  CLOUDFLARE_INCLUDE_PROCESS_ENV: "false",
  NO_COLOR: "1",
  CI: "1",
};
const VENDOR_FILES = ["web.mjs", "web.d.ts", "api.mjs", "api-tools.mjs", "errors.mjs", "fetch-wasm.mjs", "web", "full"];
// Made afresh at every start, whatever worker/demo/.dev.vars says: what
// opens the real keys and the sandbox's controls, and what signs OTP assertions.
const PER_START = ["DEMO_TOKEN", "OTP_SECRET"];
// Made at every start unless worker/demo/.dev.vars sets them: real providers'
// webhooks need the secrets set in their consoles, which do not change per start.
const OVERRIDABLE = ["EDGETEXT_API_TOKEN", "TEXTLINK_WEBHOOK_SECRET", "TEKLINK_WEBHOOK_SECRET", "RELAY_CALLBACK_TOKEN", "KLINK_WEBHOOK_SECRET"];

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

/** The demo's secrets for one start: 256 random bits each, base64url (no character an env file or a URL path treats specially). */
export function demoSecrets() {
  return Object.fromEntries([...PER_START, ...OVERRIDABLE].map((name) => [name, randomBytes(32).toString("base64url")]));
}

/**
 * An env file's text for wrangler's --env-file, which reads it with dotenv
 * and then expands `$NAME` (dotenv-expand): each value is quoted with a quote
 * it does not hold and its `$` escaped, so that it arrives byte for byte.
 */
function envFile(values) {
  return Object.entries(values)
    .map(([name, raw]) => {
      const value = String(raw);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`demo: ${name} is not a variable name`);
      const quote = ["'", "`", '"'].find((q) => !value.includes(q));
      if (/[\n\r]/.test(value) || !quote) throw new Error(`demo: the value of ${name} holds a line break or every quote, which an env file cannot carry`);
      return `${name}=${quote}${value.replaceAll("$", "\\$")}${quote}\n`;
    })
    .join("");
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
 * bindings (for example a provider's API key); `devVars` is the user's
 * .dev.vars (null: none). Resolves to { url, pageUrl, token, secrets,
 * fromDevVars, envDir, child, stop }: `pageUrl` opens the page with this
 * start's token, `secrets` are the values made for this start, `fromDevVars`
 * the names the user's file set instead.
 */
export async function startDemo({ port = 8787, persistTo = join(root, "worker", "demo", ".wrangler", "state"), vars = {}, devVars = userDevVars, output = "ignore", timeoutMs = 90_000 } = {}) {
  vendor();
  execFileSync(wrangler, ["d1", "migrations", "apply", "edgetext-demo", "--local", "--config", config, "--persist-to", persistTo], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const secrets = demoSecrets();
  const user = devVars && existsSync(devVars) ? parseEnv(readFileSync(devVars, "utf8")) : {};
  const fromDevVars = OVERRIDABLE.filter((name) => name in user);
  const pick = (names) => Object.fromEntries(names.map((name) => [name, secrets[name]]));
  // Later wins: the overridable secrets, the user's file, then what is made per start and the caller's vars.
  const envDir = mkdtempSync(join(tmpdir(), "edgetext-demo-"));
  const envPath = join(envDir, "vars.env");
  writeFileSync(envPath, envFile({ ...pick(OVERRIDABLE), ...user, ...pick(PER_START), ...vars }), { mode: 0o600 });
  const args = ["dev", "--config", config, "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(await freePort()),
    "--persist-to", persistTo, "--show-interactive-dev-session=false", "--log-level", "warn", "--env-file", envPath];
  const child = spawn(wrangler, args, { env, stdio: ["ignore", output, output], detached: true });
  let exited = null;
  child.once("exit", (code, signal) => {
    exited = { code, signal };
    rmSync(envDir, { recursive: true, force: true });
  });
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
  const token = secrets.DEMO_TOKEN;
  // The token rides in the fragment, which the browser never sends: no request, log or Referer carries it.
  return { url, pageUrl: `${url}/#token=${token}`, token, secrets, fromDevVars, envDir, child, stop };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const port = Number(arg("port") ?? process.env.DEMO_PORT ?? 8787);
  const persistTo = arg("persist-to");
  const started = Date.now();
  const demo = await startDemo({ port, output: "inherit", ...(persistTo ? { persistTo } : {}) });
  const reader = demo.fromDevVars.includes("EDGETEXT_API_TOKEN") ? "yours, from worker/demo/.dev.vars" : demo.secrets.EDGETEXT_API_TOKEN;
  console.log(`\nedgetext demo is up (${((Date.now() - started) / 1000).toFixed(1)} s). Open the page with this start's token:\n`);
  console.log(`  page      ${demo.pageUrl}`);
  console.log(`  sandbox   ${demo.url}/sandbox/{textlink,teklink,relay,klink}   keys test-textlink-key, test-teklink-key, …`);
  console.log(`  controls  ${demo.url}/sandbox/__emulator/…                     header X-Demo-Token: ${demo.token}`);
  console.log(`  webhooks  ${demo.url}/webhooks/{provider}                      reads ${demo.url}/v1/… with Authorization: Bearer ${reader}`);
  console.log(`\nFor examples/sandbox.mjs and your own scripts (valid until this demo stops):\n`);
  console.log(`  export DEMO_TOKEN=${demo.token} EDGETEXT_API_TOKEN=${demo.fromDevVars.includes("EDGETEXT_API_TOKEN") ? "…" : reader}`);
  console.log("\nEach start makes a new token and new secrets. Ctrl-C stops it.");
  // A second Ctrl-C (or a signal sent to the whole group) must not kill this
  // process before wrangler is stopped and the secrets' file removed.
  let stopping = null;
  const shutdown = () => (stopping ??= demo.stop().then(() => process.exit(0)));
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, shutdown);
  demo.child.once("exit", (code) => process.exit(code ?? 1));
}
