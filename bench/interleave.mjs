// Fine-grained interleaving: contenders measured in many small chunks, the
// order rotating each round, so that whatever else the machine does falls
// on every contender alike. Each chunk records its wall time and the CPU
// time of this process (process.cpuUsage: user + system, every thread,
// garbage collection included; the server is another process). A
// contender's figures are taken against a baseline measured in the same
// round: the ratio of their throughputs, and the extra CPU per request.
import { median, percentile, round } from "./lib.mjs";

/** One chunk: `requests` calls of `fn`, `concurrency` at a time. */
export async function chunk(fn, concurrency, requests) {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, requests) }, async () => {
      while (next++ < requests) await fn();
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuUs: cpu.user + cpu.system };
}

/** Median, quartiles and extremes of a sample. */
export function spread(xs, digits = 3) {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: round(median(s), digits),
    q1: round(percentile(s, 25), digits),
    q3: round(percentile(s, 75), digits),
    min: round(s[0], digits),
    max: round(s[s.length - 1], digits),
  };
}

/**
 * Runs `rounds` rounds; in each, every contender runs one chunk of
 * `requests` calls, in an order rotated by one place per round. `warmup`
 * unrecorded rounds come first. Returns, per contender: throughput (req/s),
 * CPU µs per call, and against its baseline (`baselines[name]`, else
 * `baseline`) the per-round ratio of throughputs and the extra CPU µs per
 * call, each as median and spread; and every round's chunk as measured.
 */
export async function interleaved({ contenders, baseline, baselines = {}, concurrency, requests, rounds, warmup = 3 }) {
  const names = Object.keys(contenders);
  const baseOf = (name) => baselines[name] ?? baseline;
  for (const name of names) if (!names.includes(baseOf(name))) throw new Error(`no baseline ${baseOf(name)} for ${name}`);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = -warmup; r < rounds; r++) {
    const shift = ((r % names.length) + names.length) % names.length;
    const order = [...names.slice(shift), ...names.slice(0, shift)];
    for (const name of order) {
      const s = await chunk(contenders[name], concurrency, requests);
      if (r >= 0) samples[name].push(s);
    }
  }
  const result = {};
  for (const name of names) {
    const xs = samples[name];
    const base = samples[baseOf(name)];
    result[name] = {
      rps: spread(xs.map((s) => (requests / s.ms) * 1000), 0),
      cpuUsPerCall: spread(xs.map((s) => s.cpuUs / requests), 1),
      ratio: spread(xs.map((s, i) => base[i].ms / s.ms), 3),
      extraCpuUs: spread(xs.map((s, i) => (s.cpuUs - base[i].cpuUs) / requests), 1),
      // Each round's chunk: wall ms and CPU µs, for a second look at the figures.
      rounds: xs.map((s) => [round(s.ms, 2), s.cpuUs]),
    };
  }
  return { concurrency, requests, rounds, warmup, baselines: Object.fromEntries(names.map((n) => [n, baseOf(n)])), order: "rotated by one place per round", contenders: result };
}

/** `0.95 (0.93–0.97)`: a spread as median and interquartile range. */
export const iqr = (s, unit = "") => (s == null ? "n/a" : `${s.median}${unit} (${s.q1}–${s.q3})`);
