-- Grants and FORCE row-level security (drizzle-kit emits ENABLE but not FORCE).
-- platforma_secure_tenant_tables() is idempotent; every migration that adds a tenant table calls it
-- again, and the schema test fails if a tenant table is left unforced.
CREATE OR REPLACE FUNCTION platforma_secure_tenant_tables() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  t record;
BEGIN
  FOR t IN
    SELECT c.relname
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind = 'r'
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.relname);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.relname);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO platforma_app', t.relname);
  END LOOP;
END $$;
--> statement-breakpoint
SELECT platforma_secure_tenant_tables();
--> statement-breakpoint
-- Platform tables: the app role reads the region inventory and takes capacity from it; the tenant
-- registry belongs to the system role only.
GRANT SELECT, UPDATE ON provider_regions TO platforma_app;
--> statement-breakpoint
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO platforma_app, platforma_system;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO platforma_system;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO platforma_system;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO platforma_app, platforma_system;
