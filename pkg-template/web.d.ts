// "edgetext/web": the web build's declarations, including `init`.
export * from "./web/edgetext.js";
export { default } from "./web/edgetext.js";
