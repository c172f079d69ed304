// with-emulator.mjs COMMAND...: runs COMMAND while the provider emulator
// (sandbox/server.mjs) listens, with EDGETEXT_EMULATOR_URL set.
// The port is fixed (EMULATOR_PORT, default 5180) because the wasm tests read
// the URL at compile time; a changing URL would rebuild them every run.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

const server = new URL("../sandbox/server.mjs", import.meta.url);
const [cmd, ...args] = process.argv.slice(2);
let emulator = null;
if (existsSync(server)) {
  const { startEmulator } = await import(server);
  emulator = await startEmulator({ port: Number(process.env.EMULATOR_PORT ?? 5180) });
} else {
  console.error("with-emulator: sandbox/server.mjs is missing; running without the emulator");
}
const env = { ...process.env, ...(emulator && { EDGETEXT_EMULATOR_URL: emulator.url }) };
spawn(cmd, args, { stdio: "inherit", env }).on("exit", async (code, signal) => {
  await emulator?.close();
  process.exit(code ?? (signal ? 1 : 0));
});
