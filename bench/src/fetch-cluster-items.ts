import { request } from "undici";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** One request, outside the measurement: the items of a tRPC `clusters.list` response, or an error. */
export async function fetchClusterItems(
  origin: string,
  path: string,
  headers: Record<string, string>,
): Promise<unknown[]> {
  const res = await request(new URL(path, origin), { headers });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET ${origin}${path}: HTTP ${res.statusCode} ${text}`);
  const body: unknown = JSON.parse(text);
  const data = isRecord(body) && isRecord(body.result) ? body.result.data : undefined;
  if (!isRecord(data) || !Array.isArray(data.items) || !("nextCursor" in data)) {
    throw new Error(`GET ${origin}${path}: not a clusters page: ${text.slice(0, 200)}`);
  }
  return data.items;
}
