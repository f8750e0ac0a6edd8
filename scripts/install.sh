#!/usr/bin/env bash
# Create .venv with Python 3.12 and install Resonanz (editable) with its dev extras. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

pick_python() {
  for cand in python3.12 python3 python; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 12) else 1)' 2>/dev/null; then
      echo "$cand"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 12) else 1)'; then
  PY=$(pick_python) || { echo "Resonanz needs Python >= 3.12 (python3.12 not found)." >&2; exit 1; }
  echo "==> Creating .venv with $($PY --version)"
  rm -rf .venv
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
EXTRAS="${RESONANZ_EXTRAS-dev}"
TARGET="."; [ -n "$EXTRAS" ] && TARGET=".[$EXTRAS]"
echo "==> Installing Resonanz $TARGET (this takes a few minutes the first time)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$TARGET"
.venv/bin/python -c "import resonanz, django; print('==> Resonanz installed, Django', django.get_version())"
