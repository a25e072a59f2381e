import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { appRouter } from "./routers/app-router.ts";

type Schema = z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } } };

/** Strings Postgres refuses: a NUL (in `text`) and a lone UTF-16 surrogate (in `jsonb`). */
const UNSTORABLE = ["abc\u0000def", "abc\ud800def", "\udfff"];

/** Every string schema inside `schema`, with the path that leads to it. */
function stringsIn(schema: Schema, path: string, out: { path: string; schema: Schema }[], seen = new Set()) {
  if (seen.has(schema)) return out;
  seen.add(schema);
  const def = schema._zod.def;
  const walk = (child: unknown, at: string) => stringsIn(child as Schema, at, out, seen);
  switch (def.type) {
    case "string":
      out.push({ path, schema });
      break;
    case "object":
      for (const [key, child] of Object.entries(def["shape"] as Record<string, unknown>))
        walk(child, `${path}.${key}`);
      break;
    case "array":
      walk(def["element"], `${path}[]`);
      break;
    case "record":
      walk(def["keyType"], `${path}{key}`);
      walk(def["valueType"], `${path}{}`);
      break;
    case "union":
      for (const [i, option] of (def["options"] as unknown[]).entries()) walk(option, `${path}|${i}`);
      break;
    case "intersection":
      walk(def["left"], path);
      walk(def["right"], path);
      break;
    case "pipe":
      walk(def["in"], path);
      break;
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      walk(def["innerType"], path);
      break;
    case "lazy":
      walk((def["getter"] as () => unknown)(), path);
      break;
    default:
      break;
  }
  return out;
}

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { inputs?: Schema[] } }>,
);
const fields = procedures.flatMap(([name, p]) =>
  (p._def.inputs ?? []).flatMap((input) => stringsIn(input, name, [])),
);

describe("every string any procedure accepts refuses what Postgres cannot store", () => {
  it("finds the string fields of the procedures' inputs", () => {
    expect(fields.length).toBeGreaterThan(15);
    expect(fields.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        "clusters.create.idempotencyKey",
        "tenants.suspend.reason",
        "users.invite.displayName",
      ]),
    );
  });

  it.each(fields.map((f) => [f.path, f.schema] as const))("%s", (_path, schema) => {
    for (const value of UNSTORABLE)
      expect(schema.safeParse(value).success, JSON.stringify(value)).toBe(false);
  });
});
