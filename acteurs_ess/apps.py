from django.apps import AppConfig


class ActeursEssConfig(AppConfig):
    name = "acteurs_ess"
    verbose_name = "Acteurs de l'ESS"
