from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "resonanz.analysis"
    label = "analysis"
