import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@platforma/api";

export type { AppRouter };

export interface PlatformaClientOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:3000` (the tRPC endpoint is `/trpc`). */
  url: string;
  /** A JWT from the identity provider, or an API key; a function is called per request (token refresh). */
  token: string | (() => string | Promise<string>);
  /** Batch concurrent calls into one HTTP request (default true). */
  batch?: boolean;
  fetch?: typeof globalThis.fetch;
}

/** The typed PLATFORMA client: `client.clusters.create.mutate({ … })`. */
export function createPlatformaClient(opts: PlatformaClientOptions) {
  const linkOptions = {
    url: `${opts.url.replace(/\/+$/, "")}/trpc`,
    headers: async () => ({
      authorization: `Bearer ${typeof opts.token === "function" ? await opts.token() : opts.token}`,
    }),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  };
  return createTRPCClient<AppRouter>({
    // Batches of GET queries travel in the URL; keep each one within what proxies accept.
    links: [
      opts.batch === false ? httpLink(linkOptions) : httpBatchLink({ ...linkOptions, maxURLLength: 4000 }),
    ],
  });
}

export type PlatformaClient = ReturnType<typeof createPlatformaClient>;

/** The stable error contract: `reason` plus details such as `violations` or `issues`. */
export interface PlatformaErrorData {
  reason: string;
  httpStatus: number;
  violations?: { quota: string; limit: number; used: number; requested: number }[];
  issues?: { path: (string | number)[]; message: string }[];
  [key: string]: unknown;
}

/** The error data of a failed call, or null if `err` is not an API error. */
export function errorDataOf(err: unknown): PlatformaErrorData | null {
  if (!(err instanceof TRPCClientError)) return null;
  const data = (err as TRPCClientError<AppRouter>).data as PlatformaErrorData | undefined;
  return data && typeof data.reason === "string" ? data : null;
}

export { TRPCClientError };
