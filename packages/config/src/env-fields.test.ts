import { describe, expect, it } from "vitest";
import { envFields } from "./index.ts";

describe("envFields.postgresUrl", () => {
  it("accepts one host, or libpq's comma-separated list of a primary and its standbys", () => {
    for (const url of [
      "postgres://app:secret@127.0.0.1:5432/platforma",
      "postgresql://app:secret@db-1:5432,db-2:5432/platforma?target_session_attrs=read-write",
      "postgres://db-1,db-2/platforma",
    ]) {
      expect(envFields.postgresUrl.safeParse(url).success, url).toBe(true);
    }
  });

  it("refuses another scheme, and a host list with a host that does not parse", () => {
    for (const url of ["mysql://db/platforma", "postgres://db-1:5432,db 2:5432/platforma", "not a url"]) {
      expect(envFields.postgresUrl.safeParse(url).success, url).toBe(false);
    }
  });
});
