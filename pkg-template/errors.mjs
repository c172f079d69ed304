// The one error class of the package. The wasm core throws instances of it
// (each entry passes it to __setErrorClass once the wasm is ready).
// scripts/build.mjs writes the CommonJS twin errors.cjs from this file.

/** Every failure of edgetext; `code` is stable, `message` is for people. */
export class EdgetextError extends Error {
  constructor(message, details = {}) {
    super(message);
    this.name = "EdgetextError";
    this.code = details.code ?? null;
    this.provider = details.provider ?? null;
    this.httpStatus = details.httpStatus ?? null;
    this.retryable = details.retryable === true;
    this.providerMessage = details.providerMessage ?? null;
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
  }
}
