import type { LoadResult } from "./run-load.ts";

export interface SideResult {
  name: string;
  description: string;
  load: LoadResult;
}

export interface Comparison {
  title: string;
  /** One line: load shape, pools, caches, environment. */
  settings: string;
  /** The ratios are `first/second`. */
  sides: readonly [SideResult, SideResult];
  /** Lines printed after the side descriptions and first errors. */
  notes?: readonly string[];
}

export const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : "n/a";

/** The table a benchmark prints: one row per side, then the ratios of the first side to the second. */
export function formatComparison({ title, settings, sides, notes = [] }: Comparison): string {
  const [first, second] = sides;
  const header = ["side", "requests", "errors", "req/s", "p50 ms", "p99 ms"];
  const rows = sides.map((side) => [
    side.name,
    String(side.load.requests),
    String(side.load.errors),
    fixed(side.load.requestsPerSec, 1),
    fixed(side.load.p50Ms, 2),
    fixed(side.load.p99Ms, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");

  const out = [
    title,
    settings,
    "",
    line(header),
    ...rows.map(line),
    "",
    `${first.name}/${second.name}  throughput ${fixed(first.load.requestsPerSec / second.load.requestsPerSec, 3)}x` +
      `   p99 ${fixed(first.load.p99Ms / second.load.p99Ms, 3)}x` +
      `   p50 ${fixed(first.load.p50Ms / second.load.p50Ms, 3)}x`,
    "",
    ...sides.map((side) => `${side.name.padEnd(widths[0] ?? 0)}  ${side.description}`),
  ];
  for (const side of sides) {
    if (side.load.firstError) out.push(`${side.name}: first error: ${side.load.firstError}`);
  }
  out.push(...notes);
  return `${out.join("\n")}\n`;
}
