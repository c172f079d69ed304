// The demo page: edgetext/web in a plain module script. It never holds an API
// key: each Client's baseUrl is this worker's /proxy/{provider}, which adds
// the key server-side, and its statusUrl is /proxy/worker, which adds the
// worker's reader token. The sandbox's control routes (/sandbox/__emulator)
// play the recipient's phone. The "failover" choice sends through TextLink,
// then the relay, with a fault set on TextLink's sandbox first; every HTTP
// attempt of every client lands in the request log through onRequest.
//
// The page holds one secret, this start's demo token: `make demo` prints the
// page's URL with #token=…, a fragment, which the browser never sends (no
// request, server log or Referer carries it). The page moves it into this
// tab's sessionStorage (this origin and tab only; gone with the tab), takes
// it out of the address bar, and sends it in the X-Demo-Token header to this
// worker's own routes, the only ones that want it.
import init, { Client, Failover, segments, normalizePhone } from "edgetext/web";

const TOKEN_KEY = "edgetext-demo-token";
const handed = new URLSearchParams(location.hash.slice(1)).get("token");
if (handed) {
  sessionStorage.setItem(TOKEN_KEY, handed);
  history.replaceState(null, "", location.pathname + location.search);
}
const token = sessionStorage.getItem(TOKEN_KEY);

/** fetch, with the token added to requests for this page's own origin (and to no other). */
function demoFetch(input, init = {}) {
  const url = new URL(input instanceof Request ? input.url : input, location.href);
  if (!token || url.origin !== location.origin) return fetch(input, init);
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set("x-demo-token", token);
  return fetch(input, { ...init, headers });
}

const $ = (id) => document.getElementById(id);
const NAMES = { textlink: "TextLink", teklink: "Teklink ChatServ", relay: "Phone Relay", klink: "Klink CX" };
/** The failover choice: these providers, in order; the phone and codes are the last one's. */
const FAILOVER = ["textlink", "relay"];
const LOG_ROWS = 40;
const STEPS = ["queued", "sending", "sent", "delivered"];
// The stages each provider reports (by webhook or, for the relay, its status endpoint).
const PROVIDER_STEPS = { textlink: ["queued", "sent"], teklink: STEPS, relay: STEPS, klink: ["queued", "sent"] };
const STEP_NOTE = {
  textlink: "TextLink reports sent and failed, not delivery.",
  relay: "Delivered is the relay's delivered_at, read with client.status().",
  klink: "Klink reports the message going out, or failing.",
};
/** How long the page keeps asking client.status() about a message that has not reached a final status. */
const STATUS_READS_MS = 30_000;
const FINAL = new Set(["delivered", "failed"]);
const POLL_MS = 1000;
// Placeholder sent as the bearer key: the proxy drops it and adds the real one.
const NO_KEY = "held-by-the-worker";

await init();
const config = await (await demoFetch("/demo/config")).json();
const recipients = { textlink: "+1 212 555 0123", teklink: "212 555 0123", relay: "+1 212 555 0123", klink: "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4", failover: "+1 212 555 0123" };
// One-time codes for every provider but TextLink (which checks its own) go
// through the worker's /v1/otp routes: the code never reaches this page, and
// a valid check answers an assertion that the app's server checks
// (/demo/app-server/check stands for that server here).
const clients = {};
const messages = []; // { key, provider, id, to, text, sentAt, steps: Map(status → {at, error}), current, node }
const seenEvents = new Set();
let provider = "textlink";
let ticket = null;

function clientFor(name) {
  clients[name] ??= new Client({
    provider: name,
    apiKey: NO_KEY,
    baseUrl: `${location.origin}${config.proxy}/${name}`,
    statusUrl: `${location.origin}${config.statusPath}`,
    statusToken: NO_KEY,
    ...config.providers[name].fields,
    onRequest: logRequest,
  }, { fetch: demoFetch });
  return clients[name];
}

let otpClient = null;
/** Codes made and checked by the worker (worker mode: only `otpUrl`, a path of this page). */
const workerCodes = () => (otpClient ??= new Client({ provider: "relay", otpUrl: "/", onRequest: logRequest }, { fetch: demoFetch }));

let failover = null;
const failoverClient = () => (failover ??= new Failover(FAILOVER.map(clientFor)));
/** The one provider the phone, codes and replies use: the failover's last one. */
const single = (name = provider) => (name === "failover" ? FAILOVER.at(-1) : name);
const sandboxed = (name = provider) => (name === "failover" ? FAILOVER.every((p) => sandboxed(p)) : config.providers[name].mode === "sandbox");

// ------------------------------------------------------------ the request log (config.onRequest)

function logRequest(r) {
  const li = document.createElement("li");
  li.dataset.provider = r.provider;
  li.dataset.outcome = r.outcome;
  const path = new URL(r.url).pathname;
  const id = r.requestId ? ` · id ${r.requestId}` : "";
  li.textContent = `${time(new Date().toISOString())} ${r.provider} ${r.operation} #${r.attempt} ${r.method} ${path} → ${r.status ?? "no answer"} ${r.outcome} (${r.durationMs} ms)${id}`;
  const list = $("request-log");
  list.prepend(li);
  while (list.children.length > LOG_ROWS) list.lastElementChild.remove();
}

const attemptsText = (attempts) => attempts.map((a) => `${NAMES[a.provider]}: ${a.error ?? "took it"}`).join(" → ");

// ------------------------------------------------------------ errors

function showError(err) {
  const box = $("error");
  box.replaceChildren();
  if (!err) {
    box.hidden = true;
    return;
  }
  const code = document.createElement("code");
  code.textContent = err.code ?? "error";
  box.append("Error ", code, `: ${err.message ?? err}`);
  if (err.httpStatus) box.append(` (HTTP ${err.httpStatus})`);
  if (err.attempts) box.append(`. Attempts: ${attemptsText(err.attempts)}`);
  box.hidden = false;
}

async function busy(button, work) {
  button.disabled = true;
  showError(null);
  try {
    if (!token) throw Object.assign(new Error("this tab has no demo token: open the page through the link `make demo` printed"), { code: "no_demo_token" });
    await work();
  } catch (err) {
    showError(err);
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------ provider choice

function recipientLabel() {
  return provider === "klink" ? "To (Klink contact ID)" : "To (phone number)";
}

function choose(name) {
  if ($("to").value) recipients[provider] = $("to").value;
  provider = name;
  $("to").value = recipients[name];
  $("to-label").textContent = recipientLabel();
  const p = config.providers[single(name)];
  const mode = $("mode");
  mode.replaceChildren();
  const strong = document.createElement("strong");
  $("fault-box").hidden = name !== "failover";
  $("code-card").hidden = name === "failover";
  if (name === "failover") {
    strong.textContent = "Failover: TextLink, then Phone Relay.";
    mode.append(strong, " new Failover([textlink, relay]).send(message) moves to the relay only when TextLink certainly did not take the message; never after outcome_unknown.");
    if (!sandboxed(name)) mode.append(" It needs both providers in the sandbox.");
  } else if (p.mode === "sandbox") {
    strong.textContent = `${NAMES[name]}: sandbox.`;
    // TextLink's and Klink's webhooks report a message going out or failing, never its delivery.
    const journey = name === "textlink" || name === "klink"
      ? "messages move from queued to sent in about two seconds (its webhooks report sent or failed, not delivery)"
      : "messages move from queued to delivered in about four seconds";
    mode.append(strong, ` The worker answers as ${NAMES[name]} does and adds the sandbox's test key; ${journey}.`);
  } else {
    strong.textContent = `${NAMES[name]}: real provider.`;
    mode.append(strong, ` The worker adds your ${name.toUpperCase()}_API_KEY; this page never sees it.`);
    if (!p.allowed) mode.append(` It is refused here: ${p.refused}`);
    if (p.missing.length) mode.append(` Missing: ${p.missing.join(", ")}.`);
  }
  const fails = `In the sandbox, a recipient ending in ${config.failDigit} fails with "Carrier rejected the message".`;
  $("to-hint").textContent =
    name === "failover" ? `Each receipt shows the providers tried. ${fails}` : name === "klink" ? `Klink addresses a contact by its UUID. ${fails}` : name === "teklink" ? `North American numbers only. ${fails}` : fails;
  $("code-hint").textContent =
    name === "textlink"
      ? "TextLink makes and checks the code itself (send-code, verify-code)."
      : "The worker makes, sends and checks the code (/v1/otp/send, /v1/otp/verify); a valid check answers an assertion, which the app's server checks with verifyOtpAssertion.";
  $("phone-card").hidden = !sandboxed(name);
  ticket = null;
  $("ticket").textContent = "";
  $("verdict").textContent = "";
  refreshPhone().catch(() => {});
}

// ------------------------------------------------------------ live segment counter

function count() {
  const s = segments($("text").value);
  const plural = s.count === 1 ? "segment" : "segments";
  $("counter").value = `${s.encoding} · ${s.count} ${plural} · ${s.remaining} characters left in this segment`;
}

// ------------------------------------------------------------ sending and the timeline

function addMessage(receipt, text) {
  const m = {
    key: `${Date.now()}-${messages.length}`,
    provider: receipt.provider,
    id: receipt.id,
    to: receipt.to,
    text,
    sentAt: Date.now(),
    // "answer": what the send's answer said; a webhook for the same stage replaces it.
    steps: new Map([[receipt.status, { at: new Date().toISOString(), error: null, answer: true }]]),
    current: receipt.status,
    attempts: receipt.attempts ?? null,
    node: document.createElement("li"),
  };
  if (receipt.status !== "queued") m.steps.set("queued", { at: m.steps.get(receipt.status).at, error: null, answer: true });
  messages.unshift(m);
  $("messages").prepend(m.node);
  render(m);
}

const time = (iso) => new Date(iso).toLocaleTimeString();

function render(m) {
  const failed = m.steps.has("failed");
  const own = PROVIDER_STEPS[m.provider];
  const names = failed ? [...own.filter((s) => s !== "delivered"), "failed"] : own;
  const last = m.steps.has("failed") ? "failed" : [...STEPS].reverse().find((s) => m.steps.has(s)) ?? m.current;
  const lastIndex = names.indexOf(last);
  m.node.className = "message";
  m.node.dataset.provider = m.provider;
  m.node.dataset.status = last;
  // The stages heard from the provider (webhook or status read), not just claimed by the send's answer.
  m.node.dataset.heard = [...m.steps].filter(([, step]) => !step.answer).map(([name]) => name).join(" ");
  if (m.attempts) m.node.dataset.attempts = m.attempts.map((a) => `${a.provider}:${a.error ?? "ok"}`).join(" ");
  const head = document.createElement("div");
  const strong = document.createElement("strong");
  strong.textContent = `${NAMES[m.provider]} → ${m.to}`;
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = `${m.id ? `id ${m.id}` : "no message id (Teklink returns none): matched by recipient"}${m.checked ? ` · client.status(): ${m.checked}` : ""}${STEP_NOTE[m.provider] ? ` · ${STEP_NOTE[m.provider]}` : ""}`;
  const body = document.createElement("div");
  body.textContent = m.text;
  const line = document.createElement("ol");
  line.className = "timeline";
  line.setAttribute("aria-label", `Status: ${last}`);
  names.forEach((name, i) => {
    const li = document.createElement("li");
    const step = m.steps.get(name);
    // A stage the provider sends no webhook for is passed once a later one is heard.
    const reached = Boolean(step) || i < lastIndex;
    li.className = `${reached ? "reached" : ""} ${name === "failed" ? "failed" : ""}`.trim();
    li.textContent = step ? `${name} ${time(step.at)}${step.answer ? " (send answer)" : ""}` : name;
    if (step?.error) li.textContent += ` (${step.error})`;
    if (!reached) li.setAttribute("aria-label", `${name}: not yet`);
    line.append(li);
  });
  head.append(strong);
  m.node.replaceChildren(head, body, meta, line);
  if (m.attempts) {
    const tried = document.createElement("div");
    tried.className = "meta attempts";
    tried.textContent = `Failover attempts: ${attemptsText(m.attempts)}`;
    m.node.insertBefore(tried, meta);
  }
}

function matchMessage(event) {
  if (event.messageId) {
    const byId = messages.find((m) => m.provider === event.provider && m.id === event.messageId);
    if (byId) return byId;
  }
  // Teklink answers a send with no id: its webhooks are matched by recipient and text.
  if (event.provider === "teklink") {
    return messages.find((m) => m.provider === "teklink" && !FINAL.has(m.current) && m.to === event.to && (!event.text || event.text === m.text));
  }
  return null;
}

function apply(event) {
  const m = matchMessage(event);
  const status = event.status ?? { "message.sent": "sent", "message.failed": "failed", "message.delivered": "delivered" }[event.type];
  if (!m || !status || !["queued", ...STEPS, "failed"].includes(status)) return null;
  if (!m.steps.has(status) || m.steps.get(status).answer) m.steps.set(status, { at: event.occurredAt, error: status === "failed" ? event.error ?? null : null });
  if (STEPS.indexOf(status) >= STEPS.indexOf(m.current) || status === "failed") m.current = status;
  return m;
}

function addInbound(event) {
  const li = document.createElement("li");
  li.dataset.provider = event.provider;
  const strong = document.createElement("strong");
  strong.textContent = `${NAMES[event.provider] ?? event.provider}: ${event.type}`;
  const text = document.createElement("div");
  text.textContent = event.text ?? "";
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = `from ${event.from ?? "?"} · ${time(event.occurredAt)}`;
  li.append(strong, text, meta);
  $("inbound").prepend(li);
}

// ------------------------------------------------------------ the recipient's phone (sandbox)

function phoneAddress() {
  const provider = single();
  const to = $("to").value.trim();
  if (provider === "klink") return to.toLowerCase();
  const e164 = normalizePhone(to, { defaultCountry: "US" });
  return provider === "teklink" && e164.startsWith("+1") ? e164.slice(2) : e164;
}

async function refreshPhone() {
  if (!sandboxed() || !token) return;
  const provider = single();
  let address;
  try {
    address = phoneAddress();
  } catch {
    $("phone-hint").textContent = "Enter a valid recipient to see its phone.";
    $("phone").replaceChildren();
    return;
  }
  $("phone-hint").textContent = `What ${address} has received through the ${NAMES[provider]} sandbox; a reply goes back through ${NAMES[provider]}'s webhook.`;
  const res = await demoFetch(`${config.sandbox}/__emulator/messages?provider=${provider}`);
  if (!res.ok) return;
  const all = (await res.json())[provider] ?? [];
  const mine = all
    .filter((m) => (m.direction === "outbound" ? m.to : m.from) === address)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .slice(-20);
  $("phone").replaceChildren(
    ...mine.map((m) => {
      const li = document.createElement("li");
      li.className = m.direction;
      li.textContent = m.direction === "outbound" ? `${m.text} (${m.status})` : `You: ${m.text}`;
      return li;
    }),
  );
}

async function reply() {
  const text = $("reply").value.trim();
  if (!text) throw Object.assign(new Error("type a reply first"), { code: "invalid_input" });
  const from = phoneAddress();
  const provider = single();
  const res = await demoFetch(`${config.sandbox}/__emulator/inbound`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ provider, from, text }),
  });
  const out = await res.json();
  if (!res.ok || !out.ok) throw Object.assign(new Error(out.error ?? `sandbox answered ${res.status}`), { code: "sandbox" });
  const refused = out.deliveries.find((d) => !d.ok);
  if (refused) throw Object.assign(new Error(`the worker answered the webhook with ${refused.status ?? refused.error}`), { code: "webhook" });
  await poll();
}

/** The sandbox misbehaves on `name`'s next send (the emulator's fault injection). */
async function setFault(name, kind) {
  const res = await demoFetch(`${config.sandbox}/__emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ provider: name, path: "/api/send-sms", kind }),
  });
  if (!res.ok) throw Object.assign(new Error(`the sandbox refused the fault (HTTP ${res.status})`), { code: "sandbox" });
}

// ------------------------------------------------------------ polling

async function poll() {
  const res = await demoFetch(`${config.statusPath}/v1/events?limit=100`);
  if (res.ok) {
    const { events } = await res.json();
    const touched = new Set();
    for (const event of events.reverse()) {
      if (seenEvents.has(event.id)) continue;
      seenEvents.add(event.id);
      if (event.type === "message.received" || event.type.startsWith("call")) addInbound(event);
      else {
        const m = apply(event);
        if (m) touched.add(m);
      }
    }
    // The SDK's own read, once the worker has heard of the message (relay: its status endpoint).
    for (const m of messages) {
      const asking = Date.now() - m.sentAt < STATUS_READS_MS;
      if (m.id && !m.checkedFinal && asking && (touched.has(m) || m.provider === "relay")) {
        try {
          const s = await clientFor(m.provider).status(m.id);
          m.checked = s.status;
          m.checkedFinal = FINAL.has(s.status) || Boolean(s.deliveredAt);
          if (!m.steps.has(s.status) && [...STEPS, "failed"].includes(s.status)) m.steps.set(s.status, { at: new Date().toISOString(), error: s.error });
          if (s.deliveredAt && !m.steps.has("delivered")) m.steps.set("delivered", { at: s.deliveredAt, error: null });
          touched.add(m);
        } catch {
          // not heard yet; the next round asks again
        }
      }
    }
    for (const m of touched) render(m);
  }
  await refreshPhone();
}

async function loop() {
  try {
    if (!document.hidden) await poll();
  } catch {
    // the worker restarted or the network blinked; try again next round
  }
  setTimeout(loop, POLL_MS);
}

// ------------------------------------------------------------ wiring

for (const radio of document.querySelectorAll('input[name="provider"]')) radio.addEventListener("change", () => choose(radio.value));
$("text").addEventListener("input", count);
$("to").addEventListener("change", () => refreshPhone().catch(() => {}));

$("send-form").addEventListener("submit", (e) => {
  e.preventDefault();
  busy($("send"), async () => {
    const to = $("to").value.trim();
    const text = $("text").value;
    const message = provider === "klink" ? { contactId: to, text } : { to, text };
    if (provider === "failover") {
      if (!sandboxed()) throw Object.assign(new Error("this demo's failover needs TextLink and the relay in the sandbox"), { code: "invalid_config" });
      if ($("fault").value) await setFault(FAILOVER[0], $("fault").value);
      const receipt = await failoverClient().send(message);
      addMessage(receipt, text);
      return;
    }
    const receipt = await clientFor(provider).send(message);
    addMessage(receipt, text);
  });
});

/** POSTs `body` to a route of the worker; its JSON, or throws its `{ error, message }`. */
async function postJson(path, body) {
  const res = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(json.message ?? `HTTP ${res.status}`), { code: json.error ?? "provider_rejected" });
  return json;
}

$("send-code").addEventListener("click", () =>
  busy($("send-code"), async () => {
    const to = $("to").value.trim();
    ticket =
      provider === "textlink"
        ? await clientFor(provider).sendCode({ to, serviceName: "edgetext demo" })
        : await workerCodes().sendCode({ to });
    ticket.sentTo = to;
    $("ticket").textContent = `Code sent to ${ticket.to} (${ticket.mode === "provider" ? "checked by TextLink" : "made and checked by the worker"}), valid until ${time(ticket.expiresAt)}.`;
    $("verdict").textContent = "";
    await refreshPhone();
  }),
);

$("verify-form").addEventListener("submit", (e) => {
  e.preventDefault();
  busy($("verify"), async () => {
    if (!ticket) throw Object.assign(new Error("send a code first"), { code: "invalid_input" });
    const code = $("code").value.trim();
    const verdict = $("verdict");
    if (ticket.mode !== "worker") {
      const result = await clientFor(provider).verifyCode({ to: ticket.sentTo, code, token: ticket.token });
      verdict.className = result.valid ? "ok" : "bad";
      verdict.textContent = result.valid ? "Valid: the code matches." : `Not valid: ${result.reason}.`;
      return;
    }
    // The browser flow of the README: the client's verdict, and the worker's assertion for the app's server.
    const result = await workerCodes().verifyCode({ to: ticket.sentTo, code });
    if (!result.valid) {
      verdict.className = "bad";
      verdict.textContent = `Not valid: ${result.reason}.`;
      return;
    }
    // What the app's server does with the assertion the browser hands it.
    const proof = await postJson("/demo/app-server/check", { assertion: result.assertion, to: ticket.to });
    verdict.className = "ok";
    verdict.textContent = `Valid: the worker verified the code, and the app's server checked its assertion for ${proof.to} (id ${proof.id.slice(0, 8)}…, verified at ${time(proof.verifiedAt)}).`;
  });
});

$("reply-form").addEventListener("submit", (e) => {
  e.preventDefault();
  busy($("send-reply"), reply);
});

choose("textlink");
count();
$("token-note").hidden = Boolean(token);
document.body.dataset.ready = "true";
// Without the token every status read would be refused: nothing to poll.
if (token) loop();
