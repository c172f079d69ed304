// The JavaScript examples of the READMEs as TypeScript modules for tsc --strict:
// every ```js block and every <script type="module"> of an ```html block,
// each as pasted. A block's import and export lines stay at the top level;
// the rest becomes the body of an async function (a module's top level with
// top-level await, or a fetch handler's body). The only names declared are
// the host's globals, typed as the host types them: Node's `process.env`
// (a variable that is not set is undefined), a Worker's `env` (likewise: a
// secret that is not set is undefined) and a fetch handler's `request`.
// Everything else a block uses it imports or makes itself.
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const HOST = {
  process: "declare const process: { env: Record<string, string | undefined> }; // Node's process.env",
  env: "declare const env: Record<string, string | undefined>; // a Worker's env",
  request: "declare const request: Request; // a fetch handler's request",
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
  const rest = body.join("\n");
  const declared = Object.entries(HOST).filter(([name]) => new RegExp(`(?<![.\\w])${name}\\b`).test(rest)).map(([, d]) => d);
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
