from django.apps import AppConfig


class LoopConfig(AppConfig):
    name = "resonanz.loop"
    label = "loop"
