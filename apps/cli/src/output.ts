export type OutputFormat = "table" | "json";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["table", "json"];

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

/** An ISO 8601 instant to the second, or `-` for none. */
export const when = (iso: string | null | undefined): string => (iso ? iso.replace(/\.\d{3}Z$/, "Z") : "-");
