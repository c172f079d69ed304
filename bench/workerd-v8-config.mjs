// Reads the binary Cap'n Proto workerd config that Miniflare writes to
// workerd's stdin and writes it back with `v8Flags` (Config field 2, a
// List(Text)) set to the space-separated flags of EDGETEXT_V8_FLAGS.
// Miniflare has no option for V8 flags; bench/workerd-v8.sh puts this in
// its pipe, for the diagnostic runs of bench/otp-first-send.mjs only.
import { readFileSync, writeFileSync } from "node:fs";

const flags = (process.env.EDGETEXT_V8_FLAGS || "").split(/\s+/).filter(Boolean);
const input = readFileSync(0);
const fail = (why) => {
  process.stderr.write(`workerd-v8-config: ${why}\n`);
  process.exit(1);
};

// The segment table: (count - 1), then each segment's size in words, padded to a word.
const count = input.readUInt32LE(0) + 1;
const sizes = Array.from({ length: count }, (_, i) => input.readUInt32LE(4 + 4 * i));
const tableBytes = Math.ceil((4 + 4 * count) / 8) * 8;
const seg0 = input.subarray(tableBytes, tableBytes + sizes[0] * 8);
const rest = input.subarray(tableBytes + sizes[0] * 8);

// The root: a struct pointer in word 0 of segment 0.
const root = seg0.readBigUInt64LE(0);
if ((root & 3n) !== 0n) fail("the root is not a struct pointer in the first segment");
const offset = Number(BigInt.asIntN(30, (root >> 2n) & 0x3fffffffn));
const dataWords = Number((root >> 32n) & 0xffffn);
const pointerWords = Number((root >> 48n) & 0xffffn);
const V8_FLAGS = 2;
if (pointerWords <= V8_FLAGS) fail("the Config struct has no v8Flags pointer");
const slot = 1 + offset + dataWords + V8_FLAGS;
if (seg0.readBigUInt64LE(slot * 8) !== 0n) fail("v8Flags is already set");

// Appended to segment 0: the list of text pointers, then each text (NUL-terminated, word-padded).
const listPointer = (from, to, elemSize, n) => BigInt(1) | (BigInt((to - from - 1) & 0x3fffffff) << 2n) | (BigInt(elemSize) << 32n) | (BigInt(n) << 35n);
const start = sizes[0];
const texts = [];
let at = start + flags.length;
for (const f of flags) {
  const bytes = Buffer.concat([Buffer.from(f, "utf8"), Buffer.alloc(1)]);
  texts.push({ at, bytes });
  at += Math.ceil(bytes.length / 8);
}
const extra = Buffer.alloc((at - start) * 8);
texts.forEach((t, i) => {
  extra.writeBigUInt64LE(listPointer(start + i, t.at, 2, t.bytes.length), i * 8);
  t.bytes.copy(extra, (t.at - start) * 8);
});
const seg = Buffer.concat([seg0, extra]);
if (flags.length) seg.writeBigUInt64LE(listPointer(slot, start, 6, flags.length), slot * 8);

const table = Buffer.alloc(tableBytes);
table.writeUInt32LE(count - 1, 0);
sizes.forEach((s, i) => table.writeUInt32LE(i === 0 ? seg.length / 8 : s, 4 + 4 * i));
writeFileSync(1, Buffer.concat([table, seg, rest]));
