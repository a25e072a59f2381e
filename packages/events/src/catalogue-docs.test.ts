import { readFile } from "node:fs/promises";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import {
  EVENT_CATALOGUE,
  TOPIC_SETTINGS,
  TOPICS,
  cloudEventType,
  type EventType,
} from "@platforma/contracts";
import {
  CATALOGUE_DOCS_BEGIN,
  CATALOGUE_DOCS_END,
  describeSchema,
  renderCatalogueDocs,
} from "./catalogue-docs.ts";

describe("the README's event catalogue", () => {
  it("is the one generated from the contracts (run `pnpm events:docs` after changing them)", async () => {
    const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
    const begin = readme.indexOf(CATALOGUE_DOCS_BEGIN);
    const end = readme.indexOf(CATALOGUE_DOCS_END);
    expect(begin, "README.md has the generated section").toBeGreaterThanOrEqual(0);
    const section = readme.slice(begin, end + CATALOGUE_DOCS_END.length);
    expect(section, "README.md is out of date: run `pnpm events:docs`").toBe(renderCatalogueDocs());
  });

  it("lists every topic and event type with its ce_type", () => {
    const docs = renderCatalogueDocs();
    for (const topic of Object.values(TOPICS)) expect(docs).toContain(`\`${topic}\``);
    for (const type of Object.keys(EVENT_CATALOGUE) as EventType[])
      expect(docs).toContain(cloudEventType(type));
  });

  it("gives every topic explicit partitions and retention", () => {
    for (const topic of Object.values(TOPICS)) {
      expect(TOPIC_SETTINGS[topic].partitions).toBeGreaterThan(0);
      expect(TOPIC_SETTINGS[topic].retentionMs).toBeGreaterThan(0);
    }
  });

  it("describes schemas as short types", () => {
    expect(
      describeSchema(
        z.object({
          a: z.array(z.object({ q: z.string() })),
          b: z.string().nullable(),
          c: z.record(z.string(), z.number()),
          d: z.enum(["x", "y"]).optional(),
        }),
      ),
    ).toBe('{ a: { q: string }[], b: string | null, c: record<string, number>, d: "x" | "y"? }');
  });
});
