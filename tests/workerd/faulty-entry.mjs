// Test-only entry: the bundled worker (index.js beside this file once the
// harness copies it into the bundle folder) with its D1 and Queue bindings
// wrapped to fail on purpose. Settings, as bindings:
//   FAULT_SEED            seed of the deterministic random faults (default 1)
//   FAULT_QUEUE_RATE      share of Queue sends that throw (0-1)
//   FAULT_QUEUE_FAIL_FIRST  the first N Queue sends throw
//   FAULT_D1_RATE         share of D1 calls that throw: half before running
//                         (nothing written), half after (written, answer lost)
// GET /__faults answers the counts of injected faults.
import worker from "./index.js";

export { EdgetextOtp } from "./index.js";

let rng = null;
const faults = { queue: 0, d1Before: 0, d1After: 0, queueSends: 0, d1Calls: 0 };

function random(env) {
  if (!rng) {
    let a = Number(env.FAULT_SEED || 1) >>> 0;
    rng = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  return rng();
}

function wrapQueue(queue, env) {
  const maybeFail = () => {
    faults.queueSends++;
    if (faults.queueSends <= Number(env.FAULT_QUEUE_FAIL_FIRST || 0) || random(env) < Number(env.FAULT_QUEUE_RATE || 0)) {
      faults.queue++;
      throw new Error("injected queue failure");
    }
  };
  return {
    async send(...args) {
      maybeFail();
      return queue.send(...args);
    },
    async sendBatch(...args) {
      maybeFail();
      return queue.sendBatch(...args);
    },
  };
}

function wrapDb(db, env) {
  const rate = Number(env.FAULT_D1_RATE || 0);
  const call = async (run) => {
    faults.d1Calls++;
    const r = random(env);
    if (r < rate / 2) {
      faults.d1Before++;
      throw new Error("injected D1 failure (before)");
    }
    const out = await run();
    if (r < rate) {
      faults.d1After++;
      throw new Error("injected D1 failure (after)");
    }
    return out;
  };
  const statement = (inner) => ({
    inner,
    bind: (...args) => statement(inner.bind(...args)),
    all: () => call(() => inner.all()),
    first: (...a) => call(() => inner.first(...a)),
    run: () => call(() => inner.run()),
  });
  return {
    prepare: (sql) => statement(db.prepare(sql)),
    batch: (statements) => call(() => db.batch(statements.map((s) => s.inner))),
  };
}

const wrap = (env) => ({ ...env, DB: wrapDb(env.DB, env), FORWARD_QUEUE: env.FORWARD_QUEUE && wrapQueue(env.FORWARD_QUEUE, env) });

export default {
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__faults") return Response.json(faults);
    return worker.fetch(request, wrap(env), ctx);
  },
  queue(batch, env, ctx) {
    return worker.queue(batch, wrap(env), ctx);
  },
  scheduled(controller, env, ctx) {
    return worker.scheduled(controller, wrap(env), ctx);
  },
};
