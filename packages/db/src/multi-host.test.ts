import { describe, expect, it } from "vitest";
import { splitPostgresHosts } from "./multi-host.ts";

describe("splitPostgresHosts", () => {
  it("turns libpq's host list into one URL per host, in order, keeping credentials, database and other parameters", () => {
    expect(
      splitPostgresHosts(
        "postgres://app:s%40cret@10.0.0.1:5432,10.0.0.2:6432/platforma?target_session_attrs=read-write&sslmode=disable",
      ),
    ).toEqual({
      urls: [
        "postgres://app:s%40cret@10.0.0.1:5432/platforma?sslmode=disable",
        "postgres://app:s%40cret@10.0.0.2:6432/platforma?sslmode=disable",
      ],
      readWrite: true,
    });
  });

  it("reads `primary` as a read-write target and `any` (the default) as any server", () => {
    expect(splitPostgresHosts("postgresql://a,b/db?target_session_attrs=primary")?.readWrite).toBe(true);
    expect(splitPostgresHosts("postgresql://u@a:1,b:2/db")).toEqual({
      urls: ["postgresql://u@a:1/db", "postgresql://u@b:2/db"],
      readWrite: false,
    });
  });

  it("leaves a single host alone and refuses what is not a postgres URI", () => {
    expect(splitPostgresHosts("postgres://u:p@127.0.0.1:55432/db")).toEqual({
      urls: ["postgres://u:p@127.0.0.1:55432/db"],
      readWrite: false,
    });
    expect(splitPostgresHosts("mysql://x/db")).toBeNull();
  });
});
