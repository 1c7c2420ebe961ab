"""Comment l'action sera évaluée (CERFA 12156) : saisi par le porteur avec le contenu du dossier, lu par les
instructeurs sur la page du dossier, présent dans le PDF du dossier."""

import io
import re
from html import unescape

from django.urls import reverse
from pypdf import PdfReader

from financements import documents
from financements.models import Dossier

EVALUATION = {
    "evaluation_methode": "Questionnaire aux participants et comité de suivi avec le conseil citoyen.",
    "evaluation_indicateurs": "Vélos réparés : 300\nParticipantes : 40 %\nSatisfaction des habitants",
    "evaluation_calendrier": "Bilan intermédiaire en juin, bilan final en décembre.",
    "evaluation_moyens": "Deux jours de travail de la coordinatrice.",
}


def _contenu(dossier, **autres) -> dict:
    return {"titre": dossier.titre, "nombre_annees": "1", "type_subvention": "projet", **EVALUATION, **autres}


def test_the_carrier_writes_how_the_action_will_be_evaluated(client, brouillon, membre_structure):
    client.force_login(membre_structure)
    url = reverse("financements:modifier_dossier", args=[brouillon.pk])
    formulaire = unescape(client.get(url).content.decode())
    assert "Comment l'action sera évaluée" in formulaire
    assert "Indicateurs prévus et leur cible" in formulaire

    reponse = client.post(url, _contenu(brouillon))

    assert reponse.status_code == 302
    brouillon.refresh_from_db()
    assert brouillon.evaluation_methode == EVALUATION["evaluation_methode"]
    assert brouillon.indicateurs_prevus == [
        ("Vélos réparés", "300"),
        ("Participantes", "40 %"),
        ("Satisfaction des habitants", ""),
    ]
    assert brouillon.journal.filter(evenement="Contenu du dossier enregistré").exists()


def test_a_wrong_input_saves_nothing_and_keeps_the_evaluation_typed(client, brouillon, membre_structure):
    client.force_login(membre_structure)
    url = reverse("financements:modifier_dossier", args=[brouillon.pk])

    reponse = client.post(url, _contenu(brouillon, date_debut="2027-06-01", date_fin="2027-01-01"))

    page = unescape(reponse.content.decode())
    assert "La fin de l'action doit suivre son début." in page
    assert EVALUATION["evaluation_moyens"] in page
    brouillon.refresh_from_db()
    assert (brouillon.evaluation_methode, brouillon.evaluation_indicateurs) == ("", "")


def test_instructors_read_the_evaluation_on_the_dossier_but_cannot_change_it(client, depose, agent, agent_etat):
    Dossier.objects.filter(pk=depose.pk).update(**EVALUATION)
    for instructeur in (agent, agent_etat):
        client.force_login(instructeur)
        page = unescape(client.get(depose.get_absolute_url()).content.decode())
        assert "Comment l'action sera évaluée" in page
        assert re.search(r"<td>Vélos réparés</td>\s*<td>300</td>", page)
        assert EVALUATION["evaluation_calendrier"] in page

    reponse = client.post(
        reverse("financements:modifier_dossier", args=[depose.pk]), _contenu(depose, evaluation_moyens="Aucun")
    )
    assert reponse.status_code == 403
    depose.refresh_from_db()
    assert depose.evaluation_moyens == EVALUATION["evaluation_moyens"]


def test_a_dossier_without_evaluation_says_so(client, depose, membre_structure):
    client.force_login(membre_structure)
    page = unescape(client.get(depose.get_absolute_url()).content.decode())
    assert "Le porteur n'a pas encore décrit l'évaluation de l'action." in page


def test_the_dossier_pdf_shows_the_evaluation(depose):
    Dossier.objects.filter(pk=depose.pk).update(**EVALUATION)
    dossier = documents._dossier(depose.pk)

    lecteur = PdfReader(io.BytesIO(documents.pdf_dossier(dossier)))

    texte = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in lecteur.pages))
    assert "Comment l'action sera évaluée" in texte
    assert "Vélos réparés 300" in texte
    assert "Bilan intermédiaire en juin" in texte
    assert "Deux jours de travail de la coordinatrice." in texte
