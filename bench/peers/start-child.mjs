// One fresh process of bench/peers.mjs: `node start-child.mjs <sdk> <url>`
// notes the monotonic clock, imports the SDK, makes a client and sends one
// SMS to the SDK's fake at <url>; prints { t0 } (process.hrtime.bigint(),
// CLOCK_MONOTONIC, the clock the fake's arrival time is read from) and the
// time until the answer was read, in ms.
import { SDKS } from "./sdks.mjs";

const [name, url] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const send = await SDKS[name].start(url);
await send();
const answered = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(JSON.stringify({ t0: String(t0), answered }));
process.exit(0);
