from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "resonanz.customers"
    label = "customers"
