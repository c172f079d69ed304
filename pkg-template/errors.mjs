// The one error class of the package. The wasm core throws instances of it
// (each entry passes it to __setErrorClass once the wasm is ready).
// scripts/build.mjs writes the CommonJS twin errors.cjs from this file.

// Every failure of edgetext; `code` is stable, `message` is for people.
export class EdgetextError extends Error {
  constructor(message, details = {}) {
    super(message);
    const { code = null, provider = null, httpStatus = null, retryable, providerMessage = null, retryAfterSeconds = null } = details;
    Object.assign(this, { name: "EdgetextError", code, provider, httpStatus, retryable: retryable === true, providerMessage, retryAfterSeconds });
  }
}
