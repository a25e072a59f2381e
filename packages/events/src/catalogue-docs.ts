import { z } from "zod";
import {
  cloudEventType,
  EVENT_CATALOGUE,
  EVENT_KEY,
  TOPIC_SETTINGS,
  TOPICS,
  type EventType,
} from "@platforma/contracts";

export const CATALOGUE_DOCS_BEGIN = "<!-- BEGIN GENERATED: event catalogue (pnpm events:docs) -->";
export const CATALOGUE_DOCS_END = "<!-- END GENERATED: event catalogue -->";

/** A zod schema as a short TypeScript-like type, for a reader of the README. */
export function describeSchema(schema: z.core.$ZodType): string {
  if (schema instanceof z.ZodOptional) return `${describeSchema(schema.unwrap())}?`;
  if (schema instanceof z.ZodNullable) return `${describeSchema(schema.unwrap())} | null`;
  if (schema instanceof z.ZodDefault) return describeSchema(schema.unwrap());
  if (schema instanceof z.ZodArray) {
    const element = describeSchema(schema.element);
    return /[ |]/.test(element) && !element.startsWith("{") ? `(${element})[]` : `${element}[]`;
  }
  if (schema instanceof z.ZodRecord) {
    return `record<${describeSchema(schema.keyType)}, ${describeSchema(schema.valueType)}>`;
  }
  if (schema instanceof z.ZodObject) {
    const fields = Object.entries(schema.shape as Record<string, z.core.$ZodType>).map(
      ([name, field]) => `${name}: ${describeSchema(field)}`,
    );
    return `{ ${fields.join(", ")} }`;
  }
  if (schema instanceof z.ZodEnum) return schema.options.map((o) => JSON.stringify(o)).join(" | ");
  if (schema instanceof z.ZodLiteral)
    return schema.values.size === 1 ? JSON.stringify([...schema.values][0]) : "literal";
  if (schema instanceof z.ZodUnion) return schema.options.map((o) => describeSchema(o)).join(" | ");
  if (schema instanceof z.ZodString) return "string";
  if (schema instanceof z.ZodNumber) return "number";
  if (schema instanceof z.ZodBoolean) return "boolean";
  if (schema instanceof z.ZodUnknown || schema instanceof z.ZodAny) return "unknown";
  return schema._zod.def.type;
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

function payload(type: EventType): string {
  const schema = EVENT_CATALOGUE[type].data as z.core.$ZodType;
  if (!(schema instanceof z.ZodObject)) return `\`${cell(describeSchema(schema))}\``;
  return Object.entries(schema.shape as Record<string, z.core.$ZodType>)
    .map(([name, field]) => `\`${name}\`: \`${cell(describeSchema(field))}\``)
    .join("<br>");
}

const days = (ms: number) => `${Math.round(ms / 86_400_000)} days`;

/** The README's catalogue section, markers included, generated from the contracts. */
export function renderCatalogueDocs(): string {
  const lines = [
    CATALOGUE_DOCS_BEGIN,
    "",
    "_Generated from `packages/contracts/src/events.ts` by `pnpm events:docs`; a test fails when this section is out of date._",
    "",
    `Every event: Kafka key = ${EVENT_KEY}; CloudEvents 1.0 binary mode, attributes in the headers \`ce_id\` (the event id, ` +
      "`evt_…`), `ce_type`, `ce_source`, `ce_time`, `ce_specversion` (`1.0`), `ce_tenantid`, and `content-type: application/json`; " +
      "the body is `data` as JSON.",
    "",
    "| topic | key | partitions | retention | carries |",
    "|---|---|---|---|---|",
  ];
  for (const topic of Object.values(TOPICS)) {
    const settings = TOPIC_SETTINGS[topic];
    lines.push(
      `| \`${topic}\` | ${EVENT_KEY} | ${settings.partitions} | ${days(settings.retentionMs)} | ${cell(settings.description)} |`,
    );
  }
  for (const topic of Object.values(TOPICS)) {
    const types = (Object.keys(EVENT_CATALOGUE) as EventType[]).filter(
      (t) => EVENT_CATALOGUE[t].topic === topic,
    );
    lines.push("", `#### \`${topic}\``, "");
    if (types.length === 0) {
      lines.push("No event types yet.");
      continue;
    }
    lines.push("| `ce_type` | description | `data` fields |", "|---|---|---|");
    for (const type of types) {
      lines.push(
        `| \`${cloudEventType(type)}\` | ${cell(EVENT_CATALOGUE[type].description)} | ${payload(type)} |`,
      );
    }
  }
  lines.push("", CATALOGUE_DOCS_END);
  return lines.join("\n");
}

/** `readme` with its catalogue section replaced by `section`; throws if the markers are missing. */
export function replaceCatalogueSection(readme: string, section: string): string {
  const begin = readme.indexOf(CATALOGUE_DOCS_BEGIN);
  const end = readme.indexOf(CATALOGUE_DOCS_END);
  if (begin < 0 || end < begin) {
    throw new Error(`README.md has no "${CATALOGUE_DOCS_BEGIN}" … "${CATALOGUE_DOCS_END}" section`);
  }
  return readme.slice(0, begin) + section + readme.slice(end + CATALOGUE_DOCS_END.length);
}
