import pytest

from resonanz.accounts.services import user_create


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def write(tmp_path):
    """write(name, text_or_bytes, encoding='utf-8') -> path"""

    def _write(name, content, encoding="utf-8"):
        p = tmp_path / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_bytes(content.encode(encoding))
        return p

    return _write


@pytest.fixture
def analyst(db):
    return user_create(username="ana", role="analyst", password="pw-analyst-123")[0]


@pytest.fixture
def viewer(db):
    return user_create(username="vic", role="viewer", password="pw-viewer-123")[0]


@pytest.fixture
def customers(db):
    from django.utils import timezone

    from resonanz.customers.models import Customer

    return [Customer.objects.create(external_id=f"K{i}", name=f"Kunde {i}", created_at=timezone.now())
            for i in range(1, 4)]
