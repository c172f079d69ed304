// A legitimate POST /v1/otp/send's latency while refused requests arrive
// (issue 21 item 8: refuse before the guard object). One workerd (Miniflare)
// runs the worker as `wrangler deploy` bundles it, with the EdgetextOtp
// Durable Object and the provider emulator as the relay, all on 127.0.0.1.
//
// Two conditions, interleaved in small chunks: "quiet" (the sends alone) and
// "loaded" (the same sends while a pacer fires OTP_REFUSED_RATE refused
// requests per second: sends to numbers of a country OTP_ALLOWED_COUNTRIES
// does not list, each answered 403). Each send goes to a number and from an
// address of its own, so no limit of the guard is met. Bounded: OTP_LOAD_ROUNDS
// rounds of OTP_LOAD_CHUNK sends per condition, at most 64 refused requests
// in flight. Reports the median and p95 of each condition and the refused
// rate actually reached.
import { startWorker } from "../tests/workerd/harness.mjs";
import { startEmulator } from "../sandbox/server.mjs";
import { median, percentile, round, save, log } from "./lib.mjs";

const ROUNDS = Number(process.env.OTP_LOAD_ROUNDS || 12);
const CHUNK = Number(process.env.OTP_LOAD_CHUNK || 8);
const RATE = Number(process.env.OTP_REFUSED_RATE || 200);
const MAX_IN_FLIGHT = 64;

const emu = await startEmulator({ port: Number(process.env.OTP_LOAD_EMULATOR_PORT || 0) });
const env = {
  OTP_SECRET: "otp-secret-for-bench-at-least-32-bytes",
  OTP_ALLOWED_COUNTRIES: "US,CA,GB",
  OTP_PROVIDER: "relay",
  OTP_API_KEY: "test-relay-key",
  OTP_CLIENT: JSON.stringify({ baseUrl: `${emu.url}/relay`, phoneId: "phone_main", maxRetries: 0 }),
  OTP_SENDS_PER_COUNTRY_PER_HOUR: "1000000",
  OTP_MAX_SENDS_PER_HOUR: "1000000",
};
const w = await startWorker(env, { quiet: true });

const post = (to, address) =>
  w.mf.dispatchFetch("http://worker/v1/otp/send", {
    method: "POST",
    body: JSON.stringify({ to }),
    headers: { "content-type": "application/json", "cf-connecting-ip": address },
  });

let legit = 0;
/** One legitimate send, timed (ms); a non-200 is an error of the bench. */
async function timedSend() {
  const n = legit++;
  const to = `+4474${String(10_000_000 + n).padStart(8, "0")}`;
  const t0 = performance.now();
  const res = await post(to, `198.18.${(n >> 8) & 255}.${n & 255}`);
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`a legitimate send answered ${res.status}: ${text}`);
  return ms;
}

/** Fires refused requests at RATE per second until stopped; counts their answers. */
function refusedLoad() {
  const counts = { sent: 0, answered: 0, status: {}, skipped: 0 };
  let inFlight = 0;
  let stopped = false;
  const t0 = performance.now();
  const fire = () => {
    if (inFlight >= MAX_IN_FLIGHT) {
      counts.skipped++;
      return;
    }
    const n = counts.sent++;
    inFlight++;
    // French mobile numbers: not in US,CA,GB, so 403 country_not_allowed.
    post(`+3361${String(n % 10_000_000).padStart(7, "0")}`, `203.0.113.${n % 250}`)
      .then(async (res) => {
        await res.arrayBuffer();
        counts.status[res.status] = (counts.status[res.status] || 0) + 1;
      })
      .catch(() => (counts.status.error = (counts.status.error || 0) + 1))
      .finally(() => {
        inFlight--;
        counts.answered++;
      });
  };
  // Ticks of 10 ms, each firing what the rate owes since the start.
  const timer = setInterval(() => {
    if (stopped) return;
    const owed = Math.floor(((performance.now() - t0) / 1000) * RATE) - counts.sent - counts.skipped;
    for (let i = 0; i < owed; i++) fire();
  }, 10);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      const seconds = (performance.now() - t0) / 1000;
      const deadline = Date.now() + 30_000;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      return { ...counts, seconds };
    },
  };
}

const samples = { quiet: [], loaded: [] };
const load = { sent: 0, answered: 0, skipped: 0, seconds: 0, status: {} };
try {
  for (let i = 0; i < 3; i++) await timedSend(); // warm the isolate and the object
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? ["loaded", "quiet"] : ["quiet", "loaded"];
    for (const k of order) {
      const pacer = k === "loaded" ? refusedLoad() : null;
      // Let the refused traffic reach its rate before timing.
      if (pacer) await new Promise((r) => setTimeout(r, 200));
      for (let j = 0; j < CHUNK; j++) samples[k].push(await timedSend());
      if (pacer) {
        const c = await pacer.stop();
        load.sent += c.sent;
        load.answered += c.answered;
        load.skipped += c.skipped;
        load.seconds += c.seconds;
        for (const [s, n] of Object.entries(c.status)) load.status[s] = (load.status[s] || 0) + n;
      }
    }
  }
} finally {
  await w.mf.dispose();
  await emu.close();
}

const summary = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, medianMs: round(median(s), 2), p95Ms: round(percentile(s, 95), 2), minMs: round(s[0], 2), maxMs: round(s.at(-1), 2) };
};
const result = {
  rounds: ROUNDS,
  chunk: CHUNK,
  targetRate: RATE,
  quiet: summary(samples.quiet),
  loaded: summary(samples.loaded),
  refused: { ...load, ratePerSecond: round(load.sent / load.seconds, 1), seconds: round(load.seconds, 1) },
};
const q = result.quiet;
const l = result.loaded;
log(`legitimate /v1/otp/send: quiet median ${q.medianMs} ms (p95 ${q.p95Ms}); with ${result.refused.ratePerSecond} refused req/s median ${l.medianMs} ms (p95 ${l.p95Ms}); refused answers ${JSON.stringify(load.status)}, ${load.skipped} skipped at ${MAX_IN_FLIGHT} in flight`);
save("otp-under-refusals", result);
