from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "comptes"
    verbose_name = "Comptes et organisations"
