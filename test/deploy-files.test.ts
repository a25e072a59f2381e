import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SEARCH_ATTRIBUTES } from "@platforma/contracts/workflows";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const read = (path: string) => readFile(join(ROOT, path), "utf8");
const readYaml = async (path: string): Promise<unknown> => parse(await read(path), { merge: true });
const readJson = async (path: string): Promise<object> => JSON.parse(await read(path)) as object;

function validate(schema: object, value: unknown): ErrorObject[] {
  // Both schemas are draft-07; the Compose one names it by its https address, which ajv's bundled
  // draft-07 meta-schema is not registered under. `strict: false` admits its annotations.
  const draft07 = { ...schema, $schema: "http://json-schema.org/draft-07/schema#" };
  const check = new Ajv({ allErrors: true, strict: false }).compile(draft07);
  return check(value) ? [] : (check.errors ?? []);
}

interface ComposeService {
  image?: string;
  build?: unknown;
  restart?: string;
  healthcheck?: { test?: unknown; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  command?: unknown;
  environment?: Record<string, string>;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

const compose = async () => (await readYaml("docker-compose.yml")) as ComposeFile;
const dependencies = (s: ComposeService) =>
  Array.isArray(s.depends_on)
    ? s.depends_on.map((name) => [name, "service_started"] as const)
    : Object.entries(s.depends_on ?? {}).map(
        ([name, d]) => [name, d.condition ?? "service_started"] as const,
      );

describe("docker-compose.yml", () => {
  it("is valid under the Compose Specification schema", async () => {
    const errors = validate(
      await readJson("deploy/schemas/compose-spec.json"),
      await readYaml("docker-compose.yml"),
    );
    expect(errors.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  });

  it("refuses what the schema refuses (the check is live)", async () => {
    const schema = await readJson("deploy/schemas/compose-spec.json");
    expect(validate(schema, { services: { api: { image: "x:1", restart: 3 } } })).not.toEqual([]);
    expect(validate(schema, { services: { api: { image: "x:1", helthcheck: {} } } })).not.toEqual([]);
  });

  it("pins every image to a version: no `latest`, no untagged image, apart from the one it builds", async () => {
    const { services } = await compose();
    const unpinned = Object.entries(services).flatMap(([name, s]) => {
      if (s.build !== undefined) return [];
      const image = s.image ?? "";
      const tag = /:([^/:@]+)$/.exec(image)?.[1];
      return !tag || tag === "latest" || !/\d/.test(tag) ? [`${name}: ${image || "(none)"}`] : [];
    });
    expect(unpinned).toEqual([]);
  });

  it("gives every long-running service a restart policy and a healthcheck; one-shots are awaited to completion", async () => {
    const { services } = await compose();
    const oneShots = new Set(
      Object.values(services).flatMap((s) =>
        dependencies(s)
          .filter(([, condition]) => condition === "service_completed_successfully")
          .map(([name]) => name),
      ),
    );
    const problems = Object.entries(services).flatMap(([name, s]) => {
      const found: string[] = [];
      if (!s.restart) found.push(`${name}: no restart policy`);
      if (oneShots.has(name)) {
        if (s.restart !== undefined && !s.restart.startsWith("on-failure"))
          found.push(`${name}: a one-shot restarts only on failure`);
      } else if (!s.healthcheck?.test || s.healthcheck.disable) found.push(`${name}: no healthcheck`);
      return found;
    });
    expect(problems).toEqual([]);
  });

  it("depends only on services it defines, waits for health where there is one, and has no cycle", async () => {
    const { services } = await compose();
    const problems: string[] = [];
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, condition] of dependencies(s)) {
        const target = services[dep];
        if (!target) problems.push(`${name} -> ${dep}: no such service`);
        else if (target.healthcheck && condition !== "service_healthy")
          problems.push(`${name} -> ${dep}: waits for ${condition}, not service_healthy`);
      }
    }
    const state = new Map<string, "visiting" | "done">();
    const visit = (name: string, path: string[]) => {
      if (state.get(name) === "done") return;
      if (state.get(name) === "visiting") return void problems.push(`cycle: ${[...path, name].join(" -> ")}`);
      state.set(name, "visiting");
      for (const [dep] of dependencies(services[name] ?? {})) visit(dep, [...path, name]);
      state.set(name, "done");
    };
    for (const name of Object.keys(services)) visit(name, []);
    expect(problems).toEqual([]);
  });

  it("checks Postgres over TCP, so the check cannot pass while the init scripts still run", async () => {
    const { services } = await compose();
    const test = services["postgres"]?.healthcheck?.test;
    expect(Array.isArray(test) ? test.join(" ") : test).toMatch(/pg_isready .*-h 127\.0\.0\.1/);
  });

  it("binds host ports to loopback, off a local Postgres's 5432 and the local scripts' ports", async () => {
    const text = await read("docker-compose.yml");
    const { services } = await compose();
    const ports = Object.values(services).flatMap((s) => (s as { ports?: string[] }).ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    const hostPorts = ports.map((p) => p.split(":")[1]);
    for (const taken of ["5432", "19092", "18333", "7233", "8233"]) expect(hostPorts).not.toContain(taken);
    expect(text).not.toMatch(/\|\|\s*true/);
  });

  it("registers the contracted search attributes, each step failing loudly", async () => {
    const script = await read("deploy/temporal/setup-namespace.sh");
    expect(script).toMatch(/^set -eu$/m);
    expect(script).not.toMatch(/\|\|\s*true/);
    const listed = /^SEARCH_ATTRIBUTES="([^"]*)"$/m.exec(script)?.[1]?.split(/\s+/) ?? [];
    expect([...listed].sort()).toEqual(Object.values(SEARCH_ATTRIBUTES).sort());
  });

  it("runs Redpanda Connect 4.69 or later (the pipeline uses regexp_topics_include)", async () => {
    const { services } = await compose();
    const tag = /:(\d+)\.(\d+)\.(\d+)$/.exec(services["connect"]?.image ?? "");
    expect(tag).not.toBeNull();
    const [major, minor] = [Number(tag?.[1]), Number(tag?.[2])];
    expect(major > 4 || (major === 4 && minor >= 69)).toBe(true);
  });
});

describe("deploy/connect/tenant-events.yaml", () => {
  const pipeline = () => readYaml("deploy/connect/tenant-events.yaml");

  it("uses only the documented fields of the redpanda input, the mutation processor and the aws_s3 output", async () => {
    const errors = validate(
      await readJson("deploy/schemas/redpanda-connect-tenant-events.schema.json"),
      await pipeline(),
    );
    expect(errors.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  });

  it("refuses a field the documentation does not have (the check is live)", async () => {
    const schema = await readJson("deploy/schemas/redpanda-connect-tenant-events.schema.json");
    const config = (await pipeline()) as { input: { redpanda: Record<string, unknown> } };
    config.input.redpanda["regexp_topic_include"] = ["typo"];
    expect(validate(schema, config)).not.toEqual([]);
  });

  it("writes outside the tenant prefix the purge counts, in a bucket of its own", async () => {
    const config = (await pipeline()) as {
      pipeline: { processors: { mutation?: string }[] };
      output: { aws_s3: { bucket: string } };
    };
    const mutation = config.pipeline.processors.map((p) => p.mutation ?? "").join("\n");
    const keyTemplates = [...mutation.matchAll(/"([^"]*%[sv][^"]*)"/g)].map((m) => m[1] ?? "");
    expect(keyTemplates.length).toBeGreaterThan(0);
    for (const key of keyTemplates) expect(key).not.toMatch(/^tenants\//);

    const { services } = await compose();
    const tenantBucket = services["worker"]?.environment?.["S3_BUCKET"];
    const archiveBucket = services["connect"]?.environment?.["ARCHIVE_BUCKET"];
    expect(tenantBucket).toBeTruthy();
    expect(archiveBucket).toBeTruthy();
    expect(archiveBucket).not.toBe(tenantBucket);
    // The default, when ARCHIVE_BUCKET is unset, is the archive bucket too.
    expect(config.output.aws_s3.bucket).toBe(`\${ARCHIVE_BUCKET:${archiveBucket}}`);
  });
});
