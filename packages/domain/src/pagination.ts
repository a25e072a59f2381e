import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { DomainError } from "@platforma/contracts";

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Opaque keyset cursor over (created_at, id), newest first. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url");
}

/** What a cursor may hold: a business id and a timestamp Postgres can compare with. */
const CURSOR_ID = /^[a-z]{3}_[0-9a-z]{20}$/;
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);

/**
 * Strictly parsed: only what `encodeCursor` writes gets through (a business id, an ISO time in
 * range), so a forged cursor is `invalid_input`, never a value the database refuses.
 */
export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === "string" &&
      typeof parsed[1] === "string" &&
      CURSOR_ID.test(parsed[1])
    ) {
      const at = new Date(parsed[0]);
      const ms = at.getTime();
      if (ms >= EARLIEST && ms <= LATEST && at.toISOString() === parsed[0]) return { at, id: parsed[1] };
    }
  } catch {
    // fall through to the typed error
  }
  throw new DomainError("invalid_input", "invalid cursor", {
    issues: [{ path: ["cursor"], message: "invalid cursor" }],
  });
}

/**
 * Newest-first keyset pagination over (created_at, id): the filter for rows after `cursor`, and
 * the ordering. Stable under concurrent inserts, unlike OFFSET.
 */
export function newestFirst(columns: { createdAt: PgColumn; id: PgColumn }, cursor: string | undefined) {
  const after = decodeCursor(cursor);
  const where: SQL | undefined = after
    ? or(lt(columns.createdAt, after.at), and(eq(columns.createdAt, after.at), lt(columns.id, after.id)))
    : undefined;
  return { where, orderBy: [desc(columns.createdAt), desc(columns.id)] as const };
}

/** Cuts the `limit + 1` rows a query fetched into a page and the cursor of the next one. */
export function toPage<R extends { createdAt: Date; id: string }, T>(
  rows: R[],
  limit: number,
  toDto: (row: R) => T,
): Page<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toDto),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
