ALTER TABLE "tenants" ADD COLUMN "state_reason" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "previous_state" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "retention_days" integer;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "deletion_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "purge_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "purged_at" timestamp with time zone;