// Entry of the local demo worker (wrangler.toml beside this file): the
// edgetext webhook worker with the sandbox, the page's proxy and the page,
// and the one-time-code routes with their Durable Object.
export { default } from "./app.mjs";
export { Sandbox } from "./sandbox.mjs";
export { EdgetextOtp } from "../../pkg/worker.mjs";
