// Type-checked as CommonJS: the declarations behind require("edgetext").
import { Client, EdgetextError, segments, type ErrorCode } from "edgetext";

const count: number = segments("hello").count;
const code: ErrorCode = new EdgetextError("x", { code: "timeout" }).code;
const provider: string = new Client({ provider: "textlink", apiKey: "k" }).provider;
export { count, code, provider };
