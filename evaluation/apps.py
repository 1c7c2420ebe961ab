from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Évaluation"

    def ready(self) -> None:
        from evaluation.blocs import enregistrer_blocs

        enregistrer_blocs()

        from comptes.registres import donnees_personnelles
        from evaluation import rgpd

        donnees_personnelles.enregistrer("valeurs_d_indicateurs_saisies", rgpd.valeurs_saisies)
        donnees_personnelles.enregistrer("indicateurs_crees", rgpd.indicateurs_crees)
        donnees_personnelles.enregistrer("valeurs_de_comptes_rendus_reliees", rgpd.liaisons_comptes_rendus)
