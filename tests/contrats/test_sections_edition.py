"""Renommer, ordonner (sans JavaScript), supprimer et restaurer les sections ; modifier et supprimer les
orientations ; ce dont d'autres dépendent ne se supprime pas."""

import html

import pytest
from django.urls import reverse

from contrats.models import JournalContrat, Orientation, Section
from contrats.models.projet_territoire import NiveauOrientation
from contrats.services import concertation as concertations
from contrats.services import sections as services
from tests.contrats.factories import SectionFactory

pytestmark = pytest.mark.django_db


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


@pytest.fixture
def trois_sections(contrat, agent, section):
    Section.objects.filter(pk=section.pk).update(ordre=1)
    deux = SectionFactory(contrat=contrat, etape=section.etape, titre="Éducation", ordre=2)
    trois = SectionFactory(contrat=contrat, etape=section.etape, titre="Santé", ordre=3)
    return [section, deux, trois]


def ordre(contrat, etape) -> list[str]:
    return list(
        Section.objects.filter(contrat=contrat, etape=etape).order_by("ordre", "pk").values_list("titre", flat=True)
    )


def test_an_agent_moves_a_section_up_and_down_with_plain_forms(client, agent, contrat, trois_sections):
    client.force_login(agent)
    premiere, deuxieme, _ = trois_sections
    page = texte(client.get(contrat.get_absolute_url()))
    assert f"sections/{deuxieme.pk}/deplacer/" in page

    client.post(reverse("contrats:deplacer_section", args=[contrat.code, deuxieme.pk]), {"sens": "haut"})
    assert ordre(contrat, premiere.etape) == ["Éducation", "Emploi et insertion", "Santé"]
    client.post(reverse("contrats:deplacer_section", args=[contrat.code, deuxieme.pk]), {"sens": "bas"})
    client.post(reverse("contrats:deplacer_section", args=[contrat.code, deuxieme.pk]), {"sens": "bas"})
    assert ordre(contrat, premiere.etape) == ["Emploi et insertion", "Santé", "Éducation"]


def test_moving_the_last_section_down_changes_nothing(client, agent, contrat, trois_sections):
    client.force_login(agent)
    reponse = client.post(
        reverse("contrats:deplacer_section", args=[contrat.code, trois_sections[2].pk]), {"sens": "bas"}, follow=True
    )
    assert "déjà à cette extrémité" in texte(reponse)
    assert ordre(contrat, trois_sections[0].etape) == ["Emploi et insertion", "Éducation", "Santé"]


def test_an_agent_renames_a_section_and_keeps_its_versions(client, agent, contrat, section):
    client.force_login(agent)
    reponse = client.post(
        reverse("contrats:renommer_section", args=[contrat.code, section.pk]),
        {"titre": "Emploi, insertion et formation", "etape": section.etape},
    )
    assert reponse.status_code == 302
    section.refresh_from_db()
    assert (section.titre, section.numero, section.texte) == (
        "Emploi, insertion et formation",
        1,
        "<p>Premier texte.</p>",
    )
    assert JournalContrat.objects.filter(contrat=contrat, motif__contains="devient « Emploi, insertion").exists()


def test_a_deleted_section_leaves_the_page_keeps_its_versions_and_is_restored(client, agent, contrat, section):
    client.force_login(agent)
    assert client.post(reverse("contrats:supprimer_section", args=[contrat.code, section.pk])).status_code == 302

    assert "Premier texte." not in texte(client.get(contrat.get_absolute_url()))
    assert client.get(section.get_absolute_url()).status_code == 404
    supprimees = texte(client.get(reverse("contrats:sections_supprimees", args=[contrat.code])))
    assert "Emploi et insertion" in supprimees
    assert Section.toutes.get(pk=section.pk).versions.count() == 1

    client.post(reverse("contrats:sections_supprimees", args=[contrat.code]), {"section": section.pk})

    assert "Premier texte." in texte(client.get(contrat.get_absolute_url()))
    assert JournalContrat.objects.filter(contrat=contrat, motif="Section restaurée : « Emploi et insertion »").exists()


def test_a_section_with_retained_contributions_is_not_deleted(client, agent, contrat, section, membre_structure):
    from django.utils import timezone

    concertation = concertations.ouvrir(
        contrat,
        agent,
        "Concertation",
        timezone.localdate(),
        timezone.localdate() + timezone.timedelta(days=5),
        ["structures"],
        sections=[section],
    )
    contribution = concertations.contribuer(concertation, membre_structure, "Une idée.", section=section)
    concertations.repondre(contribution, agent, "retenue", "Retenue.")
    client.force_login(agent)

    reponse = client.post(reverse("contrats:supprimer_section", args=[contrat.code, section.pk]))

    assert reponse.status_code == 409
    assert "porte 1 contribution(s) retenue(s)" in texte(reponse)
    assert Section.objects.filter(pk=section.pk).exists()


@pytest.mark.parametrize("personne", ["elu", "agent_etat"])
def test_only_the_carriers_agents_reorder_and_delete_sections(client, request, contrat, trois_sections, personne):
    client.force_login(request.getfixturevalue(personne))
    deplacer = client.post(
        reverse("contrats:deplacer_section", args=[contrat.code, trois_sections[1].pk]), {"sens": "haut"}
    )
    supprimer = client.post(reverse("contrats:supprimer_section", args=[contrat.code, trois_sections[1].pk]))
    assert (deplacer.status_code, supprimer.status_code) == (403, 403)
    assert ordre(contrat, trois_sections[0].etape) == ["Emploi et insertion", "Éducation", "Santé"]


def test_an_agent_edits_then_deletes_an_orientation_with_its_objectives(client, agent, contrat):
    orientation = services.creer_orientation(contrat, agent, "Emploi")
    objectif = services.creer_orientation(contrat, agent, "Lever les freins", parent=orientation)
    client.force_login(agent)
    client.post(
        reverse("contrats:modifier_orientation", args=[contrat.code, objectif.pk]),
        {"titre": "Lever les freins à l'emploi", "description": "Mobilité, garde d'enfants"},
    )
    objectif.refresh_from_db()
    assert (objectif.titre, objectif.niveau, objectif.parent) == (
        "Lever les freins à l'emploi",
        NiveauOrientation.OBJECTIF,
        orientation,
    )

    confirmation = texte(client.get(reverse("contrats:supprimer_orientation", args=[contrat.code, orientation.pk])))
    assert "avec ses 1 objectif(s)" in confirmation
    client.post(reverse("contrats:supprimer_orientation", args=[contrat.code, orientation.pk]))
    assert not Orientation.objects.filter(pk__in=[orientation.pk, objectif.pk]).exists()


def test_the_contract_page_shows_the_sections_in_their_new_order(client, agent, contrat, trois_sections):
    client.force_login(agent)
    premiere, deuxieme, troisieme = trois_sections
    # La dernière créée d'abord (pk le plus grand) : l'ordre de la page ne doit pas suivre celui des lignes.
    client.post(reverse("contrats:deplacer_section", args=[contrat.code, troisieme.pk]), {"sens": "haut"})
    client.post(reverse("contrats:deplacer_section", args=[contrat.code, troisieme.pk]), {"sens": "haut"})

    page = texte(client.get(contrat.get_absolute_url()))

    positions = [page.index(f"« {s.titre} »") for s in (troisieme, premiere, deuxieme)]
    assert positions == sorted(positions), positions
