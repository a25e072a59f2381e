/** `pnpm events:docs`: rewrites the event catalogue section of README.md from the contracts. */
import { readFile, writeFile } from "node:fs/promises";
import { renderCatalogueDocs, replaceCatalogueSection } from "./catalogue-docs.ts";

const readmePath = new URL("../../../README.md", import.meta.url);
const readme = await readFile(readmePath, "utf8");
const updated = replaceCatalogueSection(readme, renderCatalogueDocs());
if (updated === readme) {
  console.log("README.md event catalogue is up to date");
} else {
  await writeFile(readmePath, updated);
  console.log("README.md event catalogue rewritten");
}
