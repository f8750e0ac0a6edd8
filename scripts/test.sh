#!/usr/bin/env bash
# Install everything and run lint + the whole test suite on SQLite and on PostgreSQL.
# PostgreSQL: uses $RESONANZ_TEST_POSTGRES_URL if set, else starts a throwaway server on loopback when
# PostgreSQL's binaries are installed (Debian: apt-get install postgresql), else says so and skips that pass
# (set RESONANZ_REQUIRE_POSTGRES=1 to make that an error, as CI does).
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages for the PostgreSQL pass, the browser tests and translations (Debian/Ubuntu, as root).
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 && [ "${RESONANZ_NO_APT:-0}" != "1" ]; then
  need=""
  for pkg in postgresql chromium gettext; do dpkg -s "$pkg" >/dev/null 2>&1 || need="$need $pkg"; done
  if [ -n "$need" ]; then
    echo "==> apt-get install$need"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $need >/dev/null
  fi
fi
RESONANZ_EXTRAS="${RESONANZ_EXTRAS-dev,finetune}" bash scripts/install.sh  # finetune: JAX for the fine-tuning tests
export PATH="$PWD/.venv/bin:$PATH"

echo "==> Lint (ruff) and architecture contracts (import-linter)"
ruff check src bench tests
lint-imports

if command -v msgfmt >/dev/null 2>&1; then
  (cd src/resonanz && django-admin compilemessages --ignore=.venv >/dev/null)
fi

run_pytest() {
  local code=0
  pytest "$@" || code=$?
  if [ "$code" -ne 0 ] && [ "$code" -ne 5 ]; then exit "$code"; fi
}

echo "==> Tests on SQLite"
run_pytest -q -p no:cacheprovider

PG_URL="${RESONANZ_TEST_POSTGRES_URL:-}"
PG_STARTED=""
if [ -z "$PG_URL" ]; then
  INITDB=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$INITDB" ]; then
    PGBIN=$(dirname "$INITDB")
    PGDIR=$(mktemp -d /tmp/resonanz-pg.XXXXXX)
    PGPORT="${RESONANZ_TEST_PG_PORT:-54329}"
    AS=""
    if [ "$(id -u)" = "0" ]; then chown postgres "$PGDIR"; AS="runuser -u postgres --"; fi
    $AS "$PGBIN/initdb" -D "$PGDIR/data" -U resonanz --auth=trust >/dev/null
    $AS "$PGBIN/pg_ctl" -D "$PGDIR/data" -o "-k $PGDIR -c listen_addresses=127.0.0.1 -p $PGPORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" -l "$PGDIR/log" -w start >/dev/null
    PG_STARTED="$PGDIR"
    trap '$AS "$PGBIN/pg_ctl" -D "$PG_STARTED/data" -m fast stop >/dev/null 2>&1 || true' EXIT
    PG_URL="postgres://resonanz@127.0.0.1:$PGPORT/resonanz"
    $AS "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U resonanz resonanz
  fi
fi
if [ -n "$PG_URL" ]; then
  echo "==> Tests on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" run_pytest -q -p no:cacheprovider src/resonanz --ignore=src/resonanz/core tests
elif [ "${RESONANZ_REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "PostgreSQL is required but not installed (apt-get install postgresql)." >&2; exit 1
else
  echo "==> PostgreSQL not installed: skipped the PostgreSQL pass (apt-get install postgresql to run it)."
fi
