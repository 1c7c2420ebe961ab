from django.apps import AppConfig


class ActeursEssConfig(AppConfig):
    name = "acteurs_ess"
    verbose_name = "Acteurs de l'ESS"

    def ready(self) -> None:
        from acteurs_ess.blocs import mon_annuaire, structures_d_un_territoire
        from comptes.registres import mon_espace
        from territoires.registres import pages_territoire

        pages_territoire.enregistrer("structures", structures_d_un_territoire, ordre=20)
        mon_espace.enregistrer("annuaire", mon_annuaire, ordre=20)

        from acteurs_ess import a_faire
        from comptes.registres import a_faire as registre_a_faire

        registre_a_faire.enregistrer("annuaire", a_faire.taches)

        from acteurs_ess import rgpd
        from comptes.registres import donnees_personnelles

        donnees_personnelles.enregistrer("documents_deposes_dans_les_coffres", rgpd.documents_deposes)
