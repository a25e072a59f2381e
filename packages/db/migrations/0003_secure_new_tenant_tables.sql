-- FORCE row-level security and app-role grants on the tables added by 0002.
SELECT platforma_secure_tenant_tables();
