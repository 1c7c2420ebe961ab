from django.apps import AppConfig


class ContratsConfig(AppConfig):
    name = "contrats"
    verbose_name = "Contrats de ville"

    def ready(self) -> None:
        from comptes.registres import mon_espace
        from contrats.blocs import (
            concertations_d_un_territoire,
            contrats_d_un_territoire,
            mes_contrats,
            mes_contributions,
        )
        from territoires.registres import pages_territoire

        pages_territoire.enregistrer("contrats", contrats_d_un_territoire, ordre=10)
        pages_territoire.enregistrer("concertations", concertations_d_un_territoire, ordre=11)
        mon_espace.enregistrer("contrats", mes_contrats, ordre=10)
        mon_espace.enregistrer("contributions", mes_contributions, ordre=11)

        from acteurs_ess.registres import obstacles_suppression_collectif
        from contrats.obstacles import collectif_cite

        obstacles_suppression_collectif["dynamiques_cooperatives"] = collectif_cite

        from comptes.registres import a_faire as registre_a_faire
        from contrats import a_faire

        registre_a_faire.enregistrer("contrats", a_faire.taches)

        from comptes.registres import donnees_personnelles, suppression_compte
        from contrats import rgpd

        donnees_personnelles.enregistrer("contributions", rgpd.contributions)
        donnees_personnelles.enregistrer("versions_de_sections", rgpd.versions)
        suppression_compte.enregistrer("pdf_des_contrats", rgpd.purger_pdf)

        from contrats import signaux

        # Les PDF d'un contrat sont rendus à nouveau en arrière-plan quand ses données changent.
        signaux.connecter()
