import pytest
from django.urls import reverse
from django.utils import timezone

from contrats.models import Contribution, Engagement, InstanceGouvernance, Orientation, Reunion, StatutContribution
from contrats.selectors import contrats_du_territoire
from contrats.services import concertation as concertations
from contrats.services import ess, sections
from tests.acteurs_ess.factories import CollectifFactory, StructureFactory
from tests.contrats.factories import ConcertationFactory, ContributionFactory, SectionFactory

pytestmark = pytest.mark.django_db


def _pages(contrat, section, concertation):
    code = contrat.code
    return [
        reverse("contrats:liste"),
        reverse("contrats:contrat", args=[code]),
        reverse("contrats:section", args=[code, section.pk]),
        reverse("contrats:modifier_section", args=[code, section.pk]),
        reverse("contrats:historique", args=[code, section.pk]),
        reverse("contrats:version", args=[code, section.pk, 1]),
        reverse("contrats:comparer", args=[code, section.pk]),
        reverse("contrats:nouvelle_section", args=[code]),
        reverse("contrats:nouvelle_orientation", args=[code]),
        reverse("contrats:nouvelle_concertation", args=[code]),
        reverse("contrats:concertation", args=[code, concertation.pk]),
        reverse("contrats:contributions", args=[code]),
        reverse("contrats:contributions_publiques", args=[code]),
        reverse("contrats:nouveau_signataire", args=[code]),
        reverse("contrats:nouvelle_instance", args=[code]),
    ]


def test_it_shows_every_page_to_the_carrier_agent(client, agent, contrat, section):
    concertation = ConcertationFactory(contrat=contrat, sections=[section])
    ContributionFactory(concertation=concertation, section=section)
    client.force_login(agent)
    for url in _pages(contrat, section, concertation):
        reponse = client.get(url)
        assert reponse.status_code == 200, url
        assert "<h1" in reponse.content.decode()


def _remplir(contrat, agent, nombre: int) -> None:
    """Des sections, orientations, instances, réunions, concertations et contributions : de chaque sorte."""
    for _ in range(nombre):
        section = SectionFactory(contrat=contrat, texte_initial="<p>Texte</p>")
        orientation = Orientation.objects.create(contrat=contrat, niveau="orientation", titre="Emploi")
        objectif = Orientation.objects.create(contrat=contrat, niveau="objectif", parent=orientation, titre="Jeunes")
        objectif.qpv.set(contrat.qpv.all())
        instance = InstanceGouvernance.objects.create(contrat=contrat, type="copil", nom="Comité de pilotage")
        Reunion.objects.create(instance=instance, date=timezone.localdate(), participants="Préfecture")
        concertation = ConcertationFactory(contrat=contrat, sections=[section])
        contribution = ContributionFactory(concertation=concertation, section=section)
        concertations.repondre(contribution, agent, StatutContribution.NON_RETENUE, "Merci, mais non.")
        ContributionFactory(concertation=concertation, section=section)
        retenue = ContributionFactory(concertation=concertation, section=section)
        concertations.repondre(retenue, agent, StatutContribution.RETENUE, "Oui.")
        sections.enregistrer(section, agent, "<p>Texte enrichi</p>", section.numero, contributions=[retenue])
        Engagement.objects.create(signataire=contrat.signataires.first(), texte="Financer", montant=1000)
        ess.consigner_consultation(contrat, agent, "achats", timezone.localdate(), "Clauses sociales")
        ess.integrer_dynamique(contrat, agent, "ptce", collectif=CollectifFactory())
        ess.associer_structure(contrat, agent, StructureFactory())


def test_it_runs_a_fixed_number_of_queries_on_the_contract_page(client, agent, contrat, django_assert_num_queries):
    client.force_login(agent)
    url = reverse("contrats:contrat", args=[contrat.code])
    _remplir(contrat, agent, 1)
    # session, utilisateur, contrat ; QPV, communes, signataires, engagements, instances, réunions, sections,
    # orientations, leurs QPV, objectifs, leurs QPV, concertations ; adhésions (profil), concertations ouvertes,
    # journal ; panneau ESS : consultations, dynamiques (et collectifs), structures associées ; montants décidés
    # (bloc des financements)
    with django_assert_num_queries(22):
        client.get(url)
    _remplir(contrat, agent, 5)
    with django_assert_num_queries(22):
        reponse = client.get(url)
    assert reponse.content.decode().count('class="coville-section') == 6


def test_it_runs_a_fixed_number_of_queries_on_the_contributions_pages(
    client, agent, contrat, django_assert_num_queries
):
    client.force_login(agent)
    gestion = reverse("contrats:contributions", args=[contrat.code])
    publique = reverse("contrats:contributions_publiques", args=[contrat.code])
    _remplir(contrat, agent, 1)
    # session, utilisateur, contrat, adhésions et signataires (profil), nombre, page, comptes par état
    with django_assert_num_queries(8):
        client.get(gestion)
    # session, utilisateur, contrat, nombre, page
    with django_assert_num_queries(5):
        client.get(publique)
    _remplir(contrat, agent, 6)
    assert Contribution.objects.count() == 21
    with django_assert_num_queries(8):
        client.get(gestion)
    with django_assert_num_queries(5):
        client.get(publique)


def test_it_lists_the_contracts_of_a_territory_for_its_pages(contrat, territoire):
    assert list(contrats_du_territoire(qpv=territoire["qpv"][0])) == [contrat]
    assert list(contrats_du_territoire(commune=territoire["commune"])) == [contrat]
    assert list(contrats_du_territoire(epci=territoire["epci"])) == [contrat]


def test_it_renders_the_territory_fragment(contrat, territoire):
    from django.template.loader import render_to_string

    html = render_to_string(
        "contrats/_contrats_territoire.html", {"contrats": contrats_du_territoire(qpv=territoire["qpv"][0])}
    )
    assert contrat.code in html
    assert reverse("contrats:contrat", args=[contrat.code]) in html


def test_it_runs_a_fixed_number_of_queries_on_the_section_page(client, agent, contrat, django_assert_num_queries):
    client.force_login(agent)
    _remplir(contrat, agent, 1)
    section = contrat.sections.first()
    url = reverse("contrats:section", args=[contrat.code, section.pk])
    # session, utilisateur, contrat, section ; adhésions et signataires (profil) ; contributions répondues
    with django_assert_num_queries(7):
        client.get(url)
    concertation = section.concertations.first()
    for _ in range(4):
        retenue = ContributionFactory(concertation=concertation, section=section)
        concertations.repondre(retenue, agent, StatutContribution.RETENUE, "Oui.")
        section.refresh_from_db()
        sections.enregistrer(section, agent, f"<p>{retenue.pk}</p>", section.numero, contributions=[retenue])
    with django_assert_num_queries(7):
        reponse = client.get(url)
    assert reponse.content.decode().count("Intégrée dans la") == 5


def test_it_lists_the_contracts_and_contributions_of_a_person_for_mon_espace(
    contrat, agent, elu, partenaire, exterieur
):
    from contrats.selectors import contrats_de, contributions_de

    assert list(contrats_de(agent)) == [contrat]
    assert list(contrats_de(elu)) == [contrat]
    assert list(contrats_de(partenaire)) == [contrat]
    assert list(contrats_de(exterieur)) == []
    section = SectionFactory(contrat=contrat)
    concertation = ConcertationFactory(contrat=contrat, sections=[section])
    contribution = ContributionFactory(concertation=concertation, section=section, auteur=exterieur)
    assert list(contributions_de(exterieur)) == [contribution]


def test_it_opens_the_admin_pages_to_platform_admins(client, admin_plateforme, contrat):
    client.force_login(admin_plateforme)
    modeles = ["contratdeville", "journalcontrat", "section", "versionsection", "signataire", "contribution"]
    for modele in [*modeles, "rappelconcertation"]:
        assert client.get(f"/admin/contrats/{modele}/").status_code == 200, modele
    assert client.get(f"/admin/contrats/contratdeville/{contrat.pk}/change/").status_code == 200


def test_it_runs_a_fixed_number_of_queries_on_the_list(client, contrat, django_assert_num_queries):
    from tests.contrats.factories import ContratFactory

    url = reverse("contrats:liste")
    # nombre, page (avec porteur et département)
    with django_assert_num_queries(2):
        client.get(url)
    ContratFactory.create_batch(12)
    with django_assert_num_queries(2):
        contenu = client.get(url + "?statut=elaboration").content.decode()
    assert "13 contrats" in contenu
