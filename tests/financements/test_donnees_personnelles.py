"""Les données personnelles que les contrats et les financements gardent d'une personne : dans son export
(« Mon compte »), et après la suppression de son compte (signées « Compte supprimé », PDF purgés)."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse

from config.pdf import chemin_pdf
from financements.models import Message
from financements.services import instruction
from tests.contrats.factories import ConcertationFactory, ContributionFactory
from tests.factories import MOT_DE_PASSE
from tests.taches import taches

pytestmark = pytest.mark.django_db


@pytest.fixture
def contribution(contrat, section, membre_structure, association):
    return ContributionFactory(
        concertation=ConcertationFactory(contrat=contrat, titre="Concertation sur l'emploi"),
        section=section,
        auteur=membre_structure,
        organisation=None,
        texte="Un atelier vélo au pied des tours.",
    )


def test_the_export_holds_my_contributions_messages_and_dossiers(client, membre_structure, contribution, brouillon):
    Message.objects.create(dossier=brouillon, auteur=membre_structure, texte="Voici le budget corrigé.")
    client.force_login(membre_structure)

    donnees = json.loads(client.post(reverse("comptes:telecharger_donnees")).content)

    assert donnees["adhesions"][0]["organisation"] == "Les Ateliers du Blosne"
    [exportee] = donnees["contributions"]
    assert exportee["texte"] == "Un atelier vélo au pied des tours."
    assert exportee["concertation"] == "Concertation sur l'emploi"
    assert exportee["contrat"].endswith("(CN03501I)")
    assert exportee["sur"] == "Emploi et insertion"
    assert [m["texte"] for m in donnees["messages"]] == ["Voici le budget corrigé."]
    assert [d["titre"] for d in donnees["dossiers_crees"]] == ["Vélos solidaires"]
    assert donnees["versions_de_sections"] == []


def test_the_export_of_an_agent_lists_the_section_versions_they_saved(client, agent, section):
    client.force_login(agent)
    donnees = json.loads(client.post(reverse("comptes:telecharger_donnees")).content)
    assert [(v["section"], v["version"]) for v in donnees["versions_de_sections"]] == [("Emploi et insertion", 1)]


def test_the_export_of_an_instructor_holds_their_notes_opinions_and_journal_entries(
    client, agent, agent_etat, depose, membre_structure
):
    instruction.prendre_en_instruction(depose, agent)
    instruction.ecrire_note(depose, agent, "Budget solide, à revoir avec la ville.")
    instruction.donner_avis(depose, agent, "reserve", "8000", "Un seul animateur pour trois quartiers.")
    instruction.ecrire_note(depose, agent_etat, "Note de la préfecture.")
    client.force_login(agent)

    donnees = json.loads(client.post(reverse("comptes:telecharger_donnees")).content)

    dossier = f"Vélos solidaires (n° {depose.pk})"
    [note] = donnees["notes_d_instruction"]
    assert (note["dossier"], note["service"], note["texte"]) == (
        dossier,
        "Rennes Métropole",
        "Budget solide, à revoir avec la ville.",
    )
    [avis] = donnees["avis_d_instruction"]
    assert (avis["avis"], avis["montant_propose"], avis["motivation"]) == (
        "Réservé",
        "8000.00",
        "Un seul animateur pour trois quartiers.",
    )
    evenements = [(e["dossier"], e["evenement"], e["nouvel_etat"]) for e in donnees["journal_des_dossiers"]]
    assert evenements == [
        (dossier, "Dossier pris en instruction", "En instruction"),
        (dossier, "Avis réservé de Rennes Métropole (8\u202f000,00 € proposés)", ""),
    ]
    # Ce que le porteur a fait du dossier (dépôt, budget, plan) est à lui, pas à l'instructeur.
    client.force_login(membre_structure)
    donnees = json.loads(client.post(reverse("comptes:telecharger_donnees")).content)
    assert donnees["notes_d_instruction"] == donnees["avis_d_instruction"] == []
    assert "Dossier déposé" in [e["evenement"] for e in donnees["journal_des_dossiers"]]


def test_a_deleted_author_shows_as_deleted_account(client, membre_structure, contribution, agent):
    client.force_login(membre_structure)
    client.post(reverse("comptes:supprimer_compte"), {"confirmation": MOT_DE_PASSE})

    client.force_login(agent)
    code = contribution.concertation.contrat.code
    liste = client.get(reverse("contrats:contributions", args=[code])).content.decode()
    assert f"n° {contribution.pk} — Compte supprimé" in liste
    assert "Un atelier vélo au pied des tours." in liste
    assert "tresoriere@exemple.fr" not in liste
    reponse = client.get(reverse("contrats:repondre", args=[code, contribution.pk])).content.decode()
    assert "De Compte supprimé," in reponse


def test_deleting_the_account_purges_the_pdfs_naming_the_person(client, membre_structure, contribution, brouillon):
    code = contribution.concertation.contrat.code
    nommant = [f"contrat-{code}", f"synthese-{code}", f"dossier-{brouillon.pk}"]
    autres = ["contrat-CN00000X", f"dossier-{brouillon.pk + 1000}"]
    for nom in nommant + autres:
        default_storage.save(chemin_pdf(nom, "abc"), ContentFile(b"%PDF-1.7"))

    with connection.cursor() as curseur:  # les rendus demandés par la création du contrat
        curseur.execute("DELETE FROM procrastinate_jobs")

    client.force_login(membre_structure)
    client.post(reverse("comptes:supprimer_compte"), {"confirmation": MOT_DE_PASSE})

    restants = [nom for nom in nommant + autres if default_storage.exists(chemin_pdf(nom, "abc"))]
    assert restants == autres
    # Rendus à nouveau, avec « Compte supprimé », par les workers.
    assert [(t.task_name.rsplit(".", 1)[1], t.args) for t in taches() if t.queue_name == "pdf"] == [
        (
            "rendre_pdf_contrat",
            {"contrat": contribution.concertation.contrat_id, "document": "contrat", "tentative": 1},
        ),
        (
            "rendre_pdf_contrat",
            {"contrat": contribution.concertation.contrat_id, "document": "synthese", "tentative": 1},
        ),
        ("rendre_pdf_dossier", {"dossier": brouillon.pk, "tentative": 1}),
    ]


def test_the_export_holds_the_convention_signatures_i_recorded(
    client, membre_structure, agent_etat, decide, prefecture
):
    from financements.models import StatutConvention
    from financements.services import conventions

    convention = decide.conventions.get(parties__financeur=prefecture)
    conventions.faire_avancer(convention, agent_etat, StatutConvention.ENVOYEE)
    conventions.signer(
        convention,
        membre_structure,
        None,
        signataire_nom="Awa Diallo",
        signataire_qualite="Présidente",
        representant_declare=True,
    )
    client.force_login(membre_structure)

    donnees = json.loads(client.post(reverse("comptes:telecharger_donnees")).content)

    [signature] = donnees["signatures_de_conventions"]
    assert (signature["partie"], signature["signataire"]) == ("la structure", "Awa Diallo")
    assert [e["nouvel_etat"] for e in donnees["journal_des_conventions"]] == ["Signée par la structure"]
