from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "resonanz.journeys"
    label = "journeys"
