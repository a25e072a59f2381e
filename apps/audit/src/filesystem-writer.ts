import { randomUUID } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import type { ObjectWriter } from "./object-writer.ts";

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * Objects as files under `root`. A key is `/`-separated segments of safe characters, none of them
 * `.` or `..`, so nothing lands outside `root`. Each put writes a temporary file and renames it:
 * a reader never sees half an object, and a crash mid-write leaves the old one (or none).
 */
export function createFilesystemWriter(root: string): ObjectWriter {
  const base = resolve(root);
  return {
    async put(key, body) {
      const segments = key.split("/");
      if (segments.some((s) => !SEGMENT.test(s) || s === "." || s === "..")) {
        throw new Error(`invalid object key ${JSON.stringify(key)}`);
      }
      const path = join(base, ...segments);
      if (!path.startsWith(base + sep)) throw new Error(`object key ${JSON.stringify(key)} escapes the root`);
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${randomUUID()}.tmp`;
      await writeFile(temporary, body);
      await rename(temporary, path);
    },
  };
}
