/**
 * Prints a clustered-engine test's figures (counts, recovery times, errors by type) in the test
 * output: they describe a run, they are not asserted on.
 */
export function report(title: string, figures: Record<string, unknown>): void {
  const lines = Object.entries(figures).map(
    ([name, value]) => `  ${name}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`,
  );
  console.log([`[clustered] ${title}`, ...lines].join("\n"));
}
