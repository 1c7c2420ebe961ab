"""Les adresses des appels à projets, des dossiers et de leur instruction (sous /contrats/appels-a-projets/)."""

from django.urls import path

from financements.views import appels, comite, comptes_rendus, conventions, dossiers, instruction, tableaux, versements

app_name = "financements"

urlpatterns = [
    path("contrat/<str:code>/", appels.appels_du_contrat, name="appels"),
    path("contrat/<str:code>/nouveau/", appels.nouvel_appel, name="nouvel_appel"),
    path("<int:pk>/", appels.appel, name="appel"),
    path("<int:pk>/publier/", appels.publier, name="publier_appel"),
    path("<int:pk>/modifier/", appels.modifier, name="modifier_appel"),
    path("<int:pk>/prolonger/", appels.prolonger, name="prolonger_appel"),
    path("<int:pk>/clore/", appels.clore, name="clore_appel"),
    path("ouverts/", appels.appels_ouverts, name="appels_ouverts"),
    path("<int:pk>/comite/", comite.comite_programmation, name="comite_programmation"),
    path("<int:pk>/comite.csv", comite.comite_csv, name="comite_csv"),
    path("<int:pk>/repondre/", dossiers.nouveau, name="nouveau_dossier"),
    path("dossiers/<int:pk>/", dossiers.dossier, name="dossier"),
    path("dossiers/<int:pk>/modifier/", dossiers.modifier, name="modifier_dossier"),
    path("dossiers/<int:pk>/budget/", dossiers.budget, name="budget_dossier"),
    path("dossiers/<int:pk>/pieces/", dossiers.pieces, name="pieces_dossier"),
    path("dossiers/<int:pk>/pieces/<int:piece_pk>/", dossiers.piece, name="piece"),
    path("dossiers/<int:pk>/pieces/coffre/<str:type_piece>/", dossiers.joindre_document, name="joindre_document"),
    path("dossiers/<int:pk>/pieces/<int:piece_pk>/retirer/", dossiers.retirer_piece, name="retirer_piece"),
    path("dossiers/<int:pk>/co-porteurs/", dossiers.co_porteurs, name="co_porteurs_dossier"),
    path("dossiers/<int:pk>/co-porteurs/<int:co_pk>/retirer/", dossiers.retirer_co_porteur, name="retirer_co_porteur"),
    path("dossiers/<int:pk>/confirmer/", dossiers.confirmer, name="confirmer_co_portage"),
    path("dossiers/<int:pk>/deposer/", dossiers.deposer, name="deposer_dossier"),
    path("dossiers/<int:pk>/supprimer/", dossiers.supprimer_brouillon, name="supprimer_brouillon"),
    path("dossiers/<int:pk>/retirer/", dossiers.retirer_dossier, name="retirer_dossier"),
    path("dossiers/<int:pk>/renouveler/", dossiers.renouveler, name="renouveler_dossier"),
    path("dossiers/<int:pk>/etat/", dossiers.transition, name="transition_dossier"),
    path("dossiers/<int:pk>/convention/", conventions.preparer, name="preparer_convention"),
    path("dossiers/<int:pk>/bilan/", dossiers.bilan, name="bilan_dossier"),
    path("dossiers/<int:pk>/resume.pdf", dossiers.pdf, name="pdf_dossier"),
    path("dossiers/<int:pk>/instruction/", instruction.prendre, name="prendre_dossier"),
    path("dossiers/<int:pk>/correction/", instruction.correction, name="correction_dossier"),
    path("dossiers/<int:pk>/note/", instruction.note, name="note_dossier"),
    path("dossiers/<int:pk>/avis/", instruction.avis, name="avis_dossier"),
    path("dossiers/<int:pk>/decision/", instruction.decision, name="decision_dossier"),
    path("dossiers/<int:pk>/decision/revision/", instruction.revision, name="revision_decision"),
    path("dossiers/<int:pk>/message/", instruction.message, name="message_dossier"),
    path("instruction/", instruction.tableau, name="tableau_instruction"),
    path("instruction/dossiers.csv", instruction.export_csv, name="export_csv"),
    path("instruction/dossiers.xlsx", instruction.export_xlsx, name="export_xlsx"),
    path("subventions/<int:pk>.csv", instruction.scdl, name="scdl"),
    path("conventions/", conventions.liste, name="conventions"),
    path("conventions/tableau-de-bord/", tableaux.tableau_financeur, name="tableau_conventions"),
    path("conventions/etat/", tableaux.tableau_etat, name="tableau_etat"),
    path("conventions/<int:pk>/", conventions.convention, name="convention"),
    path("conventions/<int:pk>/modifier/", conventions.modifier, name="modifier_convention"),
    path("conventions/<int:pk>/etat/", conventions.etat, name="etat_convention"),
    path("conventions/<int:pk>/signer/", conventions.signer, name="signer_convention"),
    path("conventions/<int:pk>/renouveler/", conventions.renouveler, name="renouveler_convention"),
    path("conventions/<int:pk>/avenants/nouveau/", conventions.nouvel_avenant, name="nouvel_avenant"),
    path("conventions/<int:pk>/avenants/<int:avenant_pk>/", conventions.avenant, name="avenant"),
    path("conventions/<int:pk>/avenants/<int:avenant_pk>/signer/", conventions.signer_avenant, name="signer_avenant"),
    path("conventions/<int:pk>/avenants/<int:avenant_pk>.pdf", conventions.pdf_avenant, name="pdf_avenant"),
    path(
        "conventions/<int:pk>/avenants/<int:avenant_pk>/signatures/<int:signature_pk>/",
        conventions.pdf_signe_avenant,
        name="pdf_signe_avenant",
    ),
    path("conventions/<int:pk>.pdf", conventions.pdf, name="pdf_convention"),
    path("conventions/<int:pk>/financeurs/", conventions.ajouter_financeur, name="ajouter_financeur_convention"),
    path("conventions/<int:pk>/signatures/<int:signature_pk>/", conventions.pdf_signe, name="pdf_signe_convention"),
    path("conventions/<int:pk>/comptes-rendus/<int:annee>/", comptes_rendus.compte_rendu, name="compte_rendu"),
    path(
        "conventions/<int:pk>/comptes-rendus/<int:annee>/preparer/",
        comptes_rendus.preparer,
        name="preparer_compte_rendu",
    ),
    path("conventions/<int:pk>/comptes-rendus/<int:annee>/avis/", comptes_rendus.avis, name="avis_compte_rendu"),
    path("conventions/<int:pk>/comptes-rendus/<int:annee>.pdf", comptes_rendus.pdf, name="pdf_compte_rendu"),
    path(
        "conventions/<int:pk>/versements/echeancier/<int:financeur_pk>/", versements.generer, name="generer_echeancier"
    ),
    path("conventions/<int:pk>/versements/nouveau/<int:financeur_pk>/", versements.nouveau, name="nouveau_versement"),
    path(
        "conventions/<int:pk>/versements/<int:versement_pk>/modifier/", versements.modifier, name="modifier_versement"
    ),
    path(
        "conventions/<int:pk>/versements/<int:versement_pk>/supprimer/",
        versements.supprimer,
        name="supprimer_versement",
    ),
    path(
        "conventions/<int:pk>/versements/<int:versement_pk>/mandater/", versements.mandater, name="mandater_versement"
    ),
    path("conventions/<int:pk>/versements/<int:versement_pk>/payer/", versements.payer, name="payer_versement"),
    path("conventions/<int:pk>/versements/<int:versement_pk>/annuler/", versements.annuler, name="annuler_versement"),
    path(
        "conventions/<int:pk>/reversements/nouveau/<int:financeur_pk>/",
        versements.nouveau_reversement,
        name="nouveau_reversement",
    ),
    path(
        "conventions/<int:pk>/reversements/<int:reversement_pk>/",
        versements.suivre_reversement,
        name="suivre_reversement",
    ),
    path("conventions/<int:pk>/parts/<int:financeur_pk>/", versements.parts, name="parts_beneficiaires"),
]
