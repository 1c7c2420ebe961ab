from django.apps import AppConfig


class TerritoiresConfig(AppConfig):
    name = "territoires"
    verbose_name = "Territoires"

    def ready(self) -> None:
        # Première application de la plateforme, chargée par tout processus (web, worker, commande) : toute
        # écriture d'un modèle change la version des pages publiques gardées (config/lib/pages_publiques.py).
        from config.lib.pages_publiques import connecter_les_signaux

        connecter_les_signaux()
