// "edgetext/web": the web build's declarations, including `init`, plus the JS classes.
export * from "./web/edgetext.js";
export { default } from "./web/edgetext.js";
export { Client, EdgetextError } from "./index.cjs";
export type { ClientOptions, EdgetextErrorDetails, ErrorCode } from "./index.cjs";
