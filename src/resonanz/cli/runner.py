"""Run the web server (Django's threaded WSGI server via ``runserver --noreload`` in embedded mode,
with static files from WhiteNoise) and a background worker in a child process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys


def run_server(*, host: str, port: int, with_worker: bool) -> None:
    from resonanz.cli.django_setup import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    worker: subprocess.Popen[bytes] | None = None
    if with_worker:
        env = dict(os.environ)
        worker = subprocess.Popen([sys.executable, "-m", "resonanz.cli.main", "worker"], env=env)
        print(f"Background worker started (pid {worker.pid}).", flush=True)
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
