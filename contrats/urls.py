from django.urls import path

from contrats.views import concertation, contrat, contributions, documents, ess, gouvernance, sections

app_name = "contrats"

urlpatterns = [
    path("", contrat.liste, name="liste"),
    path("mes-contributions/", contributions.mes_contributions, name="mes_contributions"),
    path("<str:code>/", contrat.contrat, name="contrat"),
    path("<str:code>/etat/", contrat.transition, name="transition"),
    path("<str:code>/contrat.pdf", documents.contrat_pdf, name="contrat_pdf"),
    path("<str:code>/synthese.pdf", documents.synthese_pdf, name="synthese_pdf"),
    path("<str:code>/sections/nouvelle/", sections.nouvelle, name="nouvelle_section"),
    path("<str:code>/sections/<int:pk>/", sections.section, name="section"),
    path("<str:code>/sections/<int:pk>/modifier/", sections.modifier, name="modifier_section"),
    path("<str:code>/sections/<int:pk>/historique/", sections.historique, name="historique"),
    path("<str:code>/sections/<int:pk>/versions/<int:numero>/", sections.version, name="version"),
    path("<str:code>/sections/<int:pk>/comparer/", sections.comparer, name="comparer"),
    path("<str:code>/sections/<int:pk>/restaurer/<int:numero>/", sections.restaurer, name="restaurer"),
    path("<str:code>/orientations/nouvelle/", sections.nouvelle_orientation, name="nouvelle_orientation"),
    path("<str:code>/concertations/nouvelle/", concertation.nouvelle, name="nouvelle_concertation"),
    path("<str:code>/concertations/<int:pk>/", concertation.concertation, name="concertation"),
    path("<str:code>/concertations/<int:pk>/clore/", concertation.clore, name="clore_concertation"),
    path("<str:code>/contributions/", concertation.contributions, name="contributions"),
    path("<str:code>/contributions/<int:pk>/analyser/", concertation.analyser, name="analyser"),
    path("<str:code>/contributions/<int:pk>/repondre/", concertation.repondre, name="repondre"),
    path("<str:code>/contributions/<int:pk>/masquer/", concertation.masquer, name="masquer"),
    path(
        "<str:code>/contributions/<int:pk>/modifier/",
        contributions.modifier_contribution,
        name="modifier_contribution",
    ),
    path("<str:code>/contributions/<int:pk>/retirer/", contributions.retirer_contribution, name="retirer_contribution"),
    path("<str:code>/ce-que-vous-avez-dit/", concertation.reponses, name="contributions_publiques"),
    path("<str:code>/signataires/nouveau/", gouvernance.nouveau_signataire, name="nouveau_signataire"),
    path("<str:code>/signataires/<int:pk>/engagement/", gouvernance.nouvel_engagement, name="nouvel_engagement"),
    path("<str:code>/instances/nouvelle/", gouvernance.nouvelle_instance, name="nouvelle_instance"),
    path("<str:code>/instances/<int:pk>/reunion/", gouvernance.nouvelle_reunion, name="nouvelle_reunion"),
    path("<str:code>/signataires/<int:pk>/modifier/", gouvernance.modifier_signataire, name="modifier_signataire"),
    path("<str:code>/signataires/<int:pk>/retirer/", gouvernance.supprimer_signataire, name="supprimer_signataire"),
    path("<str:code>/engagements/<int:pk>/modifier/", gouvernance.modifier_engagement, name="modifier_engagement"),
    path("<str:code>/engagements/<int:pk>/supprimer/", gouvernance.supprimer_engagement, name="supprimer_engagement"),
    path("<str:code>/instances/<int:pk>/modifier/", gouvernance.modifier_instance, name="modifier_instance"),
    path("<str:code>/instances/<int:pk>/supprimer/", gouvernance.supprimer_instance, name="supprimer_instance"),
    path("<str:code>/reunions/<int:pk>/modifier/", gouvernance.modifier_reunion, name="modifier_reunion"),
    path("<str:code>/reunions/<int:pk>/supprimer/", gouvernance.supprimer_reunion, name="supprimer_reunion"),
    path("<str:code>/ess/<str:quoi>/", ess.renseigner, name="renseigner_ess"),
]
