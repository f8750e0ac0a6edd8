from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "resonanz.jobs"
    label = "jobs"
