from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "resonanz.segments"
    label = "segments"
