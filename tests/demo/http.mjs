// One request to a demo on 127.0.0.1 with exactly the headers given, Host
// included (fetch() will not send Host as given): node:http.
import { request } from "node:http";

/** Resolves to { status, text }. */
export function rawRequest(baseUrl, method, path, headers = {}, body) {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
