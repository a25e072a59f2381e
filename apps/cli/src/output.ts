export type OutputFormat = "table" | "json" | "id";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["table", "json", "id"];

/** Where a command writes: stdout for results, stderr for everything else. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const GAP = "   ";

/** Columns padded to their widest cell, kubectl style: headers in capitals, no borders. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  return render(all);
}

/** `Resource  Used  Hard` with a dashed rule under the headers, as `kubectl describe quota` shows it. */
export function ruledTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return render([headers, headers.map((h) => "-".repeat(h.length)), ...rows]);
}

function render(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join(GAP)
        .trimEnd(),
    )
    .join("\n")
    .concat("\n");
}

/** `Label:  value` lines aligned on the values, as `kubectl describe` shows them. */
export function fields(entries: readonly (readonly [string, string])[]): string {
  const width = Math.max(...entries.map(([label]) => label.length + 1));
  return (
    entries.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}`.trimEnd()).join("\n") + "\n"
  );
}

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * The ids in a result (`kubectl -o name`), for shell scripts: `TENANT=$(… tenants create … -o id)`.
 * An object's own `id`, else the ids of its `items`; a list gives one id per element.
 */
export function idsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(idsOf);
  if (typeof value !== "object" || value === null) return [];
  const { id, items } = value as { id?: unknown; items?: unknown };
  if (typeof id === "string") return [id];
  return Array.isArray(items) ? items.flatMap(idsOf) : [];
}

/** An ISO 8601 instant to the second, or `-` for none. */
export const when = (iso: string | null | undefined): string => (iso ? iso.replace(/\.\d{3}Z$/, "Z") : "-");
