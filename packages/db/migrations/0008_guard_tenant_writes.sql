-- The tenant's lifecycle owns what may be written for it, enforced where no writer can forget it
-- (docs/decisions/tenant-write-guard.md):
--   * a purged tenant gets no row written in any tenant table (PT001);
--   * a tenant that is not active takes no new order and no new provider allocation (PT002), so
--     an archive or deletion that committed cannot be outrun by a saga step still in flight.
-- Each check locks the tenants row FOR KEY SHARE, like a foreign key check. A lifecycle transition
-- and the purge's tombstone lock the row FOR UPDATE, which waits for every writer holding the
-- share lock and makes every later writer wait for it and then read the new state: a write either
-- commits before the transition (and the drain, release and purge see it) or is refused.
CREATE OR REPLACE FUNCTION platforma_guard_tenant_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  t record;
BEGIN
  SELECT state, purged_at INTO t FROM tenants WHERE id = NEW.tenant_id FOR KEY SHARE;
  IF NOT FOUND THEN
    RETURN NEW;
  END IF;
  IF t.purged_at IS NOT NULL THEN
    RAISE EXCEPTION 'tenant % was purged: nothing can be written for it', NEW.tenant_id
      USING ERRCODE = 'PT001';
  END IF;
  IF TG_OP = 'INSERT' AND TG_ARGV[0] = 'active' AND t.state <> 'active' THEN
    RAISE EXCEPTION 'tenant % is %: it takes no new orders or allocations', NEW.tenant_id, t.state
      USING ERRCODE = 'PT002', HINT = t.state;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
-- Installs the guard on every tenant table (idempotent). Orders and provider allocations are what
-- a tenant takes, so their inserts need an active tenant. The outbox is guarded on insert only: the
-- relay still marks `tenant.purged` itself published.
CREATE OR REPLACE FUNCTION platforma_guard_tenant_tables() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  events text;
  mode text;
BEGIN
  FOR t IN
    SELECT c.relname
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind = 'r'
  LOOP
    events := CASE WHEN t.relname = 'outbox' THEN 'INSERT' ELSE 'INSERT OR UPDATE' END;
    mode := CASE WHEN t.relname IN ('orders', 'provider_allocations') THEN 'active' ELSE 'any' END;
    EXECUTE format(
      'CREATE OR REPLACE TRIGGER platforma_guard_tenant_write BEFORE %s ON %I '
      'FOR EACH ROW EXECUTE FUNCTION platforma_guard_tenant_write(%L)',
      events, t.relname, mode);
  END LOOP;
END $$;
--> statement-breakpoint
SELECT platforma_guard_tenant_tables();
