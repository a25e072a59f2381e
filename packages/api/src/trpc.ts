import { initTRPC, TRPCError } from "@trpc/server";
import { DomainError, ERROR_REASONS, type Scope } from "@platforma/contracts";
import type { Principal } from "./auth/principal.ts";
import type { RequestContext } from "./context.ts";
import type { ApiErrorShape } from "./error-shape.ts";
import { domainErrorOf, errorData, requestIdAttachedTo, toTrpcError, trpcCodeFor } from "./errors.ts";

export interface Meta {
  /** Scopes the caller must hold, all of them. Every non-public procedure declares this. */
  scopes?: Scope[];
}

const t = initTRPC
  .context<RequestContext>()
  .meta<Meta>()
  .create({
    // Stack traces never leave the process.
    isDev: false,
    sse: {
      // Keeps proxies from closing an idle stream, and lets the client notice a dead one.
      ping: { enabled: true, intervalMs: 15_000 },
      // A stream ends after this and the client reconnects with its lastEventId: the credential
      // (and the tenant's state) is checked again, and a token cannot outlive its expiry for long.
      maxDurationMs: 5 * 60_000,
      client: { reconnectAfterInactivityMs: 40_000 },
    },
    errorFormatter({ shape, error, ctx }): ApiErrorShape {
      const data = errorData(error);
      // Set when the error middleware did not see the failure (a subscription's stream): the
      // status and message come from the mapping, never from the driver's error.
      const domain = domainErrorOf(error.cause);
      return {
        ...shape,
        // An unexpected failure says nothing about internals; the log has the cause.
        message: data.reason === "internal" ? "internal error" : (domain?.message ?? shape.message),
        data: {
          ...shape.data,
          ...(domain ? { code: trpcCodeFor(domain.reason), httpStatus: ERROR_REASONS[domain.reason] } : {}),
          ...data,
          // What to quote to an operator: the same id is on the response header and in the log.
          requestId: ctx?.requestId ?? requestIdAttachedTo(error),
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Maps domain errors and dependency outages to their status, for every middleware after it
 * (auth, tenant state) and the procedure (in v11 `next()` returns failures instead of throwing).
 */
const errorMapping = t.middleware(async ({ ctx, path, next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    const domain = domainErrorOf(cause);
    if (domain?.reason === "unavailable" && !(cause instanceof DomainError)) {
      ctx.log.warn({ err: cause, path, dependency: domain.details.dependency }, "dependency unavailable");
    }
    if (domain) throw toTrpcError(domain);
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      ctx.log.error({ err: cause ?? result.error, path }, "procedure failed");
    }
  }
  return result;
});

const fail = (reason: DomainError["reason"], message: string, details = {}) =>
  toTrpcError(new DomainError(reason, message, details));

/**
 * Refused credentials count against the client's address, whatever the kind of credential; an
 * address over its limit is refused before its credential is looked at, so a guessing client
 * costs no lookup and, unknown key id or known, always gets the same answer in the same time.
 * A missing credential is not counted: refusing it costs nothing.
 */
const authenticate = t.middleware(async ({ ctx, next }) => {
  const header = ctx.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) throw fail("invalid_token", "missing bearer token");
  const retryAfterMs = await ctx.addressFailures.retryAfterMs(ctx.clientAddress);
  if (retryAfterMs !== null) {
    throw fail("rate_limited", "too many refused credentials from this address; retry later", {
      retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
    });
  }
  let principal: Principal;
  try {
    principal = await ctx.deps.verifier.verify(match[1]);
  } catch (err) {
    if (err instanceof DomainError) {
      const refused = err.reason === "invalid_token" || err.reason === "rate_limited";
      if (refused && (await ctx.addressFailures.recordFailure(ctx.clientAddress))) {
        ctx.log.warn(
          { client_address: ctx.clientAddress },
          "credential refusals reached the limit for this address",
        );
      }
      throw toTrpcError(err);
    }
    throw err;
  }
  ctx.trace.userId = principal.userId;
  if (principal.tenantId) ctx.trace.tenantId = principal.tenantId;
  return next({
    ctx: { principal, log: ctx.log.child({ user_id: principal.userId, tenant_id: principal.tenantId }) },
  });
});

const requireScopes = t.middleware(async ({ ctx, meta, path, next }) => {
  const principal = ctx.principal;
  if (!principal) throw fail("invalid_token", "not authenticated");
  if (!meta?.scopes) {
    // A procedure without declared scopes is a programming error; refuse rather than allow.
    throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `procedure ${path} declares no scopes` });
  }
  const missing = meta.scopes.filter((s) => !principal.scopes.includes(s));
  if (missing.length > 0) throw fail("missing_scope", `missing scope: ${missing.join(" ")}`, { missing });
  return next();
});

/**
 * The tenant comes only from the credential; its current state gates every call, then its request
 * rate (shared by every API process).
 */
const resolveTenant = t.middleware(async ({ ctx, next }) => {
  const principal = ctx.principal;
  if (!principal?.tenantId) throw fail("invalid_token", "credential carries no tenant");
  const tenant = await ctx.deps.tenantAccess.get(principal.tenantId);
  if (!tenant) throw fail("invalid_token", "unknown tenant");
  switch (tenant.state) {
    case "active":
      break;
    case "suspended":
      throw fail("tenant_suspended", "tenant is suspended");
    case "archived":
      throw fail("tenant_archived", "tenant is archived");
    case "deleted":
      throw fail("tenant_deleted", "tenant is deleted");
  }
  // After the state (a suspended tenant hears that, not a rate), before any work.
  const requests = ctx.deps.requests;
  if (requests) {
    await requests.limiter.take(tenant.id, {
      perSecond: tenant.requestRate.perSecond ?? requests.defaultRate.perSecond,
      burst: tenant.requestRate.burst ?? requests.defaultRate.burst,
    });
  }
  return next({
    ctx: {
      tenant,
      tenantContext: {
        tenantId: tenant.id,
        userId: principal.userId,
        roles: principal.roles,
        scopes: principal.scopes,
      },
    },
  });
});

const requireOperator = t.middleware(async ({ ctx, next }) => {
  const principal = ctx.principal;
  if (!principal?.scopes.includes("platform:admin"))
    throw fail("missing_scope", "missing scope: platform:admin", { missing: ["platform:admin"] });
  return next();
});

export const publicProcedure = t.procedure.use(errorMapping);
/** Any verified caller; the ladder is auth → scopes. */
export const authedProcedure = publicProcedure.use(authenticate).use(requireScopes);
/** Tenant calls; the ladder is auth → tenant → state → request rate → scopes. */
export const tenantProcedure = publicProcedure.use(authenticate).use(resolveTenant).use(requireScopes);
/** Operator calls (`platform:admin`), across tenants. */
export const operatorProcedure = publicProcedure.use(authenticate).use(requireOperator).use(requireScopes);
