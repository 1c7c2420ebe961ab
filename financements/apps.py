from django.apps import AppConfig


class FinancementsConfig(AppConfig):
    name = "financements"
    verbose_name = "Financements"

    def ready(self):
        from financements.blocs import enregistrer_blocs

        enregistrer_blocs()
