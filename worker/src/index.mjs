// The deployable worker: everything lives in the package.
export { default, EdgetextOtp } from "../../pkg/worker.mjs";
