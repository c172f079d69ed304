// The one scenario every runtime runs (Node ESM, Node require, workerd,
// Chromium), with the same assertions. It gets the module namespace the
// runtime imported and the provider emulator's base URL (null without one),
// and returns [{ name, ok, error? }] as plain data.

const EXPORTS = ["Client", "EdgetextError", "segments", "normalizePhone"];

function equal(actual, expected, what = "value") {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

function throwsEdgetextError(edgetext, fn, code) {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof edgetext.EdgetextError)) throw new Error(`not an EdgetextError: ${err}`);
    if (!(err instanceof Error)) throw new Error("EdgetextError is not an Error");
    equal(err.name, "EdgetextError", "name");
    equal(err.code, code, "code");
    return err;
  }
  throw new Error(`expected an EdgetextError ${code}, nothing was thrown`);
}

export async function scenario(edgetext, { emulatorUrl = null } = {}) {
  const results = [];
  const check = async (name, fn) => {
    try {
      await fn();
      results.push({ name, ok: true });
    } catch (err) {
      results.push({ name, ok: false, error: String(err?.stack ?? err) });
    }
  };

  await check("exports", () => {
    for (const name of EXPORTS) equal(typeof edgetext[name], "function", name);
  });
  await check("segments", () => {
    equal(edgetext.segments("hello"), { encoding: "GSM-7", count: 1, units: 5, perSegment: 160, remaining: 155 });
  });
  await check("normalizePhone", () => {
    equal(edgetext.normalizePhone("+1 (212) 555-1212"), "+12125551212");
  });
  await check("invalid_phone", () => {
    const err = throwsEdgetextError(edgetext, () => edgetext.normalizePhone("abc"), "invalid_phone");
    equal(err.httpStatus, null, "httpStatus");
    equal(err.retryable, false, "retryable");
  });
  await check("invalid_config", () => {
    throwsEdgetextError(edgetext, () => new edgetext.Client({}), "invalid_config");
  });
  if (emulatorUrl) {
    await check("emulator reachable", async () => {
      const res = await fetch(`${emulatorUrl}/__emulator/requests`);
      equal(res.status, 200, "status");
      equal(Array.isArray(await res.json()), true, "an array of requests");
    });
  }
  return results;
}
