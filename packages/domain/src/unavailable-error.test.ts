import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from "@temporalio/client";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { DomainError } from "@platforma/contracts";
import { outageDependencyOf, unavailableErrorOf } from "./unavailable-error.ts";

const pgError = (code: string, message = "pg says no") => Object.assign(new Error(message), { code });
/** What drizzle throws around a driver error: the SQL and its parameters are in the message. */
const failedQuery = (cause: Error) =>
  new DrizzleQueryError("select secret from api_keys where id = $1", ["key_123"], cause);
const grpcError = (code: number, details: string) =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

describe("dependency outages", () => {
  it.each([
    ["08006 connection failure", pgError("08006")],
    ["08001 unable to connect", pgError("08001")],
    ["57P01 admin shutdown", pgError("57P01", "terminating connection due to administrator command")],
    ["57P02 crash shutdown", pgError("57P02")],
    ["57P03 starting up", pgError("57P03", "the database system is starting up")],
    ["53300 too many connections", pgError("53300", "sorry, too many clients already")],
    ["40001 serialization failure", pgError("40001", "could not serialize access")],
    ["40P01 deadlock", pgError("40P01", "deadlock detected")],
    ["connection refused", pgError("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.5:5432")],
    ["connection reset", pgError("ECONNRESET", "read ECONNRESET")],
    ["connection terminated", new Error("Connection terminated unexpectedly")],
    ["pool connect timeout", new Error("timeout exceeded when trying to connect")],
    ["client connect timeout", new Error("Connection terminated due to connection timeout")],
  ])("%s is Postgres unavailable, bare or wrapped by drizzle", (_name, err) => {
    expect(outageDependencyOf(err)).toBe("postgres");
    expect(outageDependencyOf(failedQuery(err))).toBe("postgres");
  });

  it.each([
    [
      "UNAVAILABLE",
      new ServiceError("Failed to describe workflow", { cause: grpcError(14, "No connection") }),
    ],
    ["DEADLINE_EXCEEDED", new ServiceError("Failed to start", { cause: grpcError(4, "Deadline exceeded") })],
    [
      "an update past its deadline",
      new WorkflowUpdateRPCTimeoutOrCancelledError("timeout", { cause: grpcError(4, "Deadline exceeded") }),
    ],
  ])("Temporal %s is Temporal unavailable", (_name, err) => {
    expect(outageDependencyOf(err)).toBe("temporal");
  });

  it.each([
    ["a unique violation", failedQuery(pgError("23505"))],
    ["a syntax error", failedQuery(pgError("42601"))],
    ["a Temporal NOT_FOUND", new ServiceError("not found", { cause: grpcError(5, "workflow not found") })],
    ["a Temporal INVALID_ARGUMENT", grpcError(3, "bad request")],
    ["a bug", new TypeError("cannot read properties of undefined")],
    ["a domain error caused by an outage", new DomainError("conflict", "x", {}, { cause: pgError("08006") })],
    ["not an error", "ECONNREFUSED"],
  ])("%s is not an outage", (_name, err) => {
    expect(outageDependencyOf(err)).toBeNull();
    expect(unavailableErrorOf(err)).toBeNull();
  });

  it("becomes a retryable unavailable error that names the dependency and keeps the cause, not its text", () => {
    const cause = failedQuery(pgError("40001", "could not serialize access due to concurrent update"));
    const err = unavailableErrorOf(cause);
    expect(err).toBeInstanceOf(DomainError);
    expect(err?.reason).toBe("unavailable");
    expect(err?.details).toEqual({ dependency: "postgres", retryable: true });
    expect(err?.cause).toBe(cause);
    expect(err?.message).not.toMatch(/select|api_keys|key_123|serialize/);
  });
});
