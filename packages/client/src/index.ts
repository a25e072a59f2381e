import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import { EventSource, type EventSourceFetchInit } from "eventsource";
import type { ApiErrorData, ClientRouter } from "@platforma/api";

/** The API's router as the client sees it: procedures and error shape, no server types. */
export type AppRouter = ClientRouter;

export interface PlatformaClientOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:3000` (the tRPC endpoint is `/trpc`). */
  url: string;
  /** A JWT from the identity provider, or an API key; a function is called per request (token refresh). */
  token: string | (() => string | Promise<string>);
  /** Batch concurrent calls into one HTTP request (default true). */
  batch?: boolean;
  fetch?: typeof globalThis.fetch;
}

/**
 * The typed PLATFORMA client: `client.clusters.create.mutate({ … })`, and subscriptions over
 * Server-Sent Events: `client.events.subscribe.subscribe({}, { onData: ({ id, data }) => … })`.
 */
export function createPlatformaClient(opts: PlatformaClientOptions) {
  const url = `${opts.url.replace(/\/+$/, "")}/trpc`;
  const authorization = async () =>
    `Bearer ${typeof opts.token === "function" ? await opts.token() : opts.token}`;
  const linkOptions = {
    url,
    headers: async () => ({ authorization: await authorization() }),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  };
  const doFetch = opts.fetch ?? globalThis.fetch;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        // A standard EventSource cannot send an Authorization header; this one fetches through us,
        // and asks for the token on every (re)connection, so a refreshed token is picked up.
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: () => ({
            fetch: async (input: string | URL, init: EventSourceFetchInit) =>
              doFetch(input, { ...init, headers: { ...init.headers, authorization: await authorization() } }),
          }),
        }),
        // Batches of GET queries travel in the URL; keep each one within what proxies accept.
        false:
          opts.batch === false
            ? httpLink(linkOptions)
            : httpBatchLink({ ...linkOptions, maxURLLength: 4000 }),
      }),
    ],
  });
}

export type PlatformaClient = ReturnType<typeof createPlatformaClient>;

/** The stable error contract: `reason` (one of the API's error reasons) plus details such as `violations` or `issues`. */
export type PlatformaErrorData = ApiErrorData;

/** The error data of a failed call, or null if `err` is not an API error. */
export function errorDataOf(err: unknown): PlatformaErrorData | null {
  if (!(err instanceof TRPCClientError)) return null;
  const data = (err as TRPCClientError<AppRouter>).data;
  return data && typeof data.reason === "string" ? data : null;
}

export { TRPCClientError };

/** Every `error.data.reason` the API answers with. */
export type ErrorReason = PlatformaErrorData["reason"];
