import { describe, expect, it } from "vitest";
import { codeBlocksOf, shellCommands } from "./readme-blocks.ts";

const MARKDOWN = [
  "# Title",
  "## Run",
  "```sh",
  "bash run.sh   # starts it",
  "```",
  "### Session",
  "text",
  "```sh",
  "A=$(tool make --name x) # the id",
  "curl -s host -H 'a: b' \\",
  "  -d '{}'",
  "",
  "# a comment line",
  "tool list",
  "```",
  "```ts",
  "const x = 1;",
  "```",
  "## Next",
  "```sh",
  "not this",
  "```",
].join("\n");

describe("README code blocks", () => {
  it("takes a section's blocks, up to the next heading", () => {
    expect(codeBlocksOf(MARKDOWN, "### Session").map((b) => b.lang)).toEqual(["sh", "ts"]);
    expect(codeBlocksOf(MARKDOWN, "## Run")).toEqual([{ lang: "sh", code: "bash run.sh   # starts it\n" }]);
    expect(() => codeBlocksOf(MARKDOWN, "## Missing")).toThrow(/no heading/);
  });

  it("splits a shell block into commands: continuations joined, comments dropped", () => {
    const [session] = codeBlocksOf(MARKDOWN, "### Session");
    expect(shellCommands(session?.code ?? "")).toEqual([
      "A=$(tool make --name x)",
      "curl -s host -H 'a: b' -d '{}'",
      "tool list",
    ]);
  });
});
