// Serves the provider emulator over node:http.
//   node sandbox/server.mjs [--port 8788] [--host 127.0.0.1]
//   const { url, emulator, close } = await startEmulator({ port: 0, now, webhooks, ... });
// Options other than port and host go to createEmulator (emulator.mjs).
// A drop fault (`x-emulator-drop` answer) destroys the socket instead of
// answering; a "slow" wait is aborted (its timer cleared) when the client goes
// away or close() is called.

import http from "node:http";
import { pathToFileURL } from "node:url";
import { createEmulator, memoryStore, isDropped } from "./emulator.mjs";

export async function startEmulator({ port = 0, host = "127.0.0.1", ...options } = {}) {
  const emulator = createEmulator({ store: memoryStore(), ...options });
  const inflight = new Set();

  const server = http.createServer(async (req, res) => {
    const abort = new AbortController();
    inflight.add(abort);
    res.on("close", () => {
      abort.abort();
      inflight.delete(abort);
    });
    try {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(`http://${req.headers.host ?? `${host}:${port}`}${req.url}`, {
        method: req.method,
        headers,
        body: hasBody ? Buffer.concat(chunks) : undefined,
      });
      const response = await emulator.handle(request, { signal: abort.signal });
      if (isDropped(response)) {
        req.socket.destroy();
        return;
      }
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: false, error: String(err?.message ?? err) }));
    }
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;

  async function close() {
    for (const abort of inflight) abort.abort();
    await new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  return { url, emulator, server, close };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const { url, close } = await startEmulator({ port: Number(arg("port", process.env.EMULATOR_PORT ?? 8788)), host: arg("host", "127.0.0.1") });
  console.log(`edgetext provider emulator listening on ${url}`);
  console.log(`  base URLs: ${url}/textlink  ${url}/teklink  ${url}/relay  ${url}/klink   control: ${url}/__emulator/requests`);
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => close().then(() => process.exit(0)));
}
