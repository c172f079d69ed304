// The entries that get each wasm as a compiled module or as bytes at hand
// (workerd, edge, inline): the core is made ready now, the on-demand module
// the first time the core needs it (sendCode, the extras, Failover, a tool).
import { EdgetextError } from "./errors.mjs";

// Makes `core` ready with `coreModule`; `full` is made ready with `fullModule()` on first use.
export function ready(core, coreModule, full, fullModule) {
  core.initSync({ module: coreModule });
  core.__setErrorClass(EdgetextError);
  core.__setFull(() => {
    full.initSync({ module: fullModule() });
    full.__setErrorClass(EdgetextError);
    return full;
  }, true);
}
