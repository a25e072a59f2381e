/** `pnpm openapi`: rewrites docs/openapi.json from the routers. */
import { readFile, writeFile } from "node:fs/promises";
import { renderOpenApiDocument } from "./build-openapi-document.ts";

const documentPath = new URL("../../../../docs/openapi.json", import.meta.url);
const current = await readFile(documentPath, "utf8").catch(() => null);
const rendered = renderOpenApiDocument();
if (rendered === current) {
  console.log("docs/openapi.json is up to date");
} else {
  await writeFile(documentPath, rendered);
  console.log("docs/openapi.json rewritten");
}
