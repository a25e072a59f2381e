import { writeFile } from "node:fs/promises";
import { fixed } from "./format-comparison.ts";

/** A target a ratio is held to: at least (`min`) or at most (`max`) the value. */
export type Target = { min: number } | { max: number };

/** One line of the summary `pnpm bench` prints last (and `--json FILE` writes). */
export interface SummaryRow {
  benchmark: string;
  /** What `value` is, e.g. `throughput full/bare` (a ratio) or `commit->consumer p99 ms`. */
  metric: string;
  value: number;
  target: Target | null;
  /** p99 latency of each side, in ms, when the benchmark has one. */
  p99Ms?: { first: number; second: number };
}

/** What one benchmark hands back: the report it prints and its lines of the summary. */
export interface BenchmarkResult {
  report: string;
  summary: SummaryRow[];
}

export const meets = (value: number, target: Target | null): boolean | null =>
  target === null ? null : "min" in target ? value >= target.min : value <= target.max;

const targetText = (target: Target | null) =>
  target === null ? "-" : "min" in target ? `>= ${target.min}` : `<= ${target.max}`;

const verdict = (row: SummaryRow) => {
  const met = meets(row.value, row.target);
  return met === null ? "" : met ? "ok" : "MISSED";
};

/** The summary table: one row per ratio, its target and whether this run met it. */
export function formatSummary(rows: readonly SummaryRow[], smoke: boolean): string {
  const header = ["benchmark", "metric", "value", "target", "", "p99 ms (first / second)"];
  const lines = rows.map((row) => [
    row.benchmark,
    row.metric,
    fixed(row.value, 3),
    targetText(row.target),
    verdict(row),
    row.p99Ms ? `${fixed(row.p99Ms.first, 1)} / ${fixed(row.p99Ms.second, 1)}` : "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [
    smoke
      ? "summary (--smoke: a second or two per side, so the numbers say nothing; what it proves is that every benchmark runs and both sides answer the same)"
      : "summary",
    line(header),
    ...lines.map(line),
    "",
  ].join("\n");
}

/** `--json FILE`: the summary with the run's settings, so runs can be compared. */
export async function writeSummaryJson(
  file: string,
  run: { environment: string; smoke: boolean; options: unknown },
  rows: readonly SummaryRow[],
): Promise<void> {
  const body = {
    at: new Date().toISOString(),
    ...run,
    results: rows.map((row) => ({ ...row, met: meets(row.value, row.target) })),
  };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
}
