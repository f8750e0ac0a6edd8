from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "resonanz.imports"
    label = "imports"
