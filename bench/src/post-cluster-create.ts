import { request as send } from "undici";
import type { LoadRequest } from "./run-load.ts";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** One request, outside the measurement: the ids a tRPC `clusters.create` response names, or an error. */
export async function postClusterCreate(
  origin: string,
  request: LoadRequest,
): Promise<{ orderId: string; clusterId: string }> {
  const { method, headers, body: payload } = request;
  const res = await send(new URL(request.path, origin), { method, headers, body: payload });
  const text = await res.body.text();
  if (res.statusCode !== 200) {
    throw new Error(`${request.method} ${origin}${request.path}: HTTP ${res.statusCode} ${text}`);
  }
  const body: unknown = JSON.parse(text);
  const data = isRecord(body) && isRecord(body.result) ? body.result.data : undefined;
  const order = isRecord(data) ? data.order : undefined;
  const cluster = isRecord(data) ? data.cluster : undefined;
  if (
    !isRecord(order) ||
    typeof order.id !== "string" ||
    !isRecord(cluster) ||
    typeof cluster.id !== "string"
  ) {
    throw new Error(`${request.method} ${origin}${request.path}: not a cluster order: ${text.slice(0, 200)}`);
  }
  return { orderId: order.id, clusterId: cluster.id };
}
