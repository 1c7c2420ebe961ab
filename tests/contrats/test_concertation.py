import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from contrats.models import Contribution, JournalContribution, StatutContrat, StatutContribution
from contrats.services import concertation as services
from contrats.services import sections
from tests.contrats.factories import ConcertationFactory, ContributionFactory, SectionFactory
from tests.taches import executer_taches, puis_executer_taches, serveur_de_courriels_retabli, taches

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate


@pytest.fixture
def concertation(contrat, section, agent):
    concertation = services.ouvrir(
        contrat,
        agent,
        "Concertation sur l'emploi",
        AUJOURD_HUI(),
        AUJOURD_HUI() + timezone.timedelta(days=30),
        ["signataires", "structures", "habitants"],
        sections=[section],
    )
    # L'annonce de l'ouverture à ses publics est envoyée, puis oubliée : les tests comptent ce qui suit.
    executer_taches()
    mail.outbox.clear()
    return concertation


def _contribuer(client, concertation, section, texte="Associer les régies de quartier.", **autres):
    return client.post(
        reverse("contrats:concertation", args=[concertation.contrat.code, concertation.pk]),
        {"cible": f"section-{section.pk}", "texte": texte, "proposition": "", "organisation": "", **autres},
    )


def test_it_opens_a_concertation_from_the_page_and_moves_the_contract(client, agent, contrat, section):
    client.force_login(agent)
    reponse = client.post(
        reverse("contrats:nouvelle_concertation", args=[contrat.code]),
        {
            "titre": "Concertation d'automne",
            "debut": AUJOURD_HUI().isoformat(),
            "fin": (AUJOURD_HUI() + timezone.timedelta(days=20)).isoformat(),
            "publics": ["structures"],
            "sections": [section.pk],
        },
    )
    concertation = contrat.concertations.get()
    assert reponse.url == concertation.get_absolute_url()
    assert list(concertation.sections.all()) == [section]
    contrat.refresh_from_db()
    assert contrat.statut == StatutContrat.CONCERTATION
    assert contrat.journal.get().motif == "Ouverture de la concertation « Concertation d'automne »"


def test_it_refuses_a_concertation_without_target_or_with_wrong_dates(agent, contrat, section):
    with pytest.raises(ValidationError) as erreur:
        services.ouvrir(contrat, agent, "X", AUJOURD_HUI(), AUJOURD_HUI() - timezone.timedelta(days=1), [], [])
    messages = erreur.value.messages
    assert "La date de fin doit suivre la date de début." in messages
    assert "Choisissez au moins un public." in messages
    assert "Choisissez au moins une section ou une orientation soumise à la concertation." in messages
    assert not contrat.concertations.exists()


def test_it_lets_an_association_contribute(client, membre_structure, association, concertation, section):
    client.force_login(membre_structure)
    reponse = _contribuer(client, concertation, section, proposition="Nouvelle phrase.", organisation=association.pk)

    assert reponse.status_code == 302
    contribution = Contribution.objects.get()
    assert (contribution.auteur, contribution.organisation, contribution.section) == (
        membre_structure,
        association,
        section,
    )
    assert (contribution.statut, contribution.proposition) == (StatutContribution.DEPOSEE, "Nouvelle phrase.")
    assert JournalContribution.objects.get(contribution=contribution).evenement == "Déposée"


@pytest.mark.parametrize("personne", ["agent_etat", "partenaire", "habitant", "exterieur"])
def test_it_lets_each_audience_contribute(client, request, concertation, section, personne):
    client.force_login(request.getfixturevalue(personne))
    assert _contribuer(client, concertation, section).status_code == 302


def test_it_refuses_a_contribution_outside_the_audience(client, contrat, section, habitant):
    concertation = ConcertationFactory(contrat=contrat, sections=[section], publics=["signataires"])
    client.force_login(habitant)
    reponse = _contribuer(client, concertation, section)
    # Le contrat n'est pas visible de qui n'est pas invité à sa concertation.
    assert reponse.status_code == 404
    with pytest.raises(PermissionDenied, match="réservée aux publics suivants : signataires du contrat"):
        services.contribuer(concertation, habitant, "Texte", section=section)
    assert not Contribution.objects.exists()


def test_it_refuses_a_contribution_outside_the_dates(client, contrat, section, agent_etat):
    passee = ConcertationFactory(
        contrat=contrat,
        sections=[section],
        debut=AUJOURD_HUI() - timezone.timedelta(days=30),
        fin=AUJOURD_HUI() - timezone.timedelta(days=1),
    )
    future = ConcertationFactory(
        contrat=contrat,
        sections=[section],
        debut=AUJOURD_HUI() + timezone.timedelta(days=3),
        fin=AUJOURD_HUI() + timezone.timedelta(days=9),
    )
    client.force_login(agent_etat)
    reponse = _contribuer(client, passee, section)
    assert reponse.status_code == 403
    assert "s&#x27;est terminée le" in reponse.content.decode()
    reponse = _contribuer(client, future, section)
    assert reponse.status_code == 403
    assert "ouvre le" in reponse.content.decode()
    assert not Contribution.objects.exists()


def test_it_refuses_a_contribution_on_a_section_outside_the_concertation(contrat, concertation, agent_etat):
    autre = SectionFactory(contrat=contrat)
    with pytest.raises(ValidationError, match="n'est pas soumise"):
        services.contribuer(concertation, agent_etat, "Texte", section=autre)


def test_it_refuses_code_in_a_contribution_and_keeps_the_text(client, concertation, section, membre_structure):
    client.force_login(membre_structure)
    reponse = _contribuer(client, concertation, section, texte="Bonjour <script>alert('x')</script>")
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "écrivez en texte simple" in contenu
    assert "Bonjour &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</textarea>" in contenu
    assert not Contribution.objects.exists()


def test_it_shows_contributions_as_plain_text(client, concertation, section, agent_etat, agent):
    contribution = services.contribuer(concertation, agent_etat, "Texte <b>gras</b> & <i>italique</i>", section=section)
    services.repondre(contribution, agent, "non_retenue", "Merci <b>!</b>")
    contenu = client.get(reverse("contrats:contributions_publiques", args=[concertation.contrat.code])).content.decode()
    assert "Texte &lt;b&gt;gras&lt;/b&gt; &amp; &lt;i&gt;italique&lt;/i&gt;" in contenu


def test_it_moves_a_contribution_through_analysis_to_an_answer_and_notifies(
    client, agent, concertation, section, membre_structure
):
    contribution = services.contribuer(concertation, membre_structure, "Associer les régies.", section=section)
    client.force_login(agent)
    client.post(reverse("contrats:analyser", args=[concertation.contrat.code, contribution.pk]))
    contribution.refresh_from_db()
    assert contribution.statut == StatutContribution.EN_ANALYSE

    with puis_executer_taches():
        reponse = client.post(
            reverse("contrats:repondre", args=[concertation.contrat.code, contribution.pk]),
            {"statut": "non_retenue", "reponse": "Les régies sont déjà associées par la convention de 2024."},
        )

    assert reponse.status_code == 302
    contribution.refresh_from_db()
    assert (contribution.statut, contribution.repondue_par) == (StatutContribution.NON_RETENUE, agent)
    # (L'annonce de l'ouverture de la concertation à ses publics part avec les tâches exécutées ici.)
    reponses = [m for m in mail.outbox if "Réponse à votre contribution" in m.subject]
    assert len(reponses) == 1
    message = reponses[0]
    assert message.to == [membre_structure.email]
    assert "Non retenue" in message.body
    assert "déjà associées par la convention" in message.body
    assert f"/contrats/{concertation.contrat.code}/ce-que-vous-avez-dit/#contribution-{contribution.pk}" in message.body
    evenements = list(contribution.journal.values_list("evenement", flat=True))
    assert evenements == ["Déposée", "En analyse", "Réponse publiée : non retenue"]


def test_it_refuses_an_empty_answer(client, agent, concertation, section, membre_structure):
    contribution = services.contribuer(concertation, membre_structure, "Idée", section=section)
    client.force_login(agent)
    reponse = client.post(
        reverse("contrats:repondre", args=[concertation.contrat.code, contribution.pk]),
        {"statut": "non_retenue", "reponse": "  "},
    )
    assert reponse.status_code == 200
    assert "La réponse publique est obligatoire" in reponse.content.decode()
    contribution.refresh_from_db()
    assert contribution.statut == StatutContribution.DEPOSEE
    assert mail.outbox == []


def test_it_refuses_a_second_answer(agent, concertation, section, membre_structure):
    contribution = services.contribuer(concertation, membre_structure, "Idée", section=section)
    services.repondre(contribution, agent, "retenue", "Oui.")
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.repondre(contribution, agent, "non_retenue", "Finalement non.")
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.analyser(contribution, agent)


def test_it_lets_only_the_carrier_answer(client, concertation, section, membre_structure, agent_etat, elu):
    contribution = services.contribuer(concertation, membre_structure, "Idée", section=section)
    for personne in (agent_etat, elu):
        with pytest.raises(PermissionDenied):
            services.repondre(contribution, personne, "retenue", "Oui")
        client.force_login(personne)
        url = reverse("contrats:repondre", args=[concertation.contrat.code, contribution.pk])
        assert client.get(url).status_code == 403


def test_it_links_a_retained_contribution_to_the_version_that_took_it_in(
    client, agent, concertation, section, membre_structure
):
    contribution = services.contribuer(
        concertation, membre_structure, "Ajouter la Fabrique", section=section, proposition="Créer une Fabrique."
    )
    services.repondre(contribution, agent, "retenue", "Retenue : nous l'ajoutons.")
    client.force_login(agent)
    page = client.get(reverse("contrats:modifier_section", args=[concertation.contrat.code, section.pk]))
    assert "Créer une Fabrique." in page.content.decode()

    reponse = client.post(
        reverse("contrats:modifier_section", args=[concertation.contrat.code, section.pk]),
        {
            "texte": "<p>Premier texte.</p><p>Créer une Fabrique.</p>",
            "version_base": 1,
            "contributions": [contribution.pk],
        },
    )

    assert reponse.status_code == 302
    contribution.refresh_from_db()
    assert contribution.version_integration == section.versions.get(numero=2)
    publique = client.get(
        reverse("contrats:contributions_publiques", args=[concertation.contrat.code])
    ).content.decode()
    assert "Ce que vous avez dit" in publique
    assert "Retenue : nous l&#x27;ajoutons." in publique
    assert f"/sections/{section.pk}/versions/2/" in publique
    assert "version 2 de la section « Emploi et insertion »" in publique


def test_it_refuses_to_integrate_a_contribution_that_is_not_retained(agent, concertation, section, membre_structure):
    contribution = services.contribuer(concertation, membre_structure, "Idée", section=section)
    with pytest.raises(ValidationError, match="n'est pas retenue"):
        sections.enregistrer(section, agent, "<p>Nouveau</p>", 1, contributions=[contribution])
    section.refresh_from_db()
    assert section.numero == 1


def test_it_hides_an_abusive_contribution_but_keeps_it(client, agent, concertation, section, membre_structure):
    contribution = services.contribuer(concertation, membre_structure, "Propos injurieux", section=section)
    client.force_login(agent)
    url = reverse("contrats:masquer", args=[concertation.contrat.code, contribution.pk])
    assert "Indiquez le motif" in client.post(url, {"motif": ""}).content.decode()

    client.post(url, {"motif": "Propos injurieux"})

    contribution.refresh_from_db()
    assert (contribution.masquee, contribution.motif_masquage, contribution.masquee_par) == (
        True,
        "Propos injurieux",
        agent,
    )
    publique = client.get(
        reverse("contrats:contributions_publiques", args=[concertation.contrat.code])
    ).content.decode()
    assert "Contribution masquée par la modération" in publique
    assert "Propos injurieux</p>" not in publique.replace("Motif : Propos injurieux</p>", "")
    gestion = client.get(reverse("contrats:contributions", args=[concertation.contrat.code])).content.decode()
    assert "Masquée : Propos injurieux" in gestion


def test_it_lets_only_moderators_hide(concertation, section, membre_structure, agent_etat, admin_plateforme):
    contribution = services.contribuer(concertation, membre_structure, "Texte", section=section)
    with pytest.raises(PermissionDenied):
        services.masquer(contribution, agent_etat, "Non")
    services.masquer(contribution, admin_plateforme, "Hors charte")
    assert Contribution.objects.get().masquee


def test_it_closes_a_concertation(client, agent, concertation, section, agent_etat):
    client.force_login(agent)
    client.post(
        reverse("contrats:clore_concertation", args=[concertation.contrat.code, concertation.pk]),
        {"motif": "Les ateliers de quartier ont déjà tout dit."},
    )
    concertation.refresh_from_db()
    assert concertation.close_le is not None
    assert concertation.motif_cloture == "Les ateliers de quartier ont déjà tout dit."
    with pytest.raises(PermissionDenied, match="close"):
        services.contribuer(concertation, agent_etat, "Trop tard", section=section)


def test_it_shows_every_contribution_with_its_state_on_the_public_page(client, agent, concertation, section):
    deposee = ContributionFactory(concertation=concertation, section=section, texte="En attente de réponse")
    repondue = ContributionFactory(concertation=concertation, section=section, texte="Idée retenue")
    services.repondre(repondue, agent, "partiellement_retenue", "En partie : pour Maurepas seulement.")
    contenu = client.get(reverse("contrats:contributions_publiques", args=[concertation.contrat.code])).content.decode()
    assert "En attente de réponse" in contenu and "Réponse à venir" in contenu
    assert "Partiellement retenue" in contenu and "pour Maurepas seulement" in contenu
    assert deposee.auteur.email not in contenu


def test_an_answer_is_published_when_the_mail_server_is_down_and_its_author_told_when_it_is_back(
    client, agent, concertation, section, membre_structure, smtp_en_panne, settings
):
    contribution = services.contribuer(concertation, membre_structure, "Associer les régies.", section=section)
    concertation.contrat.nom = "Rennes\nMétropole"
    concertation.contrat.save(update_fields=["nom"])
    client.force_login(agent)
    with puis_executer_taches():
        reponse = client.post(
            reverse("contrats:repondre", args=[concertation.contrat.code, contribution.pk]),
            {"statut": "non_retenue", "reponse": "Déjà prévu."},
        )
    assert reponse.status_code == 302
    contribution.refresh_from_db()
    assert contribution.statut == StatutContribution.NON_RETENUE
    assert mail.outbox == []
    assert [(t.status, t.attempts) for t in taches("envoyer_courriel", statut="todo")] == [("todo", 1)]

    serveur_de_courriels_retabli(settings)
    assert [m.to for m in mail.outbox] == [[membre_structure.email]]


def test_an_answer_subject_stays_on_one_line(client, agent, concertation, section, membre_structure):
    contribution = services.contribuer(concertation, membre_structure, "Associer les régies.", section=section)
    concertation.contrat.nom = "Rennes\nMétropole"
    concertation.contrat.save(update_fields=["nom"])
    with puis_executer_taches():
        services.repondre(contribution, agent, "non_retenue", "Déjà prévu.")
    assert mail.outbox[0].subject.endswith("Rennes Métropole")
