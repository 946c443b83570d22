#!/bin/sh
# Runs once, when the PostgreSQL volume is first created: the role the web,
# worker and beat connect as. It owns nothing; `manage.py grant_app_role`
# (run by the migrate service, as the owner) gives it its rights.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE tracker_app LOGIN PASSWORD :'app_password';
SQL
