from django.apps import AppConfig


class AlprConfig(AppConfig):
    name = "alpr"
    verbose_name = "ALPR data"
