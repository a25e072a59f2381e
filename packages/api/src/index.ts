export { appRouter, type AppRouter } from "./routers/app-router.ts";
export type { ClientContext, ClientRootTypes, ClientRouter } from "./client-router.ts";
export type { ApiErrorData, ApiErrorShape, InputIssue } from "./error-shape.ts";
export {
  createContextFactory,
  type ApiDeps,
  type Logger,
  type RequestContext,
  type RequestTrace,
} from "./context.ts";
export { createJwtVerifier, ALLOWED_JWT_ALGORITHMS, type JwtVerifierOptions } from "./auth/jwt-verifier.ts";
export { createApiKeyVerifier, type ApiKeyVerifierOptions } from "./auth/api-key-verifier.ts";
export { createCredentialVerifier } from "./auth/credential-verifier.ts";
export type { Principal, TokenVerifier } from "./auth/principal.ts";
export { createCallerFactory } from "./trpc.ts";
export { attachRequestId, errorReasonOf, retryHeadersFor, RETRY_AFTER_SECONDS } from "./errors.ts";
export { transportError, type TransportError } from "./transport-error.ts";
export { procedureMethods } from "./procedure-methods.ts";
export {
  createFailureThrottle,
  DEFAULT_ADDRESS_FAILURES,
  DEFAULT_API_KEY_FAILURES,
  type FailureThrottle,
  type FailureThrottleOptions,
} from "./auth/failure-throttle.ts";
export {
  createStreamSlots,
  DEFAULT_STREAM_LIMITS,
  type StreamLimits,
  type StreamSlots,
} from "./stream-slots.ts";
export { buildOpenApiDocument } from "./openapi/build-openapi-document.ts";
