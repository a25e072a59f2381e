import type { BenchOptions } from "./bench-options.ts";
import type { LoadResult } from "./run-load.ts";

export interface SideResult {
  name: string;
  description: string;
  load: LoadResult;
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

/** The table `pnpm bench` prints: one row per side, then full/bare ratios. */
export function formatReport(
  title: string,
  options: BenchOptions,
  environment: string,
  full: SideResult,
  bare: SideResult,
): string {
  const header = ["side", "requests", "errors", "req/s", "p50 ms", "p99 ms"];
  const rows = [full, bare].map((side) => [
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
    `${options.connections} connections, ${options.warmupSec} s warm-up + ${options.durationSec} s measured per side, ` +
      `pool ${options.poolSize} per side, tenant state cache ${options.tenantCacheMs} ms; ${environment}`,
    "",
    line(header),
    ...rows.map(line),
    "",
    `full/bare  throughput ${fixed(full.load.requestsPerSec / bare.load.requestsPerSec, 3)}x` +
      `   p99 ${fixed(full.load.p99Ms / bare.load.p99Ms, 3)}x` +
      `   p50 ${fixed(full.load.p50Ms / bare.load.p50Ms, 3)}x`,
    "",
    ...[full, bare].map((side) => `${side.name.padEnd(widths[0] ?? 0)}  ${side.description}`),
  ];
  for (const side of [full, bare]) {
    if (side.load.firstError) out.push(`${side.name}: first error: ${side.load.firstError}`);
  }
  return `${out.join("\n")}\n`;
}
