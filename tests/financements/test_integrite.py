"""Intégrité des dossiers : une décision de financeur n'est jamais perdue (ni par un enregistrement du porteur,
ni par deux décisions simultanées), les avis des instructeurs ne parviennent pas au porteur, et un
enregistrement du contenu ou du budget n'écrase pas un changement d'état fait entre-temps."""

import contextlib
import threading
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import ProtectedError
from django.urls import reverse

from financements.forms import DossierForm
from financements.models import DecisionFinanceur, Dossier, Financement, LigneBudget, StatutDossier
from financements.models.dossier import Issue
from financements.services import dossiers as services
from financements.services import instruction


class _Formulaire(HTMLParser):
    """Les champs que le navigateur enverrait pour le formulaire POST de la page qui s'envoie à elle-même
    (sans `action`), sans rien y changer :
    valeurs affichées, option choisie de chaque liste, cases cochées, texte des zones de saisie."""

    def __init__(self):
        super().__init__()
        self.donnees: list[tuple[str, str]] = []
        self._dans_form = self._fini = False
        self._select: str | None = None
        self._textarea = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._fini:
            return
        if tag == "form" and (a.get("method") or "").lower() == "post" and not a.get("action"):
            self._dans_form = True
        if not self._dans_form:
            return
        if tag == "option" and self._select and "selected" in a:
            self.donnees.append((self._select, a.get("value") or ""))
        if not a.get("name"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.donnees.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "textarea":
            self._textarea = True
            self.donnees.append((a["name"], ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea:
            nom, valeur = self.donnees[-1]
            self.donnees[-1] = (nom, valeur + data)

    def handle_endtag(self, tag):
        if tag == "form" and self._dans_form:
            self._dans_form, self._fini = False, True
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = False


def formulaire(page: str) -> dict[str, list[str]]:
    """Ce que la page enverrait telle quelle."""
    lecteur = _Formulaire()
    lecteur.feed(page)
    donnees: dict[str, list[str]] = {}
    for nom, valeur in lecteur.donnees:
        donnees.setdefault(nom, []).append(valeur)
    return donnees


@pytest.fixture
def en_correction_apres_une_decision(depose, agent, epci):
    """Le dossier demande 10 000 € à la métropole et 30 000 € à l'État ; la métropole a décidé (10 000 €),
    puis l'État a demandé une correction."""
    instruction.prendre_en_instruction(depose, agent)
    instruction.decider(depose, agent, epci, "10000", reference="DEL-2027-12")
    instruction.demander_correction(depose, agent, "Précisez le public.")
    depose.refresh_from_db()
    assert depose.statut == StatutDossier.CORRECTION_DEMANDEE
    return depose


# --- 1. Un enregistrement du porteur n'efface pas les décisions ------------------------------------------------


def test_it_keeps_a_funders_decision_when_the_porteur_saves_the_unchanged_forms(
    client, en_correction_apres_une_decision, membre_structure, epci
):
    dossier = en_correction_apres_une_decision
    decision = DecisionFinanceur.objects.get(financement__dossier=dossier, financement__financeur=epci)
    ligne_74 = LigneBudget.objects.get(dossier=dossier, compte="74", financeur=epci)
    client.force_login(membre_structure)
    for nom in ("modifier_dossier", "budget_dossier"):
        url = reverse(f"financements:{nom}", args=[dossier.pk])
        reponse = client.post(url, formulaire(client.get(url).content.decode()))
        assert reponse.status_code == 302, unescape(reponse.content.decode())
    assert DecisionFinanceur.objects.filter(pk=decision.pk, montant=Decimal("10000")).exists()
    assert Financement.objects.filter(pk=decision.financement_id, montant_accorde=Decimal("10000")).exists()
    assert LigneBudget.objects.filter(pk=ligne_74.pk, montant=Decimal("10000"), financeur=epci).exists()
    dossier.refresh_from_db()
    assert dossier.montant_accorde == Decimal("10000")


def test_it_refuses_to_change_or_remove_the_lines_of_a_funder_who_decided(
    en_correction_apres_une_decision, membre_structure, epci, prefecture
):
    dossier = en_correction_apres_une_decision
    avant_plan = list(Financement.objects.filter(dossier=dossier).values_list("pk", "montant_demande"))
    avant_budget = list(LigneBudget.objects.filter(dossier=dossier).values_list("pk", "compte", "montant"))
    with pytest.raises(ValidationError, match="Rennes Métropole a déjà décidé"):
        services.enregistrer_plan(dossier, membre_structure, {epci: "12000", prefecture: "30000"}, 2000)
    with pytest.raises(ValidationError, match="Rennes Métropole a déjà décidé"):
        services.enregistrer_plan(dossier, membre_structure, {prefecture: "30000"}, 2000)
    with pytest.raises(ValidationError, match="Rennes Métropole a déjà décidé"):
        services.enregistrer_budget(
            dossier,
            membre_structure,
            [
                {"compte": "64", "libelle": "Animateur", "montant": "42000"},
                {"compte": "74", "libelle": "Métropole", "montant": "12000", "financeur": epci},
                {"compte": "74", "libelle": "État", "montant": "30000", "financeur": prefecture},
            ],
        )
    with pytest.raises(ValidationError, match="Rennes Métropole a déjà décidé"):
        services.enregistrer_budget(dossier, membre_structure, [{"compte": "64", "montant": "42000"}])
    assert list(Financement.objects.filter(dossier=dossier).values_list("pk", "montant_demande")) == avant_plan
    assert list(LigneBudget.objects.filter(dossier=dossier).values_list("pk", "compte", "montant")) == avant_budget


def test_a_correction_touches_only_what_is_not_decided(
    en_correction_apres_une_decision, membre_structure, epci, prefecture, agent, agent_etat
):
    dossier = en_correction_apres_une_decision
    ligne_epci = LigneBudget.objects.get(dossier=dossier, compte="74", financeur=epci)
    services.enregistrer_budget(
        dossier,
        membre_structure,
        [
            {"compte": "64", "libelle": "Animateur", "montant": "37000"},
            {"compte": "74", "libelle": str(epci), "montant": "10000", "financeur": epci},
            {"compte": "74", "libelle": str(prefecture), "montant": "25000", "financeur": prefecture},
            {"compte": "75", "libelle": "Cotisations", "montant": "2000"},
        ],
    )
    services.enregistrer_plan(dossier, membre_structure, {epci: "10000", prefecture: "25000"}, 2000)
    assert LigneBudget.objects.filter(pk=ligne_epci.pk).exists()
    assert services.refus_depot(dossier) == []
    services.deposer(dossier, membre_structure)
    instruction.prendre_en_instruction(dossier, agent)
    instruction.decider(dossier, agent_etat, prefecture, "25000")
    dossier.refresh_from_db()
    assert (dossier.statut, dossier.issue, dossier.montant_accorde) == (
        StatutDossier.DECIDE,
        Issue.FINANCE,
        Decimal("35000"),
    )


def test_a_decision_is_never_deleted(en_correction_apres_une_decision, epci):
    financement = Financement.objects.get(dossier=en_correction_apres_une_decision, financeur=epci)
    with pytest.raises(ProtectedError):
        financement.delete()


# --- 2. Deux financeurs qui décident au même moment -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_funders_deciding_at_the_same_moment_decide_the_dossier(
    depose, agent, agent_etat, epci, prefecture, monkeypatch
):
    instruction.prendre_en_instruction(depose, agent)
    # Chacun enregistre sa décision, puis attend l'autre (2 s au plus) avant de regarder qui reste à décider :
    # sans verrou sur le dossier, chacun voit l'autre « pas encore décidé ».
    ensemble = threading.Barrier(2, timeout=2)
    journaliser = instruction.journaliser

    def journaliser_puis_attendre(*args, **kwargs):
        entree = journaliser(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            ensemble.wait()
        return entree

    monkeypatch.setattr(instruction, "journaliser", journaliser_puis_attendre)
    depart = threading.Barrier(2, timeout=10)
    erreurs = []

    def decider(auteur, financeur, montant):
        try:
            dossier = Dossier.objects.get(pk=depose.pk)
            depart.wait()
            instruction.decider(dossier, auteur, financeur, montant)
        except Exception as erreur:  # rapportée au fil principal
            erreurs.append(erreur)
        finally:
            connection.close()

    fils = [
        threading.Thread(target=decider, args=(agent, epci, "10000")),
        threading.Thread(target=decider, args=(agent_etat, prefecture, "30000")),
    ]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=30)
    assert erreurs == []
    dossier = Dossier.objects.get(pk=depose.pk)
    assert (dossier.statut, dossier.issue, dossier.montant_accorde) == (
        StatutDossier.DECIDE,
        Issue.FINANCE,
        Decimal("40000"),
    )
    assert dossier.decide_le is not None


# --- 3. Les avis des instructeurs ne parviennent pas au porteur --------------------------------------------------


def test_the_porteur_sees_only_the_journal_entries_that_concern_it(
    client, depose, agent, agent_etat, membre_structure, epci, prefecture
):
    instruction.prendre_en_instruction(depose, agent)
    instruction.donner_avis(depose, agent_etat, "defavorable", "5000", "Public mal ciblé")
    instruction.decider(depose, agent, epci, "10000", reference="DEL-2027-12")
    url = reverse("financements:dossier", args=[depose.pk])

    client.force_login(agent_etat)
    page = unescape(client.get(url).content.decode())
    assert "Avis défavorable de Préfecture d'Ille-et-Vilaine (5\u202f000,00 € proposés)" in page
    assert "Décision de Rennes Métropole" in page

    client.force_login(membre_structure)
    page = unescape(client.get(url).content.decode())
    assert "Dossier pris en instruction" in page
    assert "Avis défavorable" not in page
    assert "5\u202f000,00 € proposés" not in page
    assert "Décision de Rennes Métropole" not in page  # pas encore notifiée
    assert "DEL-2027-12" not in page

    instruction.decider(depose, agent_etat, prefecture, "30000")
    page = unescape(client.get(url).content.decode())
    assert "Décision de Rennes Métropole : 10\u202f000,00 € accordés" in page
    assert "DEL-2027-12" in page
    assert "Avis défavorable" not in page


# --- 4. Un enregistrement du contenu n'écrase pas un changement d'état --------------------------------------------


def test_saving_the_content_keeps_a_state_change_made_meanwhile(en_correction_apres_une_decision, membre_structure):
    dossier = Dossier.objects.get(pk=en_correction_apres_une_decision.pk)
    form = DossierForm(
        {
            "titre": "Vélos solidaires et ateliers",
            "description": dossier.description,
            "objectifs": dossier.objectifs,
            "qpv": list(dossier.qpv.values_list("pk", flat=True)),
            "date_debut": dossier.date_debut.isoformat(),
            "date_fin": dossier.date_fin.isoformat(),
            "nombre_annees": "1",
        },
        instance=dossier,
    )
    # Pendant que le formulaire est ouvert, le dossier est redéposé (par une autre personne de la structure).
    services.deposer(Dossier.objects.get(pk=dossier.pk), membre_structure)
    assert form.is_valid(), form.errors
    form.save()
    dossier.refresh_from_db()
    assert dossier.titre == "Vélos solidaires et ateliers"
    assert dossier.statut == StatutDossier.DEPOSE
    assert dossier.depose_le is not None


def _formulaire_du_contenu_modifie(client, dossier) -> dict[str, list[str]]:
    """Le formulaire du contenu tel que la page l'ouvre, où le porteur a retapé l'intitulé et les objectifs."""
    donnees = formulaire(client.get(reverse("financements:modifier_dossier", args=[dossier.pk])).content.decode())
    donnees["titre"] = ["Vélos solidaires et ateliers du samedi"]
    donnees["objectifs"] = ["Réparer 300 vélos et former deux jeunes du quartier."]
    return donnees


def _assert_conflit_sans_perte(reponse, dossier, titre_avant: str) -> None:
    page = unescape(reponse.content.decode())
    assert reponse.status_code == 409
    assert "Le dossier est passé « Déposé » pendant que vous le modifiiez" in page
    # Ce que le porteur a tapé est dans la page, à recopier…
    assert 'value="Vélos solidaires et ateliers du samedi"' in page
    assert "Réparer 300 vélos et former deux jeunes du quartier." in page
    # … et rien n'est enregistré sur le dossier déposé.
    dossier.refresh_from_db()
    assert (dossier.statut, dossier.titre) == (StatutDossier.DEPOSE, titre_avant)
    assert "Réparer 300 vélos" not in dossier.objectifs
    assert not dossier.journal.filter(evenement="Contenu du dossier enregistré").exists()


def test_the_content_page_answers_409_with_the_input_when_the_dossier_was_resubmitted_since_it_was_opened(
    client, en_correction_apres_une_decision, membre_structure
):
    dossier = en_correction_apres_une_decision
    client.force_login(membre_structure)
    donnees = _formulaire_du_contenu_modifie(client, dossier)
    # Le formulaire ouvert, une autre personne de la structure redépose le dossier corrigé.
    services.deposer(Dossier.objects.get(pk=dossier.pk), membre_structure)

    reponse = client.post(reverse("financements:modifier_dossier", args=[dossier.pk]), donnees)

    _assert_conflit_sans_perte(reponse, dossier, "Vélos solidaires")


def test_the_content_page_answers_409_when_the_state_changes_while_it_saves(
    client, en_correction_apres_une_decision, membre_structure, monkeypatch
):
    dossier = en_correction_apres_une_decision
    client.force_login(membre_structure)
    donnees = _formulaire_du_contenu_modifie(client, dossier)
    from financements.views import dossiers as vues

    lire = vues.dossier_a_enregistrer

    def lire_puis_depot_concurrent(qui, pk):
        # Le dépôt d'une autre requête, validé entre la lecture du dossier par la page (encore « correction
        # demandée ») et son verrouillage pour l'enregistrement.
        ouvert = lire(qui, pk)
        assert ouvert.statut == StatutDossier.CORRECTION_DEMANDEE
        services.deposer(Dossier.objects.get(pk=pk), membre_structure)
        return ouvert

    monkeypatch.setattr(vues, "dossier_a_enregistrer", lire_puis_depot_concurrent)

    reponse = client.post(reverse("financements:modifier_dossier", args=[dossier.pk]), donnees)

    _assert_conflit_sans_perte(reponse, dossier, "Vélos solidaires")


def test_only_the_porteur_gets_the_conflict_others_are_refused(client, depose, agent):
    client.force_login(agent)
    reponse = client.post(reverse("financements:modifier_dossier", args=[depose.pk]), {"titre": "Pris par un agent"})
    assert reponse.status_code == 403
    depose.refresh_from_db()
    assert depose.titre == "Vélos solidaires"


# --- 5. Un enregistrement du budget non plus --------------------------------------------------------------------


def _formulaire_du_budget_modifie(client, dossier) -> dict[str, list[str]]:
    """Le budget et le plan de financement tels que la page les ouvre, où le porteur a renommé la ligne de
    l'animateur, ajouté une ligne de pièces détachées et retapé ses fonds propres."""
    donnees = formulaire(client.get(reverse("financements:budget_dossier", args=[dossier.pk])).content.decode())
    assert donnees["lignes-0-libelle"] == ["Animateur"]
    assert donnees["lignes-4-compte"] == [""]
    donnees["lignes-0-libelle"] = ["Animateur vélo et coordinatrice"]
    donnees["lignes-4-compte"] = ["60"]
    donnees["lignes-4-libelle"] = ["Pièces détachées"]
    donnees["lignes-4-montant"] = ["1500"]
    donnees["plan-fonds_propres"] = ["3500"]
    return donnees


def _assert_conflit_du_budget_sans_perte(reponse, dossier) -> None:
    page = unescape(reponse.content.decode())
    assert reponse.status_code == 409
    assert "Le dossier est passé « Déposé » pendant que vous le modifiiez" in page
    assert "Rien n'a été enregistré" in page
    # Ce que le porteur a tapé est dans la page, à recopier…
    assert 'value="Animateur vélo et coordinatrice"' in page
    assert 'value="Pièces détachées"' in page
    assert 'value="3500"' in page
    # … et rien n'est enregistré sur le dossier déposé.
    dossier.refresh_from_db()
    assert (dossier.statut, dossier.fonds_propres) == (StatutDossier.DEPOSE, Decimal("2000"))
    assert sorted(dossier.lignes_budget.values_list("libelle", flat=True)) == [
        "Animateur",
        "Cotisations",
        "Préfecture d'Ille-et-Vilaine",
        "Rennes Métropole",
    ]


def test_the_budget_page_answers_409_with_the_input_when_the_dossier_was_resubmitted_since_it_was_opened(
    client, en_correction_apres_une_decision, membre_structure
):
    dossier = en_correction_apres_une_decision
    client.force_login(membre_structure)
    donnees = _formulaire_du_budget_modifie(client, dossier)
    journal_avant = dossier.journal.count()
    # Le formulaire ouvert, une autre personne de la structure redépose le dossier corrigé.
    services.deposer(Dossier.objects.get(pk=dossier.pk), membre_structure)
    journal_avant += 1

    reponse = client.post(reverse("financements:budget_dossier", args=[dossier.pk]), donnees)

    _assert_conflit_du_budget_sans_perte(reponse, dossier)
    assert dossier.journal.count() == journal_avant


def test_the_budget_page_answers_409_when_the_state_changes_while_it_saves(
    client, en_correction_apres_une_decision, membre_structure, monkeypatch
):
    dossier = en_correction_apres_une_decision
    client.force_login(membre_structure)
    donnees = _formulaire_du_budget_modifie(client, dossier)
    from financements.views import dossiers as vues

    lire = vues.dossier_a_enregistrer

    def lire_puis_depot_concurrent(qui, pk):
        # Le dépôt d'une autre requête, validé entre la lecture du dossier par la page (encore « correction
        # demandée ») et son verrouillage pour l'enregistrement.
        ouvert = lire(qui, pk)
        assert ouvert.statut == StatutDossier.CORRECTION_DEMANDEE
        services.deposer(Dossier.objects.get(pk=pk), membre_structure)
        return ouvert

    monkeypatch.setattr(vues, "dossier_a_enregistrer", lire_puis_depot_concurrent)

    reponse = client.post(reverse("financements:budget_dossier", args=[dossier.pk]), donnees)

    _assert_conflit_du_budget_sans_perte(reponse, dossier)


def test_the_budget_conflict_is_shown_even_when_the_input_has_errors(
    client, en_correction_apres_une_decision, membre_structure
):
    dossier = en_correction_apres_une_decision
    client.force_login(membre_structure)
    donnees = _formulaire_du_budget_modifie(client, dossier)
    donnees["lignes-4-montant"] = ["mille cinq cents"]
    services.deposer(Dossier.objects.get(pk=dossier.pk), membre_structure)

    reponse = client.post(reverse("financements:budget_dossier", args=[dossier.pk]), donnees)

    page = unescape(reponse.content.decode())
    assert reponse.status_code == 409
    assert "Le dossier est passé « Déposé » pendant que vous le modifiiez" in page
    assert 'value="mille cinq cents"' in page


def test_only_the_porteur_gets_the_budget_conflict_others_are_refused(client, depose, agent):
    client.force_login(agent)
    reponse = client.post(reverse("financements:budget_dossier", args=[depose.pk]), {"plan-fonds_propres": "1"})
    assert reponse.status_code == 403
    depose.refresh_from_db()
    assert depose.fonds_propres == Decimal("2000")
