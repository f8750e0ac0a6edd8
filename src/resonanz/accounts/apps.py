from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles(sender: AppConfig, **kwargs: object) -> None:
    from resonanz.accounts.services import roles_ensure

    roles_ensure()


class AccountsConfig(AppConfig):
    name = "resonanz.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Permissions exist only after migrate; keep the role groups in step (the service is idempotent).
        post_migrate.connect(_ensure_roles, sender=self)
