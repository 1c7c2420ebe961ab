from django.apps import AppConfig


class FinancementsConfig(AppConfig):
    name = "financements"
    verbose_name = "Financements"

    def ready(self):
        from financements.blocs import enregistrer_blocs

        enregistrer_blocs()

        from financements import signaux

        signaux.connecter()

        from comptes.registres import a_faire as registre_a_faire
        from financements import a_faire

        registre_a_faire.enregistrer("financements", a_faire.taches)

        from acteurs_ess.registres import valideurs_rib
        from financements.permissions import finance_un_dossier_de

        valideurs_rib["financeurs_des_dossiers"] = finance_un_dossier_de

        from acteurs_ess.registres import detacher_document, lecteurs_document, obstacles_suppression_document
        from financements import coffre

        lecteurs_document["lecteurs_des_dossiers"] = coffre.lecteur_du_document
        obstacles_suppression_document["dossiers_deposes"] = coffre.dossiers_qui_le_joignent
        detacher_document["brouillons"] = coffre.retirer_des_brouillons

        from contrats.registres import obstacles_suppression_orientation, obstacles_suppression_signataire
        from financements import obstacles

        obstacles_suppression_signataire["financeur"] = obstacles.signataire_financeur
        obstacles_suppression_orientation["priorite"] = obstacles.orientation_priorite

        from comptes.registres import donnees_personnelles, suppression_compte
        from financements import rgpd

        donnees_personnelles.enregistrer("dossiers_crees", rgpd.dossiers)
        donnees_personnelles.enregistrer("messages", rgpd.messages)
        donnees_personnelles.enregistrer("notes_d_instruction", rgpd.notes_instruction)
        donnees_personnelles.enregistrer("avis_d_instruction", rgpd.avis_instruction)
        donnees_personnelles.enregistrer("journal_des_dossiers", rgpd.journal_dossiers)
        donnees_personnelles.enregistrer("signatures_de_conventions", rgpd.signatures_conventions)
        donnees_personnelles.enregistrer("journal_des_conventions", rgpd.journal_conventions)
        suppression_compte.enregistrer("pdf_des_dossiers", rgpd.purger_pdf)
