// The demo page in headless Chromium (playwright-core, Debian's chromium)
// against the real demo worker under `wrangler dev`: sends on each provider,
// verifies codes, watches statuses arrive by webhook, replies from the
// simulated phone, shows errors, never holds a key, fits 360 px, logs no
// console errors. Screenshots go to test-output/demo/. The demo is started
// as `make demo` starts it (scripts/demo.sh), and every page is opened with
// the URL it printed, which carries this start's token.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startDemo, freePort, root, TOKEN_HEADER } from "../../scripts/demo.mjs";
import { startEmulator } from "../../sandbox/server.mjs";
import { rawRequest } from "./http.mjs";
import { DEFAULT_KEYS } from "../../sandbox/emulator.mjs";

const shots = join(root, "test-output", "demo");
const state = (name) => {
  const dir = join(shots, `state-${name}`);
  rmSync(dir, { recursive: true, force: true });
  return dir;
};
const PROVIDERS = ["textlink", "teklink", "relay", "klink"];
const SANDBOX_KEYS = Object.values(DEFAULT_KEYS);
let demo;
let browser;
const problems = []; // console errors, page errors, failed requests, across every page

/**
 * `make demo`'s start (scripts/demo.sh) on a free port: what it printed
 * (the page's URL, with the token; the exported tokens) and how to stop it.
 */
async function startPrinted(persistTo) {
  const port = await freePort();
  const child = spawn(join(root, "scripts", "demo.sh"), ["--port", String(port), "--persist-to", persistTo], { stdio: ["ignore", "pipe", "pipe"] });
  let printed = "";
  child.stdout.on("data", (c) => (printed += c));
  child.stderr.on("data", (c) => (printed += c));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 120_000;
  while (!/Ctrl-C stops it/.test(printed)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGTERM");
      assert.fail(`make demo did not come up:\n${printed}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };
  const pageUrl = /^ {2}page +(\S+)$/m.exec(printed)?.[1];
  if (!pageUrl) {
    await stop();
    assert.fail(`make demo printed no page URL:\n${printed}`);
  }
  const exported = Object.fromEntries([...(/^ {2}export (.+)$/m.exec(printed)?.[1] ?? "").matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
  return { printed, pageUrl, url: new URL(pageUrl).origin, token: exported.DEMO_TOKEN, readerToken: exported.EDGETEXT_API_TOKEN, stop };
}
const withToken = (headers = {}) => ({ [TOKEN_HEADER]: demo.token, ...headers });

before(async () => {
  mkdirSync(shots, { recursive: true });
  demo = await startPrinted(state("page"));
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--headless"] });
});
after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** A page on the demo that records problems and every request it makes. */
async function open(viewport, url = demo.pageUrl) {
  const page = await browser.newPage({ viewport });
  page.sent = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => {
    // Leaving a page aborts what it still had in flight (its polls): expected while a test navigates.
    if (page.navigating && r.failure()?.errorText === "net::ERR_ABORTED") return;
    problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("request", (r) => page.sent.push({ url: r.url(), headers: r.headers(), body: r.postData() ?? "" }));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
  return page;
}

const card = (page, provider, text) => page.locator(`#messages > li[data-provider=${provider}]`, { hasText: text });

/** Waits until the message card has heard (by webhook or status read) one of `statuses`. */
async function waitHeard(page, provider, text, statuses, timeout = 15_000) {
  const item = card(page, provider, text);
  await item.waitFor({ timeout: 5_000 });
  const deadline = Date.now() + timeout;
  for (;;) {
    const heard = ((await item.getAttribute("data-heard")) ?? "").split(" ");
    const hit = statuses.find((s) => heard.includes(s));
    if (hit) return { hit, item };
    if (Date.now() > deadline) assert.fail(`${provider} "${text}": heard [${heard}], wanted one of ${statuses}`);
    await page.waitForTimeout(250);
  }
}

async function send(page, provider, to, text) {
  await page.check(`input[name=provider][value=${provider}]`);
  if (to !== undefined) await page.fill("#to", to);
  await page.fill("#text", text);
  await page.click("#send");
}

async function codeOnPhone(page, already) {
  for (let i = 0; i < 40; i++) {
    const codes = [...(await page.locator("#phone").innerText()).matchAll(/code is (\d{4,10})/g)].map((m) => m[1]);
    const fresh = codes.filter((c) => !already.includes(c));
    if (fresh.length) return fresh.at(-1);
    await page.waitForTimeout(250);
  }
  assert.fail("no code arrived on the simulated phone");
}

test("desktop: send on every provider, statuses arrive by webhook", async () => {
  const page = await open({ width: 1280, height: 900 });
  for (const provider of PROVIDERS) {
    const text = `Hello over ${provider}`;
    await send(page, provider, undefined, text);
    await card(page, provider, text).waitFor({ timeout: 10_000 });
  }
  // Each provider reports its own stages: teklink by webhook to delivered,
  // the relay's delivered_at through client.status(), textlink and klink "sent".
  const wanted = { textlink: ["sent"], teklink: ["delivered"], relay: ["delivered"], klink: ["sent"] };
  for (const provider of PROVIDERS) await waitHeard(page, provider, `Hello over ${provider}`, wanted[provider]);
  assert.equal(await card(page, "teklink", "Hello over teklink").getAttribute("data-status"), "delivered");
  const timeline = await card(page, "teklink", "Hello over teklink").locator(".timeline li.reached").allInnerTexts();
  assert.deepEqual(timeline.map((t) => t.split(" ")[0]), ["queued", "sending", "sent", "delivered"]);
  await page.screenshot({ path: join(shots, "desktop-sent.png"), fullPage: true });
  await page.close();
});

test("desktop: a number ending in 9 fails with the carrier's reason; a bad number is a clear error", async () => {
  const page = await open({ width: 1280, height: 900 });
  await send(page, "textlink", "+1 212 555 0199", "This one fails");
  const { item } = await waitHeard(page, "textlink", "This one fails", ["failed"]);
  assert.match(await item.innerText(), /Carrier rejected the message/);
  assert.equal(await item.getAttribute("data-status"), "failed");

  await send(page, "textlink", "12", "to nowhere");
  const error = page.locator("#error");
  await error.waitFor({ state: "visible", timeout: 5_000 });
  assert.match(await error.innerText(), /invalid_phone/);
  assert.equal(await error.getAttribute("role"), "alert");
  assert.equal(await card(page, "textlink", "to nowhere").count(), 0, "nothing was sent");
  await page.screenshot({ path: join(shots, "desktop-error.png"), fullPage: true });

  await send(page, "klink", "not-a-contact", "to nowhere");
  await page.waitForFunction(() => /invalid_input/.test(document.getElementById("error").textContent));
  assert.match(await error.innerText(), /contactId/);
  // The next success clears it.
  await send(page, "textlink", "+1 212 555 0123", "after the error");
  await error.waitFor({ state: "hidden", timeout: 5_000 });
  await page.close();
});

test("desktop: send a code and verify it (TextLink checks it; the worker checks the relay's and the app server its assertion)", async () => {
  const page = await open({ width: 1280, height: 900 });
  for (const provider of ["textlink", "relay"]) {
    await page.check(`input[name=provider][value=${provider}]`);
    await page.fill("#to", "+1 212 555 0142");
    const before = [...(await page.locator("#phone").innerText()).matchAll(/code is (\d+)/g)].map((m) => m[1]);
    await page.click("#send-code");
    await page.waitForFunction(() => /Code sent to/.test(document.getElementById("ticket").textContent));
    const code = await codeOnPhone(page, before);
    // A wrong code first (TextLink's codes are single-use: its right code must come after).
    await page.fill("#code", code === "000000" ? "111111" : "000000");
    await page.click("#verify");
    await page.waitForFunction(() => /Not valid/.test(document.getElementById("verdict").textContent));
    if (provider === "textlink") {
      await page.click("#send-code");
      await page.waitForFunction(() => /Code sent to/.test(document.getElementById("ticket").textContent));
      const again = await codeOnPhone(page, [...before, code]);
      await page.fill("#code", again);
    } else {
      await page.fill("#code", code);
    }
    await page.click("#verify");
    await page.waitForFunction(() => /^Valid/.test(document.getElementById("verdict").textContent));
    if (provider === "relay") assert.match(await page.locator("#verdict").innerText(), /app's server checked its assertion for \+12125550142/);
  }
  await page.screenshot({ path: join(shots, "desktop-code.png"), fullPage: true });
  await page.close();
});

/** Messages the sandbox took with `text`, per provider. */
async function taken(text) {
  const all = await (await fetch(`${demo.url}/sandbox/__emulator/messages`, { headers: withToken() })).json();
  return Object.fromEntries(Object.entries(all).map(([p, list]) => [p, list.filter((m) => m.direction === "outbound" && m.text === text).length]));
}

test("desktop: failover goes to the relay after TextLink's 503, never after its 500; the request log shows each attempt", async () => {
  const earlier = problems.length;
  const page = await open({ width: 1280, height: 900 });
  await page.check("input[name=provider][value=failover]");
  assert.equal(await page.locator("#fault-box").isVisible(), true);
  assert.equal(await page.locator("#code-card").isHidden(), true);
  await page.selectOption("#fault", "503_before");
  await send(page, "failover", "+1 212 555 0160", "Failover once");
  const item = card(page, "relay", "Failover once");
  await item.waitFor({ timeout: 10_000 });
  assert.equal(await item.getAttribute("data-attempts"), "textlink:provider_unavailable relay:ok");
  assert.match(await item.innerText(), /Failover attempts: TextLink: provider_unavailable → Phone Relay: took it/);
  assert.deepEqual(await taken("Failover once"), { textlink: 0, teklink: 0, relay: 1, klink: 0 }, "delivered once, by the relay");
  // Newest first; the relay's status reads may already sit above these two.
  const rows = await page.locator("#request-log li").allInnerTexts();
  const first = rows.findIndex((r) => /textlink send #1 POST \/proxy\/textlink\/api\/send-sms → 503 provider_unavailable/.test(r));
  const second = rows.findIndex((r) => /relay send #1 POST \/proxy\/relay\/api\/v1\/messages → 202 ok/.test(r));
  assert.ok(second >= 0 && first === second + 1, rows.join("\n"));
  await waitHeard(page, "relay", "Failover once", ["delivered"]);
  await page.screenshot({ path: join(shots, "desktop-failover.png"), fullPage: true });

  await page.selectOption("#fault", "500_after");
  await send(page, "failover", undefined, "Failover unknown");
  const error = page.locator("#error");
  await page.waitForFunction(() => /outcome_unknown/.test(document.getElementById("error").textContent));
  assert.match(await error.innerText(), /Attempts: TextLink: outcome_unknown$/);
  assert.deepEqual(await taken("Failover unknown"), { textlink: 1, teklink: 0, relay: 0, klink: 0 }, "the relay received nothing");
  assert.ok((await page.locator("#request-log li").allInnerTexts()).some((r) => /textlink send #1 POST \S+ → 500 outcome_unknown/.test(r)), "the 500 in the log");
  const log = await page.locator("#request-log").innerText();
  assert.ok(!/Failover (once|unknown)/.test(log), "no message text in the request log");
  assert.ok(!SANDBOX_KEYS.some((k) => log.includes(k)), "no key in the request log");
  await page.screenshot({ path: join(shots, "desktop-failover-unknown.png"), fullPage: true });
  await page.close();
  // Chromium notes each error status in the console: here exactly the two faults set on purpose, and nothing else.
  assert.deepEqual(problems.splice(earlier), [
    "console: Failed to load resource: the server responded with a status of 503 (Service Unavailable)",
    "console: Failed to load resource: the server responded with a status of 500 (Internal Server Error)",
  ]);
});

test("desktop: a reply typed on the simulated phone arrives as an inbound event through each webhook", async () => {
  const page = await open({ width: 1280, height: 900 });
  for (const provider of PROVIDERS) {
    await page.check(`input[name=provider][value=${provider}]`);
    const text = `Reply via ${provider}`;
    await page.fill("#reply", text);
    await page.click("#send-reply");
    const item = page.locator(`#inbound > li[data-provider=${provider}]`, { hasText: text });
    await item.waitFor({ timeout: 10_000 });
    assert.match(await item.innerText(), /message\.received/);
  }
  assert.equal(await page.locator("#error").isHidden(), true);
  await page.screenshot({ path: join(shots, "desktop-inbound.png"), fullPage: true });
  await page.close();
});

test("live segment counter: encoding, count and characters left", async () => {
  const page = await open({ width: 1280, height: 900 });
  const counter = page.locator("#counter");
  await page.fill("#text", "Hello €");
  assert.equal(await counter.innerText(), "GSM-7 · 1 segment · 152 characters left in this segment");
  await page.fill("#text", "x".repeat(161));
  assert.equal(await counter.innerText(), "GSM-7 · 2 segments · 145 characters left in this segment");
  await page.fill("#text", "Привет 👋");
  assert.match(await counter.innerText(), /^UCS-2 · 1 segment · 61 characters left/); // 6 + 1 + 2 UTF-16 units of 70
  await page.close();
});

test("the page never holds a key: the worker adds the sandbox's", async () => {
  const page = await open({ width: 1280, height: 900 });
  await send(page, "relay", "+1 212 555 0177", "keyless");
  await card(page, "relay", "keyless").waitFor({ timeout: 10_000 });
  assert.match(await page.locator("#key-note").innerText(), /holds no API key/);
  const leaked = page.sent.filter((r) => SANDBOX_KEYS.some((k) => JSON.stringify(r).includes(k)));
  assert.deepEqual(leaked, [], "no request of the page carries a provider key");
  const auth = page.sent.filter((r) => r.url.includes("/proxy/relay/")).map((r) => r.headers.authorization);
  assert.ok(auth.length > 0 && auth.every((a) => a === "Bearer held-by-the-worker"), auth.join());
  // ... and the sandbox saw the relay's key, added by the worker.
  const log = await (await fetch(`${demo.url}/sandbox/__emulator/requests?provider=relay`, { headers: withToken() })).json();
  const mine = log.filter((r) => r.body?.text === "keyless");
  assert.equal(mine.length, 1);
  assert.equal(mine[0].headers.authorization, `Bearer ${DEFAULT_KEYS.relay}`);
  await page.close();
});

test("360 px wide: no sideways scrolling, every control labelled and reachable", async () => {
  const page = await open({ width: 360, height: 740 });
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 360, "no horizontal scroll");
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("input, textarea, button, output")]
      .filter((el) => !el.closest("[hidden]"))
      .filter((el) => {
        const name = el.labels?.length ? [...el.labels].map((l) => l.textContent.trim()).join(" ") : el.getAttribute("aria-label") || (el.tagName === "BUTTON" ? el.textContent.trim() : "");
        return el.tagName === "OUTPUT" ? !el.getAttribute("aria-live") : !name;
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unlabelled, []);
  for (const selector of ["#to", "#text", "#send", "#send-code", "#code", "#verify", "#reply", "#send-reply"]) {
    const box = await page.locator(selector).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `${selector} fits: ${JSON.stringify(box)}`);
  }
  assert.equal(await page.locator("h1").count(), 1);
  assert.deepEqual(await page.locator("main section h2").allInnerTexts(), ["Provider", "Send a message", "One-time code", "Messages sent", "Request log", "The recipient's phone (sandbox)", "Inbound events"]);
  await send(page, "teklink", "212 555 0111", "Small screen");
  await waitHeard(page, "teklink", "Small screen", ["delivered"]);
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 360, "still no horizontal scroll");
  await page.screenshot({ path: join(shots, "mobile-360.png"), fullPage: true });
  await page.close();
});

test("real-provider mode: the worker adds the key set as a secret; the page still holds none", async () => {
  // A "real" TextLink: the Node emulator with a key the page never sees.
  const key = "tl-live-0123456789abcdef";
  const provider = await startEmulator({ keys: { textlink: key } });
  const real = await startDemo({
    port: await freePort(),
    persistTo: state("real"),
    vars: { TEXTLINK_API_KEY: key, TEXTLINK_BASE_URL: `${provider.url}/textlink` },
  });
  try {
    const page = await open({ width: 1280, height: 900 }, real.pageUrl);
    assert.match(await page.locator("#mode").innerText(), /real provider.*TEXTLINK_API_KEY/);
    assert.equal(await page.locator("#phone-card").isHidden(), true, "no simulated phone for a real provider");
    await send(page, "textlink", "+1 212 555 0123", "through the real path");
    await card(page, "textlink", "through the real path").waitFor({ timeout: 10_000 });
    const got = await provider.emulator.requests({ provider: "textlink" });
    assert.equal(got.length, 1);
    assert.equal(got[0].headers.authorization, `Bearer ${key}`);
    assert.equal(page.sent.filter((r) => JSON.stringify(r).includes(key)).length, 0, "the key never reached the page");
    const config = await (await fetch(`${real.url}/demo/config`)).text();
    assert.ok(!config.includes(key), "nor the page's config");
    // Reached under another host name (as through a proxy), without the token, the real key is refused.
    const remote = await rawRequest(real.url, "POST", "/proxy/textlink/api/send-sms", { host: "demo.example.com", "content-type": "application/json" },
      JSON.stringify({ phone_number: "+12125550123", text: "from afar" }));
    assert.equal(remote.status, 403, remote.text);
    assert.match(remote.text, /X-Demo-Token/);
    assert.equal((await provider.emulator.requests({ provider: "textlink" })).length, 1, "nothing more reached the provider");
    // The others stay on the sandbox.
    await send(page, "klink", undefined, "still sandboxed");
    await waitHeard(page, "klink", "still sandboxed", ["sent"]);
    await page.screenshot({ path: join(shots, "desktop-real-provider.png"), fullPage: true });
    await page.close();
  } finally {
    await real.stop();
    await provider.close();
  }
});

test("the printed URL hands this tab the token: out of the address bar, in no URL or Referer, sent as X-Demo-Token to this origin's gated routes only", async () => {
  assert.match(demo.printed, /^ {2}page {6}http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/m);
  assert.equal(demo.pageUrl, `${demo.url}/#token=${demo.token}`);
  const page = await open({ width: 1280, height: 900 });
  assert.equal(page.url(), `${demo.url}/`, "the fragment is gone from the address bar");
  assert.equal(await page.evaluate(() => sessionStorage.getItem("edgetext-demo-token")), demo.token);
  assert.equal(await page.locator("#token-note").isHidden(), true);
  await send(page, "relay", "+1 212 555 0178", "token in a header");
  await waitHeard(page, "relay", "token in a header", ["delivered"]);
  await page.waitForFunction(() => /token in a header/.test(document.getElementById("phone").textContent));
  // Back, then forward: the history entry holds no token, and the tab's token still works.
  page.navigating = true;
  await page.goBack();
  await page.goForward();
  assert.equal(page.url(), `${demo.url}/`, "the history entry has no fragment");
  await page.waitForSelector("body[data-ready=true]");
  page.navigating = false;
  await send(page, "klink", undefined, "after a reload");
  await waitHeard(page, "klink", "after a reload", ["sent"]);
  assert.equal(page.url(), `${demo.url}/`);
  for (const r of page.sent) {
    assert.ok(!r.url.includes(demo.token) && !r.body.includes(demo.token), `no token in ${r.url}`);
    assert.ok(!(r.headers.referer ?? "").includes(demo.token), `no token in the Referer of ${r.url}`);
  }
  const gated = (r) => /^\/(proxy|sandbox\/__emulator)\//.test(new URL(r.url).pathname);
  const carrying = page.sent.filter((r) => TOKEN_HEADER in r.headers);
  assert.ok(page.sent.filter(gated).length > 4 && page.sent.filter(gated).every((r) => r.headers[TOKEN_HEADER] === demo.token));
  assert.deepEqual(carrying.filter((r) => !gated(r) && new URL(r.url).pathname !== "/demo/config").map((r) => r.url), [], "the token goes to the gated routes (and the config) only");
  assert.ok(carrying.every((r) => new URL(r.url).origin === demo.url));
  await page.close();
});

test("a tab opened without the token says how to get it and sends nothing; the worker refuses such requests", async () => {
  const page = await open({ width: 1280, height: 900 }, `${demo.url}/`);
  const note = page.locator("#token-note");
  assert.equal(await note.isVisible(), true);
  assert.match(await note.innerText(), /no demo token[\s\S]*make demo/);
  await send(page, "klink", undefined, "without a token");
  await page.waitForFunction(() => /no_demo_token/.test(document.getElementById("error").textContent));
  assert.equal(await card(page, "klink", "without a token").count(), 0);
  assert.deepEqual(page.sent.filter((r) => /^\/(proxy|sandbox\/__emulator)\//.test(new URL(r.url).pathname)), [], "nothing gated was asked");
  await page.screenshot({ path: join(shots, "desktop-no-token.png"), fullPage: true });
  await page.close();
  // Asked anyway (as a script would), the worker refuses, naming the header.
  const r = await fetch(`${demo.url}/proxy/klink/api/v1/messages/send`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ contactId: "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4", messageType: "text", message: "without a token" }),
  });
  assert.equal(r.status, 403);
  assert.match((await r.json()).error, /X-Demo-Token/);
  assert.deepEqual(await taken("without a token"), { textlink: 0, teklink: 0, relay: 0, klink: 0 });
});

test("no console errors, page errors or failed requests on any page", () => {
  assert.deepEqual(problems, []);
});
