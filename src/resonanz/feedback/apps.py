from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "resonanz.feedback"
    label = "feedback"
