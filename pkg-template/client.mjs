// The public Client: a thin driver around the wasm core's sans-IO calls.
// The core decides every request, retry and wait; this loop only does the
// I/O with the platform's own fetch, AbortController and setTimeout.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function drive(call, fetchImpl) {
  try {
    for (let step = call.next(); step !== undefined; step = call.next()) {
      if (step.delayMs > 0) await sleep(step.delayMs);
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), step.timeoutMs);
      try {
        const res = await fetchImpl(step.url, {
          method: step.method,
          headers: step.headers,
          body: step.body ?? undefined,
          signal: controller.signal,
        });
        const text = await res.text();
        call.respond(res.status, res.headers.get("retry-after") ?? undefined, text, Date.now());
      } catch (err) {
        const code = err?.cause?.code ?? err?.code;
        call.fail(controller.signal.aborted, typeof code === "string" ? code : undefined, String(err?.message ?? err), Date.now());
      } finally {
        clearTimeout(timer);
      }
    }
    return call.result();
  } finally {
    call.free();
  }
}

/** Builds the `Client` class on top of an initialised wasm module and the package's error class. */
export function defineClient(wasm, ErrorClass) {
  return class Client {
    #raw;
    #fetch;

    /** `options.fetch` replaces the global `fetch` (a service binding, a test double). */
    constructor(config, options = {}) {
      this.#raw = new wasm.RawClient(config);
      const custom = options?.fetch;
      if (custom !== undefined && typeof custom !== "function") {
        throw new ErrorClass("options.fetch must be a function", { code: "invalid_config" });
      }
      this.#fetch = custom ?? ((url, init) => fetch(url, init));
    }

    get provider() {
      return this.#raw.provider;
    }

    #run(op, arg) {
      try {
        return drive(this.#raw.start(op, arg), this.#fetch);
      } catch (err) {
        return Promise.reject(err);
      }
    }

    send(message) { return this.#run("send", message); }
    sendCode(request) { return this.#run("sendCode", request); }
    verifyCode(request) { return this.#run("verifyCode", request); }
    status(id) { return this.#run("status", id); }
    updateContactTag(request) { return this.#run("updateContactTag", request); }
    listMessages(options) { return this.#run("listMessages", options); }
    health() { return this.#run("health"); }
    inboundQuery(filter) { return this.#run("inboundQuery", filter); }
    listCallbacks() { return this.#run("listCallbacks"); }
    registerCallback(callback) { return this.#run("registerCallback", callback); }
    deleteCallback(request) { return this.#run("deleteCallback", request); }
  };
}
