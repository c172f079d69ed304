// The JavaScript examples of the READMEs as TypeScript modules for tsc --strict:
// every ```js block and every <script type="module"> of an ```html block.
// A block's import and export lines stay at the top level; the rest becomes
// the body of an async function, where the free names the prose leaves to the
// reader (request, env, body, code, sms, to, text, process, assertion, user) are declared with
// the types a Worker gives them. The README is JavaScript: an unset variable
// is the runtime's invalid_config, so process.env values are plain strings. A block that uses a package export it does not
// import (a continuation of an earlier block) gets that import added.
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const EXPORTS = ["Client", "EdgetextError", "segments", "normalizePhone", "verifyForwarded"];
const FREE = {
  request: "declare const request: Request;",
  env: "declare const env: Record<string, string>;",
  body: "declare const body: string;",
  code: "declare const code: string;",
  sms: 'declare const sms: import("edgetext").Client;',
  to: "declare const to: string;",
  text: "declare const text: string;",
  process: "declare const process: { env: Record<string, string> };",
  assertion: "declare const assertion: string;",
  user: "declare const user: { phone: string };",
};

/** [{ file, source }] for the examples of the given README files. */
export function readmeExamples(readmes) {
  const out = [];
  for (const [r, path] of readmes.entries()) {
    const text = readFileSync(path, "utf8");
    for (const m of text.matchAll(/^```(js|ts|html)\n([\s\S]*?)^```$/gm)) {
      const line = text.slice(0, m.index).split("\n").length;
      const scripts = m[1] === "html" ? [...m[2].matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].map((s) => s[1]) : [m[2]];
      for (const script of scripts) {
        out.push({ file: `readme${r}-line${line}.mts`, source: toModule(script, `${basename(path)} line ${line}`) });
      }
    }
  }
  return out;
}

function toModule(script, origin) {
  const lines = script.replaceAll("/node_modules/edgetext/web.mjs", "edgetext/web").split("\n");
  const top = [];
  const body = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*(import|export)\s/.test(lines[i])) {
      body.push(lines[i]);
      continue;
    }
    // One statement, over as many lines as it takes to reach its module name.
    let statement = lines[i];
    while (!/["'][^"']+["'];?\s*(\/\/.*)?$/.test(statement) && i + 1 < lines.length) statement += `\n${lines[++i]}`;
    top.push(statement.trim());
  }
  const imported = new Set(top.flatMap((s) => [...s.matchAll(/\b(\w+)\b/g)].map((w) => w[1])));
  const rest = body.join("\n");
  const missing = EXPORTS.filter((name) => !imported.has(name) && new RegExp(`\\b${name}\\b`).test(rest));
  if (missing.length) top.push(`import { ${missing.join(", ")} } from "edgetext";`);
  const declared = Object.entries(FREE).filter(([name]) => new RegExp(`(?<![.\\w])${name}\\b`).test(rest)).map(([, d]) => d);
  return [
    `// ${origin}`,
    ...top,
    ...declared,
    "export async function example(): Promise<unknown> {",
    rest,
    "  return undefined;",
    "}",
    "",
  ].join("\n");
}
