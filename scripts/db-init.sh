#!/usr/bin/env bash
# Run once by the postgres image (mounted into /docker-entrypoint-initdb.d) when its data volume
# is first created. Makes the two roles Innovate uses:
#   innovate      owns the database and its tables; scripts/start migrates as it
#   innovate_app  the role the app serves as; it owns nothing, and `manage.py grant_app_role`
#                 (run by scripts/start after every migrate) gives it only SELECT and INSERT on
#                 the moves and history tables
# Passwords come from INNOVATE_OWNER_PASSWORD and INNOVATE_APP_PASSWORD.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$INNOVATE_OWNER_PASSWORD" \
  -v app_password="$INNOVATE_APP_PASSWORD" \
  -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE innovate LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE innovate_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO innovate;
ALTER SCHEMA public OWNER TO innovate;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO innovate_app;
SQL
