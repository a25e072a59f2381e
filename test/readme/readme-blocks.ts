import { readFileSync } from "node:fs";

/** The fenced code blocks of one README section (from its heading to the next heading of any level). */
export function codeBlocksOf(markdown: string, heading: string): { lang: string; code: string }[] {
  const lines = markdown.split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`the README has no heading ${JSON.stringify(heading)}`);
  // A `#` line inside a code block is a shell comment, not a heading.
  let fenced = false;
  const end = lines.findIndex((line, i) => {
    if (line.startsWith("```")) fenced = !fenced;
    return i > start && !fenced && /^#{1,6} /.test(line);
  });
  const section = lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
  return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1] ?? "",
    code: m[2] ?? "",
  }));
}

/**
 * The commands of a shell block, one per entry: continuation lines joined, trailing comments
 * (whitespace, `#`, a space) dropped. The README's commands keep `#` out of their arguments.
 */
export function shellCommands(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((line) => line.replace(/\s+# .*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

export function readmeBlocks(path: string, heading: string, lang: string): string[] {
  return codeBlocksOf(readFileSync(path, "utf8"), heading)
    .filter((block) => block.lang === lang)
    .map((block) => block.code);
}
