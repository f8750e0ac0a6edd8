"""Platform commands: demo, serve, worker, createadmin, setup, jobs prune."""

from __future__ import annotations

import typer

jobs_app = typer.Typer(help="Background jobs.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("setup")(setup)
    app.command("createadmin")(createadmin)
    app.command("serve")(serve)
    app.command("worker")(worker)
    app.command("demo")(demo)
    jobs_app.command("prune")(jobs_prune)
    app.add_typer(jobs_app, name="jobs")


def jobs_prune(days: int = typer.Option(30, min=1, help="Delete finished jobs older than this many days")) -> None:
    """Delete finished job records (done or failed) and finished task results older than DAYS; queued and
    running ones stay. Run it daily from cron or a systemd timer on busy installations."""
    from resonanz.cli.django_setup import setup_django

    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from resonanz.jobs.services import job_prune

    n = job_prune(older_than_days=days)
    if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):  # the worker's queue table
        call_command("prune_db_task_results", min_age_days=days, failed_min_age_days=days, queue_name="*",
                     verbosity=0)
    typer.echo(f"Deleted {n} finished jobs older than {days} days.")


def setup() -> None:
    """Create or migrate the database and the role groups."""
    from resonanz.cli.django_setup import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    typer.echo("Database ready.")
    from django.db import transaction

    from resonanz.analysis.models import FeedbackAnalysis
    from resonanz.analysis.services import analysis_enqueue_refresh

    if FeedbackAnalysis.objects.exists():  # after an upgrade: analyses of older components are renewed
        with transaction.atomic():
            job_id = analysis_enqueue_refresh(label="Neuanalyse nach Aktualisierung")
        if job_id:
            typer.echo(f"Queued job {job_id}: new and outdated analyses are renewed by the worker.")


def createadmin(
    username: str = typer.Option("admin", help="User name"),
    password: str | None = typer.Option(None, help="Password (default: generated and printed)"),
    email: str = typer.Option("", help="E-mail address"),
    role: str = typer.Option("admin", help="admin, analyst, agent or viewer"),
) -> None:
    """Create (or reset) a user with a role and print the credentials."""
    from resonanz.cli.django_setup import setup_django

    setup_django()
    from resonanz.accounts.services import user_create

    try:
        _user, pw = user_create(username=username, role=role, password=password, email=email)
    except ValueError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    typer.secho(f"User: {username}  Password: {pw}  Role: {role}", fg="green")


def serve(
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
    with_worker: bool = typer.Option(True, help="Also run a background worker in a child process"),
) -> None:
    """Serve the web UI and API (embedded mode) and, by default, a background worker."""
    from resonanz.cli.runner import run_server

    run_server(host=host, port=port, with_worker=with_worker)


def worker() -> None:
    """Run the background task worker (django-tasks-db)."""
    from resonanz.cli.django_setup import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("db_worker")


def demo(
    seed: int = typer.Option(42, help="Random seed (the data is deterministic for a seed)"),
    customers: int = typer.Option(5000, help="Number of customers"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Start the server and a worker afterwards"),
    reset: bool = typer.Option(False, help="Delete existing data first"),
) -> None:
    """Load the demo company (if not loaded), print an admin login and serve the platform with a worker."""
    from resonanz.cli.django_setup import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from resonanz.demo.loader import demo_load

    demo_load(seed=seed, customers=customers, reset=reset, progress=True)
    from resonanz.analysis.services import analysis_enqueue, feedback_ids_needing_analysis

    pending = len(feedback_ids_needing_analysis())
    if pending:
        job_id = analysis_enqueue(label="Demo: Textanalyse")
        typer.echo(f"Text analysis of {pending} feedback items queued (job #{job_id}); the worker processes it "
                   "in the background — progress at /jobs/.")
    from resonanz.accounts.services import user_create

    _u, pw = user_create(username="admin", role="admin")
    _a, apw = user_create(username="analyst", role="analyst")
    typer.secho("\nResonanz demo is ready.", fg="green", bold=True)
    typer.secho(f"  Open  http://{host}:{port}/", fg="green")
    typer.secho(f"  Admin login:    admin / {pw}", fg="green")
    typer.secho(f"  Analyst login:  analyst / {apw}\n", fg="green")
    if serve_after:
        from resonanz.cli.runner import run_server

        run_server(host=host, port=port, with_worker=True)
