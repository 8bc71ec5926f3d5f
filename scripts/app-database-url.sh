# Sourced by scripts/run.sh: what `make run` starts logs in as the application's own database role.
# DATABASE_URL names the database and its owner, who migrated it (scripts/setup.sh); the servers get the
# same URL with the application's role in place of the owner's name and password (on a development
# machine PostgreSQL trusts logins from 127.0.0.1). DATABASE_APP_URL, when set, is used as it is.
owner_database_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/alpr}
export DATABASE_URL=${DATABASE_APP_URL:-$(printf '%s' "$owner_database_url" \
  | sed -E "s#^([a-z]+://)([^@/]*@)?#\1${DATABASE_APP_ROLE_NAME:-alpr_app}@#")}
unset owner_database_url
