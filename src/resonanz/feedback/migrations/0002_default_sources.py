"""Load the default feedback sources (editable afterwards)."""

from django.db import migrations

from resonanz.feedback.defaults import SOURCES


def load(apps, schema_editor):
    Source = apps.get_model("feedback", "FeedbackSource")
    for code, name, kind in SOURCES:
        Source.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
