import { mkdtemp, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError, newId } from "@platforma/contracts";
import { createFilesystemDriver } from "./filesystem-driver.ts";
import { createTenantObjectStore, type TenantObjectStore } from "./object-store.ts";
import { createS3Driver, type S3Driver } from "./s3-driver.ts";

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required (scripts/services.sh env prints it)`);
  return value;
}

let dir: string;
let s3: S3Driver;
const stores: Record<string, TenantObjectStore> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "platforma-objects-"));
  stores["filesystem"] = createTenantObjectStore(createFilesystemDriver({ root: dir }));
  s3 = createS3Driver({
    endpoint: requireEnv("S3_ENDPOINT"),
    region: process.env["S3_REGION"] ?? "us-east-1",
    bucket: `platforma-test-${globalThis.crypto.randomUUID().slice(0, 8)}`,
    accessKeyId: process.env["S3_ACCESS_KEY_ID"],
    secretAccessKey: process.env["S3_SECRET_ACCESS_KEY"],
  });
  await s3.ensureBucket();
  await s3.ensureBucket();
  stores["s3"] = createTenantObjectStore(s3);
}, 60_000);

afterAll(async () => {
  s3?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each(["filesystem", "s3"])("tenant object store (%s driver)", (driverName) => {
  const store = () => stores[driverName] as TenantObjectStore;

  it("puts, gets, lists and deletes under the tenant's prefix only", async () => {
    const a = newId("tenant");
    const b = newId("tenant");
    await store().put(a, "archive/t1/manifest.json", '{"ok":true}', "application/json");
    await store().put(a, "archive/t1/orders.jsonl", new Uint8Array([1, 2, 3]));
    await store().put(a, "exports/x.txt", "x");
    await store().put(b, "archive/t1/manifest.json", "b's");

    expect(new TextDecoder().decode((await store().get(a, "archive/t1/manifest.json")) ?? undefined)).toBe(
      '{"ok":true}',
    );
    expect(await store().get(a, "archive/t1/orders.jsonl")).toEqual(new Uint8Array([1, 2, 3]));
    expect(await store().get(a, "archive/t1/missing")).toBeNull();
    expect(await store().list(a)).toEqual([
      "archive/t1/manifest.json",
      "archive/t1/orders.jsonl",
      "exports/x.txt",
    ]);
    expect(await store().list(a, "archive/")).toEqual([
      "archive/t1/manifest.json",
      "archive/t1/orders.jsonl",
    ]);
    expect(await store().list(a, "archive/t")).toEqual([
      "archive/t1/manifest.json",
      "archive/t1/orders.jsonl",
    ]);

    expect(await store().deletePrefix(a, "archive/")).toBe(2);
    expect(await store().list(a)).toEqual(["exports/x.txt"]);
    expect(await store().deletePrefix(a)).toBe(1);
    expect(await store().deletePrefix(a)).toBe(0);
    expect(await store().list(a)).toEqual([]);
    // The other tenant's objects are untouched.
    expect(await store().list(b)).toEqual(["archive/t1/manifest.json"]);
    await store().deletePrefix(b);
  });

  it("rejects keys that would escape the tenant's prefix, before touching the backend", async () => {
    const a = newId("tenant");
    const victim = newId("tenant");
    await store().put(victim, "secret.txt", "victim");
    const attempts = [
      () => store().put(a, `../${victim}/secret.txt`, "x"),
      () => store().put(a, `tenants/${victim}/secret.txt`, "x"),
      () => store().get(a, `../${victim}/secret.txt`),
      () => store().get(a, "/etc/passwd"),
      () => store().get(a, "..\\..\\x"),
      () => store().list(a, `../${victim}/`),
      () => store().list(a, "../"),
      () => store().deletePrefix(a, `../${victim}`),
      () => store().deletePrefix(a, ".."),
      () => store().put(a, "a\u0000b", "x"),
      () => store().put("ten_x" as never, "a", "x"),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(DomainError);
    expect(await store().list(victim)).toEqual(["secret.txt"]);
    expect(await store().list(a)).toEqual([]);
    await store().deletePrefix(victim);
  });
});

describe("filesystem driver", () => {
  it("keeps files of a tenant whose id shares a prefix, and ignores half-written files", async () => {
    const store = stores["filesystem"] as TenantObjectStore;
    const a = newId("tenant");
    await store.put(a, "k/one", "1");
    const tmp = join(dir, "tenants", a, "k");
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, "two.tmp-1-x"), "partial");
    expect(await store.list(a)).toEqual(["k/one"]);
    await store.deletePrefix(a);
    expect(await readdir(join(dir, "tenants", a, "k"))).toEqual(["two.tmp-1-x"]);
  });
});
