// Entry of the local demo worker (wrangler.toml beside this file): the
// edgetext webhook worker with the sandbox, the page's proxy and the page.
export { default } from "./app.mjs";
export { Sandbox } from "./sandbox.mjs";
