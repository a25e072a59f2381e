import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ERROR_REASONS } from "@platforma/contracts";
import { appRouter } from "../routers/app-router.ts";
import type { Meta } from "../trpc.ts";
import { buildOpenApiDocument, renderOpenApiDocument } from "./build-openapi-document.ts";

interface Operation {
  operationId: string;
  "x-trpc-type": string;
  "x-scopes": string[];
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { required: boolean };
  responses: Record<string, unknown>;
}

const document = buildOpenApiDocument() as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { enum?: string[] }> };
};
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string; meta?: Meta } }>,
);

function operationOf(path: string): [method: string, operation: Operation] {
  const item = document.paths[`/trpc/${path}`] ?? {};
  const entries = Object.entries(item);
  expect(entries, path).toHaveLength(1);
  const [entry] = entries;
  if (!entry) throw new Error(`no operation for ${path}`);
  return entry;
}

describe("the OpenAPI document", () => {
  it("is the one committed as docs/openapi.json (run `pnpm openapi` after changing a procedure)", async () => {
    const committed = await readFile(new URL("../../../../docs/openapi.json", import.meta.url), "utf8");
    expect(committed, "docs/openapi.json is out of date: run `pnpm openapi`").toBe(renderOpenApiDocument());
  });

  it("has one operation per procedure and nothing else", () => {
    expect(Object.keys(document.paths).sort()).toEqual(procedures.map(([path]) => `/trpc/${path}`).sort());
  });

  it.each(procedures)("%s: queries and subscriptions are GET, mutations POST", (path, procedure) => {
    const [method, operation] = operationOf(path);
    expect(method).toBe(procedure._def.type === "mutation" ? "post" : "get");
    expect(operation["x-trpc-type"]).toBe(procedure._def.type);
    expect(operation.operationId).toBe(path);
  });

  it.each(procedures)("%s: declares the procedure's scopes", (path, procedure) => {
    const [, operation] = operationOf(path);
    const scopes = procedure._def.meta?.scopes ?? [];
    expect(operation["x-scopes"]).toEqual(scopes);
    if (scopes.length === 0) expect(operation.security).toEqual([]);
    for (const requirement of operation.security) expect(Object.values(requirement)).toEqual([scopes]);
  });

  it("offers API keys nowhere `platform:admin` is needed, since no key can carry it", () => {
    for (const [path, procedure] of procedures) {
      const [, operation] = operationOf(path);
      const schemes = operation.security.flatMap((requirement) => Object.keys(requirement));
      const operatorOnly = procedure._def.meta?.scopes?.includes("platform:admin") ?? false;
      expect(schemes.includes("apiKey"), path).toBe(!operatorOnly && schemes.length > 0);
    }
  });

  it("sends a query's input as the `input` query parameter, a mutation's as the body", () => {
    expect(operationOf("clusters.get")[1].parameters).toEqual([
      expect.objectContaining({ name: "input", in: "query", required: true }),
    ]);
    // A defaulted input may be left out.
    expect(operationOf("clusters.list")[1].parameters).toEqual([
      expect.objectContaining({ required: false }),
    ]);
    expect(operationOf("clusters.create")[1].requestBody).toEqual(
      expect.objectContaining({ required: true }),
    );
    expect(operationOf("quotas.get")[1].parameters).toBeUndefined();
  });

  it("names every error reason of the contract, and answers each status of it", () => {
    expect(document.components.schemas["ErrorReason"]?.enum).toEqual(Object.keys(ERROR_REASONS));
    const statuses = [...new Set(Object.values(ERROR_REASONS))].map(String);
    expect(Object.keys(operationOf("clusters.create")[1].responses).sort()).toEqual(
      ["200", ...statuses, "default"].sort(),
    );
  });
});
