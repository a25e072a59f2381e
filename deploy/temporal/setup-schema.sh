#!/bin/sh
# Temporal's schema in PostgreSQL (run by the temporal-schema service, temporalio/admin-tools).
# Idempotent: setup-schema -v 0.0 only records the starting version, update-schema applies the
# versions not yet applied, so the same command also upgrades the schema after an image upgrade.
set -eu
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" "$@"; }
schema=/etc/temporal/schema/postgresql/v12
tool --db temporal setup-schema -v 0.0
tool --db temporal update-schema -d "$schema/temporal/versioned"
tool --db temporal_visibility setup-schema -v 0.0
tool --db temporal_visibility update-schema -d "$schema/visibility/versioned"
echo "temporal schema is up to date"
