"""Load the default phases, channels and touchpoints (editable afterwards)."""

from django.db import migrations

from resonanz.journeys.defaults import CHANNELS, STAGES, TOUCHPOINTS


def load(apps, schema_editor):
    Stage = apps.get_model("journeys", "JourneyStage")
    Channel = apps.get_model("journeys", "Channel")
    Touchpoint = apps.get_model("journeys", "Touchpoint")
    for pos, (code, de, en, dde, den) in enumerate(STAGES, start=1):
        Stage.objects.get_or_create(
            code=code, defaults={"name_de": de, "name_en": en, "description_de": dde, "description_en": den, "position": pos}
        )
    for code, de, en, online in CHANNELS:
        Channel.objects.get_or_create(code=code, defaults={"name_de": de, "name_en": en, "online": online})
    for code, de, en, stage, channel in TOUCHPOINTS:
        Touchpoint.objects.get_or_create(
            code=code,
            defaults={
                "name_de": de, "name_en": en,
                "stage": Stage.objects.get(code=stage), "channel": Channel.objects.get(code=channel),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("journeys", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
