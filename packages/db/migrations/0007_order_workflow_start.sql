ALTER TABLE "orders" ADD COLUMN "workflow_name" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "workflow_input" jsonb;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "workflow_started_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "orders_unstarted_idx" ON "orders" USING btree ("tenant_id","created_at") WHERE workflow_started_at is null and workflow_name is not null and state = 'pending';