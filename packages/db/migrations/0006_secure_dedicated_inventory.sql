-- RLS/grants for the networks table, and the app role's access to the dedicated inventory: it reads
-- and takes rows (UPDATE holder / used_tb) inside tenant transactions; it never inserts or deletes.
SELECT platforma_secure_tenant_tables();
--> statement-breakpoint
GRANT SELECT, UPDATE ON provider_nodes, provider_vlans, provider_ceph_clusters, provider_nvme_drives TO platforma_app;
