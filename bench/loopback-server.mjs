// A loopback HTTP server for the send benchmark, in its own process: answers
// every POST with TextLink's send response. Prints its URL on stdout.
import { createServer } from "node:http";

const reply = JSON.stringify({ ok: true, queued: true });
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(reply) });
    res.end(reply);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(`http://127.0.0.1:${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
