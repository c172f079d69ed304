// The hand-written fetch every send comparison measures against: TextLink's
// `POST /api/send-sms`, the request client.send builds (bench/send.mjs checks
// it byte for byte, a fresh custom_id aside), with the client's default
// AbortController timeout, parsing the answer.
export const KEY = "test-textlink-key";
export const MESSAGE = { to: "+12125551212", text: "Your order shipped" };
export const TIMEOUT_MS = 10_000;

/** The request: URL and RequestInit, with a fresh custom_id. */
export function handRequest(baseUrl, key = KEY, signal = undefined) {
  return {
    url: `${baseUrl}/api/send-sms`,
    init: {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify({ phone_number: MESSAGE.to, text: MESSAGE.text, custom_id: crypto.randomUUID() }),
      signal,
    },
  };
}

/** Sends it with fetch and an AbortController timeout; reads and checks the answer. */
export async function sendByHand(baseUrl, key = KEY) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const { url, init } = handRequest(baseUrl, key, controller.signal);
    const res = await fetch(url, init);
    const json = await res.json();
    if (!res.ok || json.ok !== true) throw new Error(`hand-written fetch: unexpected answer ${res.status}`);
  } finally {
    clearTimeout(timer);
  }
}
