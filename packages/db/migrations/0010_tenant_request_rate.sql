CREATE TABLE "tenant_request_budgets" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"refilled_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tenant_request_budgets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "request_rate_limit" double precision;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "request_burst" integer;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "tenant_request_budgets" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), ''));--> statement-breakpoint
-- FORCE row-level security, the app role's grants and the tenant write guard on the new table.
SELECT platforma_secure_tenant_tables();
--> statement-breakpoint
SELECT platforma_guard_tenant_tables();
