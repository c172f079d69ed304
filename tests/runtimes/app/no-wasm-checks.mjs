// What a page checks when the package's .wasm cannot be fetched: an
// EdgetextError `wasm_unavailable` with the answer's status, whose message
// holds each of `words` (the URL, the answer, the fix). Results as plain data.
export function noWasmChecks(err, { status, words }) {
  return [
    ["an EdgetextError", err instanceof Error && err.name === "EdgetextError", `${err?.name}: ${err?.message}`],
    [`code wasm_unavailable, httpStatus ${status}`, err?.code === "wasm_unavailable" && err?.httpStatus === status, `${err?.code}, ${err?.httpStatus}`],
    ["the message names the URL, the answer and the fix", words.every((w) => String(err?.message).includes(w)), `${err?.message} (wanted ${words.join(", ")})`],
  ].map(([name, ok, got]) => (ok ? { name, ok } : { name, ok, error: `got ${got}` }));
}

/** The URL of the .wasm as the package's entries ask for it, beside `base`. */
export const wasmUrl = (base) => new URL("web/edgetext_bg.wasm", new URL(base, location.href)).href;
