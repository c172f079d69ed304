// The generated TypeScript declarations must match the committed snapshot, so
// that every change of the public types is a visible diff in review.
// UPDATE_SNAPSHOTS=1 rewrites the snapshot from the current build.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const built = `${root}pkg/web/edgetext.d.ts`;
const snapshot = `${root}tests/snapshots/edgetext.d.ts`;

if (!existsSync(built)) {
  console.error(`check-dts: ${built} is missing; run make build first`);
  process.exit(1);
}
if (process.env.UPDATE_SNAPSHOTS === "1") {
  copyFileSync(built, snapshot);
  console.log("check-dts: snapshot updated");
  process.exit(0);
}
const diff = spawnSync("diff", ["-u", "--label", "tests/snapshots/edgetext.d.ts", "--label", "pkg/web/edgetext.d.ts", snapshot, built], { encoding: "utf8" });
if (diff.status === 0) {
  console.log("check-dts: ok");
} else {
  const lines = (diff.stdout || diff.stderr).split("\n");
  console.error(lines.slice(0, 80).join("\n") + (lines.length > 80 ? `\n... ${lines.length - 80} more lines` : ""));
  console.error("check-dts: the generated declarations differ from the snapshot; if intended, run UPDATE_SNAPSHOTS=1 node scripts/check-dts.mjs and commit tests/snapshots/edgetext.d.ts");
  process.exit(1);
}
