// The demo worker: edgetext/worker as users deploy it (webhooks, D1, /v1
// reads), composed through its `fallback` option with the routes only the
// demo has:
//   /sandbox/{textlink|teklink|relay|klink}/...  the provider sandbox (sandbox.mjs)
//   /sandbox/__emulator/...                      its control routes (messages, inbound replies): token only
//   /proxy/{provider}/...                        the page's provider base URL: the key is added here; token only
//   /proxy/worker/v1/...                         the page's statusUrl: the reader token is added here; token only
//   /demo/config                                 which providers are sandboxed, and their non-secret fields
//   /demo/app-server/check                       what an app's server does with an OTP assertion (verifyOtpAssertion)
// and /v1/otp/send, /v1/otp/verify (edgetext/worker's one-time codes), which
// send their codes as relay messages through the sandbox (otpClient below).
// Everything else (the page) is served from www/ as static assets.
//
// "Token only": the request carries this start's DEMO_TOKEN (made by
// scripts/demo.mjs, handed to the page in the URL's fragment) in the
// X-Demo-Token header. Nothing here trusts the Host: a reverse proxy rewrites
// it. A real provider's key is further kept from any request a proxy relayed
// (PROXY_HEADERS), token or not.
import { createWorker } from "../../pkg/worker.mjs";
import { Client, EdgetextError, verifyOtpAssertion } from "../../pkg/workerd.mjs";
import { DEFAULT_KEYS } from "../../sandbox/emulator.mjs";

export const PROVIDERS = ["textlink", "teklink", "relay", "klink"];
/** A recipient whose last digit is this fails in the sandbox ("Carrier rejected the message"). */
export const FAIL_DIGIT = "9";
const MAX_BODY = 64 * 1024;
// The provider documents' base URLs; the relay is self-hosted and has none.
const DOCUMENTED_BASE = { textlink: "https://textlinksms.com", teklink: "https://sms.theteklink.com", relay: null, klink: "https://apigw.klinkcx.com" };
const SANDBOX_FIELDS = { textlink: {}, teklink: { channelId: "6465550100" }, relay: { phoneId: "phone_main" }, klink: {} };
const TOKEN_HEADER = "x-demo-token";
/** Below this, DEMO_TOKEN counts as unset: scripts/demo.mjs makes 43 characters (256 bits). */
const MIN_TOKEN_CHARS = 22;
/** Headers a reverse proxy, a tunnel or a CDN adds to what it relays, as their names are usually written. */
const PROXY_HEADERS = ["Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP", "Via"];

const json = (status, value, headers = {}) =>
  new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
const fail = (status, error, headers) => json(status, { ok: false, error }, headers);

export const sandboxStub = (env) => env.SANDBOX.get(env.SANDBOX.idFromName("sandbox"));

/**
 * A real provider for `name` when its key is set as a secret
 * (TEXTLINK_API_KEY, TEKLINK_API_KEY + TEKLINK_CHANNEL_ID, RELAY_API_KEY +
 * RELAY_BASE_URL + RELAY_PHONE_ID, KLINK_API_KEY; *_BASE_URL overrides the
 * documented one), else null: the sandbox answers.
 */
function realProvider(env, name) {
  const up = name.toUpperCase();
  const apiKey = env[`${up}_API_KEY`];
  if (!apiKey) return null;
  const baseUrl = (env[`${up}_BASE_URL`] || DOCUMENTED_BASE[name] || "").replace(/\/+$/, "");
  const fields = {};
  if (name === "teklink") fields.channelId = env.TEKLINK_CHANNEL_ID || "";
  if (name === "relay") fields.phoneId = env.RELAY_PHONE_ID || "";
  const missing = [!baseUrl && `${up}_BASE_URL`, ...Object.entries(fields).filter(([, v]) => !v).map(([k]) => (k === "channelId" ? "TEKLINK_CHANNEL_ID" : "RELAY_PHONE_ID"))].filter(Boolean);
  return { apiKey, baseUrl, fields, missing };
}

const sha256 = (text) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));

/**
 * Whether the request carries this start's DEMO_TOKEN. Both sides are hashed
 * and the digests compared with timingSafeEqual, so the time taken says
 * nothing about the token, not even its length.
 */
async function hasToken(request, env) {
  const want = env.DEMO_TOKEN;
  const got = request.headers.get(TOKEN_HEADER);
  if (typeof want !== "string" || want.length < MIN_TOKEN_CHARS || got === null) return false;
  const [a, b] = await Promise.all([sha256(want), sha256(got)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** Why a request without the token is refused (never echoing what it sent). */
const tokenRefusal = (env) =>
  typeof env.DEMO_TOKEN === "string" && env.DEMO_TOKEN.length >= MIN_TOKEN_CHARS
    ? "this route needs the demo's token in the X-Demo-Token header: open the page through the link `make demo` printed (…/#token=…)"
    : "DEMO_TOKEN is not set: start the demo with `make demo` (scripts/demo.mjs), which makes one at each start";

/** The first header of a proxy's that the request carries, or null. */
const relayedBy = (request) => PROXY_HEADERS.find((name) => request.headers.has(name)) ?? null;

/** Why a real key is refused to this request (`tokenOk`: it carries the token), or null when it may be used. */
function realRefusal(request, env, name, tokenOk) {
  if (!tokenOk) return tokenRefusal(env);
  const header = relayedBy(request);
  if (header) {
    return `${name} is set to a real provider, and this request carries ${header}, so a proxy relayed it: ` +
      "a real key answers only requests made straight to this machine (open the page at http://127.0.0.1, not through a proxy or tunnel)";
  }
  return null;
}

/**
 * A request a page of another site made (a form post, a `no-cors` fetch):
 * Sec-Fetch-Site says so or, from a browser that sends none, its Origin is
 * another origin. Such a request never reaches the proxy or the sandbox's
 * controls. Sec-Fetch-Site decides when present: behind a proxy that rewrites
 * the Host, the page's own Origin differs from the URL this worker sees.
 */
function crossSite(request, url) {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site !== "same-origin" && site !== "none";
  const origin = request.headers.get("origin");
  return origin !== null && origin !== url.origin;
}

/**
 * `/proxy/{target}/{rest}` parsed: the target and the rest rebuilt from its
 * segments, or null when a segment is empty, a dot segment or an encoded
 * slash (which would shift the upstream path or its host).
 */
function proxyRoute(url) {
  const [, first, target, ...rest] = url.pathname.split("/");
  if (first !== "proxy" || !target) return null;
  if (rest.some((s) => s === "" || /^(\.|%2e){1,2}$/i.test(s) || /%2f|%5c|\\/i.test(s))) return null;
  return { target, path: `/${rest.join("/")}` };
}

async function pageConfig(request, env) {
  const providers = {};
  const tokenOk = await hasToken(request, env);
  for (const name of PROVIDERS) {
    const real = realProvider(env, name);
    const refused = real ? realRefusal(request, env, name, tokenOk) : null;
    providers[name] = real
      ? { mode: "provider", fields: real.fields, missing: real.missing, allowed: refused === null, refused }
      : { mode: "sandbox", fields: SANDBOX_FIELDS[name], missing: [], allowed: true, refused: null };
  }
  return { providers, failDigit: FAIL_DIGIT, proxy: "/proxy", statusPath: "/proxy/worker", sandbox: "/sandbox" };
}

/** Reads at most MAX_BODY bytes of a request body; null when it is larger. */
async function readBody(request) {
  if (request.method === "GET" || request.method === "HEAD") return undefined;
  if (Number(request.headers.get("content-length")) > MAX_BODY) return null;
  const body = await request.arrayBuffer();
  return body.byteLength > MAX_BODY ? null : body;
}

const PASS_BACK = ["content-type", "retry-after", "allow"];

/** A /proxy request, once its token has been checked. */
async function proxy(request, env, url, { target, path }) {
  if (target === "worker") {
    // The page's statusUrl: the worker's own /v1 reads, with the reader token added here.
    if (!path.startsWith("/v1/")) return fail(404, "only the worker's /v1/ reads are proxied");
    if (request.method !== "GET") return fail(405, "use GET", { allow: "GET" });
    const inner = new Request(new URL(path + url.search, url.origin), {
      headers: { authorization: `Bearer ${env.EDGETEXT_API_TOKEN ?? ""}`, accept: "application/json" },
    });
    return demo.fetch(inner, env, {});
  }
  if (!PROVIDERS.includes(target)) return fail(404, `unknown provider ${target}: use textlink, teklink, relay or klink`);
  const real = realProvider(env, target);
  const refused = real && realRefusal(request, env, target, true);
  if (refused) return fail(403, refused);
  if (real?.missing.length) return fail(400, `${target} is set to a real provider but ${real.missing.join(" and ")} is not set`);
  const body = await readBody(request);
  if (body === null) return fail(413, "body is larger than 64 KiB");
  // Only what an API call needs goes on; whatever the page sent as a key is dropped.
  const headers = new Headers();
  for (const name of ["content-type", "accept"]) if (request.headers.has(name)) headers.set(name, request.headers.get(name));
  headers.set("authorization", `Bearer ${real ? real.apiKey : DEFAULT_KEYS[target]}`);
  const init = { method: request.method, headers, body };
  let upstream;
  if (real) {
    // The base URL's host and path stay as configured; only the parsed segments are appended.
    const to = new URL(real.baseUrl);
    to.pathname = to.pathname.replace(/\/$/, "") + path;
    to.search = url.search;
    try {
      upstream = await fetch(to, init);
    } catch {
      return fail(502, `${target} could not be reached`);
    }
  } else {
    upstream = await sandboxStub(env).fetch(new Request(new URL(`/sandbox/${target}${path}${url.search}`, url.origin), init));
  }
  const out = new Headers({ "cache-control": "no-store" });
  for (const name of PASS_BACK) if (upstream.headers.has(name)) out.set(name, upstream.headers.get(name));
  return new Response(upstream.body, { status: upstream.status, headers: out });
}

async function fallback(request, env) {
  const url = new URL(request.url);
  const first = url.pathname.split("/")[1];
  if (first === "sandbox") {
    if (url.pathname.startsWith("/sandbox/__emulator")) {
      // The sandbox's controls (its message log, inbound replies, faults): the page with the token only.
      if (crossSite(request, url)) return fail(403, "cross-site requests are refused");
      if (!(await hasToken(request, env))) return fail(403, tokenRefusal(env));
    }
    return sandboxStub(env).fetch(request);
  }
  if (first === "proxy") {
    if (crossSite(request, url)) return fail(403, "cross-site requests are refused");
    if (!(await hasToken(request, env))) return fail(403, tokenRefusal(env));
    const route = proxyRoute(url);
    if (!route) return fail(400, "malformed proxy path: use /proxy/{provider}/{path} without empty or dot segments");
    return proxy(request, env, url, route);
  }
  if (url.pathname === "/demo/config") {
    if (request.method !== "GET") return fail(405, "use GET", { allow: "GET" });
    return json(200, await pageConfig(request, env));
  }
  if (url.pathname === "/demo/app-server/check") {
    if (request.method !== "POST") return fail(405, "use POST", { allow: "POST" });
    let body;
    try {
      body = await request.json();
    } catch {
      return fail(400, "the body must be JSON");
    }
    try {
      return json(200, { ok: true, ...verifyOtpAssertion(String(body?.assertion ?? ""), { secret: env.OTP_SECRET, to: String(body?.to ?? "") }) });
    } catch (err) {
      if (err instanceof EdgetextError) return json(400, { ok: false, error: err.code, message: err.message });
      throw err;
    }
  }
  return fail(404, "not found");
}

/**
 * The client the worker's /v1/otp routes send codes with: the sandbox's relay,
 * reached in-process through its Durable Object (a worker cannot fetch itself).
 */
function otpClient(env) {
  const config = { provider: "relay", apiKey: DEFAULT_KEYS.relay, baseUrl: "http://127.0.0.1:8787/sandbox/relay", phoneId: SANDBOX_FIELDS.relay.phoneId };
  return new Client(config, { fetch: (url, init) => sandboxStub(env).fetch(new Request(url, init)) });
}

const demo = createWorker({ fallback, otp: { client: otpClient } });
export default demo;
