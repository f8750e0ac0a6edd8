#!/usr/bin/env bash
# Fresh machine -> running demo: install, create the SQLite database, load the demo company,
# print the admin login and serve http://127.0.0.1:8000 with a background worker.
set -euo pipefail
cd "$(dirname "$0")/.."
RESONANZ_EXTRAS="${RESONANZ_EXTRAS-}" bash scripts/install.sh
export RESONANZ_DATA_DIR="${RESONANZ_DATA_DIR:-$PWD/var}"
exec .venv/bin/resonanz demo "$@"
