// Writes the fuzz seed corpus tests/fuzz-corpus/<target>/ from tests/fixtures/
// (phone numbers, texts, webhook bodies). Run by bench/fuzz.sh when a target's
// folder is missing; re-run by hand after adding fixtures. Each file is named
// by the sha1 of its bytes, as libFuzzer names its own.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fixtures = join(root, "tests", "fixtures");
const out = join(root, "tests", "fuzz-corpus");

const corpus = new Map();
function seed(target, bytes) {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, "utf8");
  if (!corpus.has(target)) corpus.set(target, new Map());
  corpus.get(target).set(createHash("sha1").update(buf).digest("hex"), buf);
}
const withByte = (b, body) => Buffer.concat([Buffer.from([b]), Buffer.from(body)]);

// Every string value of every JSON fixture.
const strings = new Set();
const walk = (v) => {
  if (typeof v === "string") strings.add(v);
  else if (v && typeof v === "object") Object.values(v).forEach(walk);
};
for (const dir of readdirSync(fixtures)) {
  for (const f of readdirSync(join(fixtures, dir))) {
    try { walk(JSON.parse(readFileSync(join(fixtures, dir, f), "utf8"))); } catch { /* not JSON */ }
  }
}

// phone: <country index byte><number>; numbers from the fixtures plus the
// formats the docs promise (national, 00, 011, (0) trunk).
const phones = [...strings].filter((s) => /^[+0-9().\s-]{4,}$/.test(s));
phones.push("+1 (212) 555-1212", "212.555.1212", "020 7946 0958", "00 44 20 7946 0958", "011 44 20 7946 0958", "+44 (0)20 7946 0958", "06 1 234 5678");
phones.forEach((p, i) => { seed("phone", withByte(i, p)); seed("phone", withByte(13, p)); });

// segments and otp_check: the message texts of the fixtures.
const texts = [...strings].filter((s) => /\s/.test(s) && !/^[+0-9().\s-]+$/.test(s));
texts.push("Hello €", "👋 hi", "a".repeat(161), "ç".repeat(71), "{}[]~^\\|€");
for (const t of texts) seed("segments", t);
for (const p of phones.slice(0, 6)) seed("otp_check", `123456\n${p}\nv1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
seed("otp_check", "0000\n+12125551212\n");
seed("otp_check", "9999999999\n\nv1..");

// Webhooks: the fixtures' bodies, behind each target's selector byte.
const hooks = join(fixtures, "webhooks");
for (const f of readdirSync(hooks)) {
  const body = readFileSync(join(hooks, f));
  const provider = f.split("-")[0];
  if (provider === "textlink") for (let b = 0; b < 6; b++) seed("webhook_textlink", withByte(b, body));
  if (provider === "teklink") for (const b of [1, 2, 0]) seed("webhook_teklink", withByte(b, body));
  if (provider === "relay") for (let b = 0; b < 4; b++) seed("webhook_relay", withByte(b, body));
  if (provider === "klink") seed("webhook_klink", body);
}
seed("webhook_teklink", withByte(1, '{"message_id":"tk-1","status":"delivered"}'));

// Only targets without a folder yet, unless --force.
const force = process.argv.includes("--force");
for (const [target, files] of corpus) {
  const dir = join(out, target);
  if (existsSync(dir) && !force) continue;
  mkdirSync(dir, { recursive: true });
  for (const [name, buf] of files) writeFileSync(join(dir, name), buf);
  console.log(`fuzz seeds: ${target}: ${files.size} files`);
}
