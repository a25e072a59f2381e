CREATE TABLE "provider_ceph_clusters" (
	"id" text PRIMARY KEY NOT NULL,
	"region" text NOT NULL,
	"capacity_tb" integer NOT NULL,
	"used_tb" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_nvme_drives" (
	"id" text PRIMARY KEY NOT NULL,
	"region" text NOT NULL,
	"size_tb" integer NOT NULL,
	"holder" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_nodes" (
	"id" text PRIMARY KEY NOT NULL,
	"region" text NOT NULL,
	"cores" integer NOT NULL,
	"memory_gb" integer NOT NULL,
	"holder" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_vlans" (
	"region" text NOT NULL,
	"vlan_id" integer NOT NULL,
	"holder" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "provider_vlans_region_vlan_id_pk" PRIMARY KEY("region","vlan_id")
);
--> statement-breakpoint
CREATE TABLE "networks" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"cluster_id" text NOT NULL,
	"region" text NOT NULL,
	"vlan_id" integer NOT NULL,
	"cidr" text NOT NULL,
	"firewall_rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rules_version" integer DEFAULT 1 NOT NULL,
	"applied_version" integer DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'provisioning' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "networks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "dedicated" jsonb;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "storage_tb" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "provider_allocations" ADD COLUMN "detail" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "provider_nvme_drives_region_holder_idx" ON "provider_nvme_drives" USING btree ("region","holder");--> statement-breakpoint
CREATE INDEX "provider_nodes_region_holder_idx" ON "provider_nodes" USING btree ("region","holder");--> statement-breakpoint
CREATE INDEX "provider_vlans_holder_idx" ON "provider_vlans" USING btree ("holder");--> statement-breakpoint
CREATE INDEX "networks_tenant_id_cluster_id_idx" ON "networks" USING btree ("tenant_id","cluster_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "networks" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), ''));