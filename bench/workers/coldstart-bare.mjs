// workerd cold start, the baseline: a plain JS worker building the same
// request by hand (no wasm).
export default {
  async fetch() {
    const step = {
      method: "POST",
      url: "http://127.0.0.1:9/textlink/api/send-sms",
      headers: [["Authorization", "Bearer test-textlink-key"], ["Content-Type", "application/json"]],
      body: JSON.stringify({ phone_number: "+12125551212", text: "Your order shipped", custom_id: crypto.randomUUID() }),
      timeoutMs: 10000,
      delayMs: 0,
    };
    return Response.json({ request: step, instantiateMs: 0, firstRequestMs: 0 });
  },
};
