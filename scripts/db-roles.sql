-- Roles and database of the platform (DESIGN §5). Idempotent; run as a superuser.
-- The owner runs migrations; the app role is neither owner nor superuser and cannot bypass RLS;
-- the system role bypasses RLS and is used only by the relay, operator procedures and purge.
-- Passwords here are for the local stack; production provisions its own roles.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platforma_owner') THEN
    CREATE ROLE platforma_owner LOGIN PASSWORD 'platforma_owner';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platforma_app') THEN
    CREATE ROLE platforma_app LOGIN PASSWORD 'platforma_app' NOSUPERUSER NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platforma_system') THEN
    CREATE ROLE platforma_system LOGIN PASSWORD 'platforma_system' NOSUPERUSER BYPASSRLS;
  END IF;
END $$;
SELECT 'CREATE DATABASE platforma OWNER platforma_owner'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'platforma') \gexec
