// The deployable worker: everything lives in the package.
export { default } from "../../pkg/worker.mjs";
