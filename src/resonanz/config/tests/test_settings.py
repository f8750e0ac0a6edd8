"""Production settings pass Django's deployment checks and refuse to start without their secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def _run(env_extra: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RESONANZ_", "DJANGO_", "DATABASE_URL"))}
    env |= {"DJANGO_SETTINGS_MODULE": "resonanz.config.settings.production", "RESONANZ_DATA_DIR": str(tmp_path)}
    env |= env_extra
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
                          env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_for_production_settings(tmp_path: Path) -> None:
    proc = _run({"RESONANZ_SECRET_KEY": "x" * 60 + "Yz-9_" * 4, "RESONANZ_ALLOWED_HOSTS": "cx.example.org"}, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    proc = _run({"RESONANZ_ALLOWED_HOSTS": "cx.example.org"}, tmp_path)
    assert proc.returncode != 0
    assert "RESONANZ_SECRET_KEY must be set" in proc.stderr


def test_bad_boolean_setting_fails_fast_with_the_variable_name(tmp_path: Path) -> None:
    proc = _run({"RESONANZ_SECRET_KEY": "k" * 64, "RESONANZ_ALLOWED_HOSTS": "a", "RESONANZ_DEBUG": "maybe"}, tmp_path)
    assert proc.returncode != 0 and "RESONANZ_DEBUG='maybe' is not a boolean" in proc.stderr
