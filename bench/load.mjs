// Load generator for the ingest benchmark, run in its own process:
//   node bench/load.mjs <url> <seconds> <connections>
// POSTs TextLink "sent" webhooks (valid secret) with a fresh custom_id and
// timestamp each, so every request is a real insert. Prints autocannon's
// result as JSON.
import autocannon from "autocannon";

const [url, seconds, connections] = process.argv.slice(2);
let n = 0;
const tag = `${process.pid}-${Date.now()}`;
const result = await autocannon({
  url,
  duration: Number(seconds),
  connections: Number(connections),
  requests: [
    {
      method: "POST",
      path: "/webhooks/textlink?event=sent",
      headers: { "content-type": "application/json" },
      setupRequest: (req) => ({
        ...req,
        body: JSON.stringify({
          secret: "tl-hook-secret", phone_number: "+11234567890", text: "Your order shipped", timestamp: Date.now(),
          sent: true, received: false, portal: false, custom_id: `bench-${tag}-${n++}`,
        }),
      }),
    },
  ],
});
console.log(JSON.stringify(result));
