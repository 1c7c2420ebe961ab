from django.apps import AppConfig


class ActeursEssConfig(AppConfig):
    name = "acteurs_ess"
    verbose_name = "Acteurs de l'ESS"

    def ready(self):
        from acteurs_ess.blocs import structures_d_un_territoire
        from acteurs_ess.espace import mon_annuaire
        from comptes import espace
        from territoires import blocs

        blocs.enregistrer("structures", structures_d_un_territoire, ordre=20)
        espace.enregistrer("annuaire", mon_annuaire, ordre=20)
