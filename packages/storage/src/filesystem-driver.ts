import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import type { ObjectDriver } from "./object-store.ts";

/**
 * Objects as files under `root` (the default driver; local stack and tests). Keys map to paths
 * one to one; writes go through a temporary file and a rename, so a reader never sees half an object.
 */
export function createFilesystemDriver(opts: { root: string }): ObjectDriver {
  const root = resolve(opts.root);
  const pathOf = (key: string) => {
    const path = resolve(root, key);
    // Keys are validated before they get here; this is the last line against a path outside root.
    if (!path.startsWith(root + sep)) throw new Error(`object key escapes the store root: ${key}`);
    return path;
  };
  const isMissing = (err: unknown) => (err as { code?: string }).code === "ENOENT";

  async function walk(dir: string, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, out);
      else if (entry.isFile() && !entry.name.includes(".tmp-")) out.push(path);
    }
  }

  /** Removes now-empty directories from `dir` up to (not including) root. */
  async function prune(dir: string): Promise<void> {
    for (let d = dir; d.startsWith(root + sep); d = dirname(d)) {
      try {
        await rmdir(d);
      } catch {
        return;
      }
    }
  }

  return {
    name: "filesystem",
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.tmp-${process.pid}-${globalThis.crypto.randomUUID()}`;
      await writeFile(tmp, body);
      await rename(tmp, path);
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    async list(prefix) {
      // Walk from the deepest directory the prefix names, then filter by the whole prefix.
      const dir = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
      const files: string[] = [];
      await walk(dir ? pathOf(dir) : root, files);
      return files
        .map((f) =>
          f
            .slice(root.length + 1)
            .split(sep)
            .join("/"),
        )
        .filter((k) => k.startsWith(prefix))
        .sort();
    },
    async delete(keys) {
      const dirs = new Set<string>();
      for (const key of keys) {
        const path = pathOf(key);
        await rm(path, { force: true });
        dirs.add(dirname(path));
      }
      for (const dir of dirs) await prune(dir);
    },
  };
}
