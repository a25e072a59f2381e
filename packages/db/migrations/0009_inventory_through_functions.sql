-- Shared inventory (regions, nodes, VLANs, NVMe drives, Ceph clusters) has no tenant_id and no RLS:
-- the app role reaches it only through the SECURITY DEFINER functions below
-- (docs/decisions/inventory-functions.md). Each one does one take or one give for the tenant in
-- context and writes that tenant's allocation row in the same call, so the inventory and the
-- tenant-owned record of who holds it cannot diverge. They run as the owner; provider_allocations
-- forces RLS on its owner too, so every allocation they read or write is the context tenant's.
--
-- Errors: 42501 when the tenant argument is not the tenant in context; PT010 when the inventory has
-- nothing left (HINT: what ran out); PT011 when a request key's allocation was already released (or
-- is of another kind). The tenant write guard (0008) still refuses the allocation row itself.

-- The tenant a function acts for must be the transaction's tenant (`withTenant`).
CREATE FUNCTION platforma_inventory_check_tenant(p_tenant_id text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF p_tenant_id IS NULL OR p_tenant_id IS DISTINCT FROM nullif(current_setting('app.tenant_id', true), '') THEN
    RAISE EXCEPTION 'inventory is taken and given only for the tenant in context'
      USING ERRCODE = '42501';
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION platforma_inventory_exhausted(p_message text, p_resource text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  RAISE EXCEPTION '%', p_message USING ERRCODE = 'PT010', HINT = p_resource;
END $$;
--> statement-breakpoint
-- Before a take: the tenant's allocation for the key, if any (a retried take returns it instead of
-- taking again). One of another kind, or one released when `p_released_ok` is false, is refused.
CREATE FUNCTION platforma_inventory_existing(
  p_tenant_id text, p_request_key text, p_kind text, p_released_ok boolean
) RETURNS provider_allocations
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  a provider_allocations;
BEGIN
  PERFORM platforma_inventory_check_tenant(p_tenant_id);
  SELECT * INTO a FROM provider_allocations WHERE tenant_id = p_tenant_id AND request_key = p_request_key;
  IF FOUND AND a.kind <> p_kind THEN
    RAISE EXCEPTION 'allocation % is of kind %, not %', p_request_key, a.kind, p_kind
      USING ERRCODE = 'PT011';
  END IF;
  IF FOUND AND a.released_at IS NOT NULL AND NOT p_released_ok THEN
    RAISE EXCEPTION 'allocation % was already released', p_request_key USING ERRCODE = 'PT011';
  END IF;
  RETURN a;
END $$;
--> statement-breakpoint
-- After a take: the allocation row. Its id is `alc_<request key>`, unique across tenants, so no
-- tenant can hold an allocation under another tenant's key (and give back what that one holds).
CREATE FUNCTION platforma_inventory_record(
  p_tenant_id text, p_request_key text, p_cluster_id text, p_region text, p_kind text, p_detail jsonb
) RETURNS provider_allocations
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  a provider_allocations;
BEGIN
  INSERT INTO provider_allocations (id, tenant_id, request_key, cluster_id, region, kind, detail)
  VALUES ('alc_' || p_request_key, p_tenant_id, p_request_key, p_cluster_id, p_region, p_kind, p_detail)
  RETURNING * INTO a;
  RETURN a;
END $$;
--> statement-breakpoint
-- Before a give: the tenant's unreleased allocation of this kind for the key, locked; null if there
-- is none (the give was done already: releases are idempotent).
CREATE FUNCTION platforma_inventory_held(p_tenant_id text, p_request_key text, p_kind text)
RETURNS provider_allocations
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  a provider_allocations;
BEGIN
  PERFORM platforma_inventory_check_tenant(p_tenant_id);
  SELECT * INTO a FROM provider_allocations
   WHERE id = 'alc_' || p_request_key AND tenant_id = p_tenant_id AND request_key = p_request_key
     AND kind = p_kind AND released_at IS NULL
   FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  RETURN a;
END $$;
--> statement-breakpoint
CREATE FUNCTION platforma_inventory_mark_released(p_id text) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  UPDATE provider_allocations SET released_at = now(), updated_at = now() WHERE id = p_id;
  RETURN true;
END $$;
--> statement-breakpoint
CREATE FUNCTION platforma_inventory_check_amount(p_what text, p_amount integer) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF p_amount IS NULL OR p_amount < 1 THEN
    RAISE EXCEPTION '% must be at least 1, got %', p_what, p_amount USING ERRCODE = '22023';
  END IF;
END $$;
--> statement-breakpoint
-- A shared cluster's slot in its region. A retried take returns the allocation even once released,
-- as the shared driver always did.
CREATE FUNCTION platforma_take_cluster_slot(
  p_tenant_id text, p_request_key text, p_cluster_id text, p_region text
) RETURNS provider_allocations
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  a provider_allocations;
BEGIN
  a := platforma_inventory_existing(p_tenant_id, p_request_key, 'shared-cluster', true);
  IF a.id IS NOT NULL THEN
    RETURN a;
  END IF;
  -- A conditional UPDATE on the region row: concurrent takes queue on it and never exceed the slots.
  UPDATE provider_regions SET cluster_slots_used = cluster_slots_used + 1, updated_at = now()
   WHERE name = p_region AND cluster_slots_used < cluster_slots;
  IF NOT FOUND THEN
    IF EXISTS (SELECT 1 FROM provider_regions WHERE name = p_region) THEN
      PERFORM platforma_inventory_exhausted(format('region %s has no cluster capacity left', p_region), 'cluster slots');
    END IF;
    PERFORM platforma_inventory_exhausted(format('region %s is not in the inventory', p_region), 'region');
  END IF;
  RETURN platforma_inventory_record(p_tenant_id, p_request_key, p_cluster_id, p_region, 'shared-cluster', '{}');
END $$;
--> statement-breakpoint
CREATE FUNCTION platforma_release_cluster_slot(p_tenant_id text, p_request_key text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  a provider_allocations;
BEGIN
  a := platforma_inventory_held(p_tenant_id, p_request_key, 'shared-cluster');
  IF a.id IS NULL THEN
    RETURN false;
  END IF;
  UPDATE provider_regions SET cluster_slots_used = greatest(cluster_slots_used - 1, 0), updated_at = now()
   WHERE name = a.region;
  RETURN platforma_inventory_mark_released(a.id);
END $$;
--> statement-breakpoint
CREATE FUNCTION platforma_take_nodes(
  p_tenant_id text, p_request_key text, p_cluster_id text, p_region text, p_count integer
) RETURNS provider_allocations
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  a provider_allocations;
  node_ids text[];
BEGIN
  a := platforma_inventory_existing(p_tenant_id, p_request_key, 'dedicated-nodes', false);
  IF a.id IS NOT NULL THEN
    RETURN a;
  END IF;
  PERFORM platforma_inventory_check_amount('node count', p_count);
  -- SKIP LOCKED lets concurrent tenants take different free nodes instead of queueing on the same ones.
  SELECT coalesce(array_agg(free.id ORDER BY free.id), '{}') INTO node_ids FROM (
    SELECT id FROM provider_nodes WHERE region = p_region AND holder IS NULL
     ORDER BY id LIMIT p_count FOR UPDATE SKIP LOCKED
  ) free;
  IF cardinality(node_ids) < p_count THEN
    PERFORM platforma_inventory_exhausted(format('region %s has no dedicated nodes left', p_region), 'dedicated nodes');
  END IF;
  UPDATE provider_nodes SET holder = p_request_key, updated_at = now()
   WHERE id = ANY (node_ids) AND holder IS NULL;
  RETURN platforma_inventory_record(p_tenant_id, p_request_key, p_cluster_id, p_region, 'dedicated-nodes',
    jsonb_build_object('nodeIds', to_jsonb(node_ids)));
END $$;
--> statement-breakpoint
CREATE FUNCTION platforma_release_nodes(p_tenant_id text, p_request_key text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  a provider_allocations;
BEGIN
  a := platforma_inventory_held(p_tenant_id, p_request_key, 'dedicated-nodes');
  IF a.id IS NULL THEN
    RETURN false;
  END IF;
  UPDATE provider_nodes SET holder = NULL, updated_at = now() WHERE holder = p_request_key;
  RETURN platforma_inventory_mark_released(a.id);
END $$;
--> statement-breakpoint
CREATE FUNCTION platforma_take_vlan(
  p_tenant_id text, p_request_key text, p_cluster_id text, p_region text
) RETURNS provider_allocations
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  a provider_allocations;
  free_vlan integer;
BEGIN
  a := platforma_inventory_existing(p_tenant_id, p_request_key, 'vlan', false);
  IF a.id IS NOT NULL THEN
    RETURN a;
  END IF;
  SELECT vlan_id INTO free_vlan FROM provider_vlans WHERE region = p_region AND holder IS NULL
   ORDER BY vlan_id LIMIT 1 FOR UPDATE SKIP LOCKED;
  IF NOT FOUND THEN
    PERFORM platforma_inventory_exhausted(format('region %s has no VLAN ids left', p_region), 'VLAN ids');
  END IF;
  UPDATE provider_vlans SET holder = p_request_key, updated_at = now()
   WHERE region = p_region AND vlan_id = free_vlan AND holder IS NULL;
  RETURN platforma_inventory_record(p_tenant_id, p_request_key, p_cluster_id, p_region, 'vlan',
    jsonb_build_object('vlanId', free_vlan));
END $$;
--> statement-breakpoint
CREATE FUNCTION platforma_release_vlan(p_tenant_id text, p_request_key text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  a provider_allocations;
BEGIN
  a := platforma_inventory_held(p_tenant_id, p_request_key, 'vlan');
  IF a.id IS NULL THEN
    RETURN false;
  END IF;
  UPDATE provider_vlans SET holder = NULL, updated_at = now() WHERE holder = p_request_key;
  RETURN platforma_inventory_mark_released(a.id);
END $$;
--> statement-breakpoint
-- Enough whole drives for `p_size_tb`, taken one at a time so a request locks only the drives it takes.
CREATE FUNCTION platforma_take_nvme_drives(
  p_tenant_id text, p_request_key text, p_cluster_id text, p_region text, p_size_tb integer
) RETURNS provider_allocations
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  a provider_allocations;
  drive record;
  taken text[] := '{}';
  total integer := 0;
BEGIN
  a := platforma_inventory_existing(p_tenant_id, p_request_key, 'nvme-drives', false);
  IF a.id IS NOT NULL THEN
    RETURN a;
  END IF;
  PERFORM platforma_inventory_check_amount('NVMe size in TB', p_size_tb);
  WHILE total < p_size_tb LOOP
    -- SKIP LOCKED does not skip this transaction's own locks, hence the exclusion of `taken`.
    SELECT id, size_tb INTO drive FROM provider_nvme_drives
     WHERE region = p_region AND holder IS NULL AND id <> ALL (taken)
     ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;
    EXIT WHEN NOT FOUND;
    taken := taken || drive.id;
    total := total + drive.size_tb;
  END LOOP;
  IF total < p_size_tb THEN
    PERFORM platforma_inventory_exhausted(
      format('region %s has no NVMe drives for %s TB left', p_region, p_size_tb),
      format('NVMe drives for %s TB', p_size_tb));
  END IF;
  UPDATE provider_nvme_drives SET holder = p_request_key, updated_at = now()
   WHERE id = ANY (taken) AND holder IS NULL;
  RETURN platforma_inventory_record(p_tenant_id, p_request_key, p_cluster_id, p_region, 'nvme-drives',
    jsonb_build_object('driveIds', to_jsonb(taken)));
END $$;
--> statement-breakpoint
CREATE FUNCTION platforma_release_nvme_drives(p_tenant_id text, p_request_key text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  a provider_allocations;
BEGIN
  a := platforma_inventory_held(p_tenant_id, p_request_key, 'nvme-drives');
  IF a.id IS NULL THEN
    RETURN false;
  END IF;
  UPDATE provider_nvme_drives SET holder = NULL, updated_at = now() WHERE holder = p_request_key;
  RETURN platforma_inventory_mark_released(a.id);
END $$;
--> statement-breakpoint
-- A pool of `p_size_tb` on the least used Ceph cluster of the region that has room for it.
CREATE FUNCTION platforma_take_ceph_tb(
  p_tenant_id text, p_request_key text, p_cluster_id text, p_region text, p_size_tb integer
) RETURNS provider_allocations
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  a provider_allocations;
  ceph_id text;
BEGIN
  a := platforma_inventory_existing(p_tenant_id, p_request_key, 'ceph-pool', false);
  IF a.id IS NOT NULL THEN
    RETURN a;
  END IF;
  PERFORM platforma_inventory_check_amount('Ceph pool size in TB', p_size_tb);
  SELECT id INTO ceph_id FROM provider_ceph_clusters
   WHERE region = p_region AND capacity_tb - used_tb >= p_size_tb
   ORDER BY used_tb, id LIMIT 1 FOR UPDATE SKIP LOCKED;
  IF NOT FOUND THEN
    PERFORM platforma_inventory_exhausted(
      format('region %s has no Ceph capacity for %s TB left', p_region, p_size_tb),
      format('Ceph capacity for %s TB', p_size_tb));
  END IF;
  UPDATE provider_ceph_clusters SET used_tb = used_tb + p_size_tb, updated_at = now() WHERE id = ceph_id;
  RETURN platforma_inventory_record(p_tenant_id, p_request_key, p_cluster_id, p_region, 'ceph-pool',
    jsonb_build_object('cephClusterId', ceph_id, 'pool', 'pool-' || p_request_key, 'sizeTb', p_size_tb));
END $$;
--> statement-breakpoint
-- Gives back what the allocation recorded: trustworthy because only these functions (and the system
-- role) write allocations of inventory kinds (the trigger below).
CREATE FUNCTION platforma_release_ceph_tb(p_tenant_id text, p_request_key text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  a provider_allocations;
BEGIN
  a := platforma_inventory_held(p_tenant_id, p_request_key, 'ceph-pool');
  IF a.id IS NULL THEN
    RETURN false;
  END IF;
  UPDATE provider_ceph_clusters
     SET used_tb = greatest(used_tb - coalesce((a.detail ->> 'sizeTb')::integer, 0), 0), updated_at = now()
   WHERE id = a.detail ->> 'cephClusterId';
  RETURN platforma_inventory_mark_released(a.id);
END $$;
--> statement-breakpoint
-- An allocation of an inventory kind is what a give trusts (which key, which region, how many TB),
-- so the app role may not write one itself: only the functions above (running as the owner) and
-- roles that bypass RLS (the system role's purge) may. Allocations of other kinds (firewall,
-- registration, instances, storage pools) hold no shared inventory and stay the app role's to write.
CREATE FUNCTION platforma_guard_inventory_allocation() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  kinds constant text[] := ARRAY['shared-cluster', 'dedicated-nodes', 'vlan', 'nvme-drives', 'ceph-pool'];
  touched text;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.kind = ANY (kinds) THEN
    touched := OLD.kind;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.kind = ANY (kinds) THEN
    touched := NEW.kind;
  END IF;
  IF touched IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM pg_roles r
     WHERE r.rolname = current_user
       AND (r.rolbypassrls OR r.oid = (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID))
  ) THEN
    RAISE EXCEPTION 'an allocation of % is written only through the inventory functions', touched
      USING ERRCODE = '42501';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER platforma_guard_inventory_allocation
BEFORE INSERT OR UPDATE OR DELETE ON provider_allocations
FOR EACH ROW EXECUTE FUNCTION platforma_guard_inventory_allocation();
--> statement-breakpoint
-- Functions are executable by PUBLIC by default: the helpers are for the functions above only, and
-- the take/give functions for the app role only.
REVOKE ALL ON FUNCTION
  platforma_inventory_check_tenant(text),
  platforma_inventory_exhausted(text, text),
  platforma_inventory_existing(text, text, text, boolean),
  platforma_inventory_record(text, text, text, text, text, jsonb),
  platforma_inventory_held(text, text, text),
  platforma_inventory_mark_released(text),
  platforma_inventory_check_amount(text, integer),
  platforma_take_cluster_slot(text, text, text, text),
  platforma_release_cluster_slot(text, text),
  platforma_take_nodes(text, text, text, text, integer),
  platforma_release_nodes(text, text),
  platforma_take_vlan(text, text, text, text),
  platforma_release_vlan(text, text),
  platforma_take_nvme_drives(text, text, text, text, integer),
  platforma_release_nvme_drives(text, text),
  platforma_take_ceph_tb(text, text, text, text, integer),
  platforma_release_ceph_tb(text, text),
  platforma_guard_inventory_allocation()
FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION
  platforma_take_cluster_slot(text, text, text, text),
  platforma_release_cluster_slot(text, text),
  platforma_take_nodes(text, text, text, text, integer),
  platforma_release_nodes(text, text),
  platforma_take_vlan(text, text, text, text),
  platforma_release_vlan(text, text),
  platforma_take_nvme_drives(text, text, text, text, integer),
  platforma_release_nvme_drives(text, text),
  platforma_take_ceph_tb(text, text, text, text, integer),
  platforma_release_ceph_tb(text, text)
TO platforma_app;
--> statement-breakpoint
-- What 0001 and 0006 granted: the app role neither reads nor writes shared inventory any more (a
-- holder is another tenant's request key, so reading it would leak their cluster ids).
REVOKE ALL ON provider_regions, provider_nodes, provider_vlans, provider_nvme_drives, provider_ceph_clusters
FROM platforma_app;
