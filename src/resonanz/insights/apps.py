from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "resonanz.insights"
    label = "insights"
