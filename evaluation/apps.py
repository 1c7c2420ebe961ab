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
        donnees_personnelles.enregistrer("commentaires_sur_les_bilans", rgpd.commentaires_bilans)
        donnees_personnelles.enregistrer("avis_de_conseil_citoyen_dans_les_bilans", rgpd.avis_bilans)
