from django.apps import AppConfig


class ContratsConfig(AppConfig):
    name = "contrats"
    verbose_name = "Contrats de ville"

    def ready(self):
        from comptes import espace
        from contrats.blocs import contrats_d_un_territoire, mes_contrats
        from territoires import blocs

        blocs.enregistrer("contrats", contrats_d_un_territoire, ordre=10)
        espace.enregistrer("contrats", mes_contrats, ordre=10)
