"""Les pages du compte-rendu financier annuel : le formulaire de la structure (pré-rempli, lignes ajoutées et
retirées sans JavaScript, erreurs sur les champs, brouillon, dépôt), la page lue par les parties, l'avis des
financeurs, la section « Comptes-rendus » de la convention, le PDF ; et qui n'y a pas accès."""

import io
from html import unescape

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from financements import documents_comptes_rendus as documents
from financements.models import CompteRendu, SensAvisCompteRendu, StatutCompteRendu
from financements.services import comptes_rendus as services
from tests.financements.comptes_rendus import ANNEE, enregistrer
from tests.taches import executer_taches, rendre_les_pdf


def _texte(reponse) -> str:
    return unescape(reponse.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def _url(nom: str, convention_cr, annee: int = ANNEE) -> str:
    return reverse(f"financements:{nom}", args=[convention_cr.pk, annee])


def _formulaire(**changements) -> dict:
    donnees = {
        "actions_realisees": "Quarante ateliers.",
        "ecarts": "",
        "beneficiaires_nombre": "120",
        "beneficiaires_qpv": "90",
        "beneficiaires_femmes": "60",
        "beneficiaires_hommes": "55",
        "age_jeunes": "40",
        "difficultes": "",
        "commentaires": "",
        "lignes-TOTAL_FORMS": "2",
        "lignes-INITIAL_FORMS": "0",
        "lignes-0-compte": "64",
        "lignes-0-libelle": "Animateur",
        "lignes-0-prevu": "42000",
        "lignes-0-realise": "39000",
        "lignes-1-compte": "74",
        "lignes-1-libelle": "État",
        "lignes-1-prevu": "30000",
        "lignes-1-realise": "30000",
        "indicateurs-TOTAL_FORMS": "1",
        "indicateurs-INITIAL_FORMS": "0",
        "indicateurs-0-libelle": "Vélos réparés",
        "indicateurs-0-unite": "vélos",
        "indicateurs-0-cible": "500",
        "indicateurs-0-valeur": "430",
    }
    donnees.update(changements)
    return donnees


def test_the_form_is_prefilled_from_the_budget_of_the_action(client, membre_structure, convention_cr):
    client.force_login(membre_structure)
    page = client.get(_url("preparer_compte_rendu", convention_cr))
    texte = _texte(page)
    assert page.status_code == 200
    assert f"<title>Compte-rendu financier {ANNEE}" in texte
    assert 'name="lignes-0-libelle" value="Animateur"' in texte
    assert "Aucun indicateur : ajoutez-en un." in texte
    assert not CompteRendu.objects.exists()  # afficher le formulaire n'enregistre rien


def test_the_structure_saves_a_draft_then_files_it_through_the_form(client, membre_structure, convention_cr):
    client.force_login(membre_structure)
    url = _url("preparer_compte_rendu", convention_cr)

    reponse = client.post(url, _formulaire(action="enregistrer"))
    assert reponse.status_code == 302 and reponse.url == url
    compte_rendu = CompteRendu.objects.get()
    assert compte_rendu.statut == StatutCompteRendu.BROUILLON
    assert compte_rendu.beneficiaires_par_age == {"jeunes": 40}
    assert 'value="Vélos réparés"' in _texte(client.get(url))

    reponse = client.post(url, _formulaire(action="deposer"))
    assert reponse.status_code == 302 and reponse.url == compte_rendu.get_absolute_url()
    compte_rendu.refresh_from_db()
    assert compte_rendu.statut == StatutCompteRendu.DEPOSE
    # Déposé : le formulaire renvoie vers la page du compte-rendu.
    assert client.get(url).status_code == 302


def test_lines_and_indicators_are_added_and_removed_one_by_one_without_saving(client, membre_structure, convention_cr):
    client.force_login(membre_structure)
    url = _url("preparer_compte_rendu", convention_cr)

    ajout = _texte(client.post(url, _formulaire(action="ajouter_indicateur")))
    assert 'name="indicateurs-TOTAL_FORMS" value="2"' in ajout
    assert 'name="indicateurs-0-libelle" value="Vélos réparés"' in ajout
    assert 'name="indicateurs-1-libelle"' in ajout

    retrait = _texte(client.post(url, _formulaire(retirer_ligne="0")))
    assert 'name="lignes-TOTAL_FORMS" value="1"' in retrait
    assert 'name="lignes-0-libelle" value="État"' in retrait
    assert "Animateur" not in retrait

    ajout_ligne = _texte(client.post(url, _formulaire(action="ajouter_ligne")))
    assert 'name="lignes-TOTAL_FORMS" value="3"' in ajout_ligne
    assert not CompteRendu.objects.exists()


def test_inconsistent_beneficiaries_are_shown_on_the_field_and_the_input_comes_back(
    client, membre_structure, convention_cr
):
    client.force_login(membre_structure)
    reponse = client.post(
        _url("preparer_compte_rendu", convention_cr), _formulaire(beneficiaires_qpv="121", action="enregistrer")
    )
    texte = _texte(reponse)
    assert reponse.status_code == 400
    assert "Les habitants des QPV ne peuvent pas dépasser les 120 bénéficiaires." in texte
    assert 'value="Quarante ateliers.' in texte or "Quarante ateliers." in texte
    assert 'name="lignes-0-libelle" value="Animateur"' in texte
    assert not CompteRendu.objects.exists()


def test_an_indicator_without_value_is_refused_on_its_field(client, membre_structure, convention_cr):
    client.force_login(membre_structure)
    reponse = client.post(_url("preparer_compte_rendu", convention_cr), _formulaire(**{"indicateurs-0-valeur": ""}))
    assert reponse.status_code == 400
    assert "Donnez la valeur atteinte." in _texte(reponse)
    assert not CompteRendu.objects.exists()


def test_filing_an_incomplete_report_saves_nothing(client, membre_structure, convention_cr):
    client.force_login(membre_structure)
    reponse = client.post(
        _url("preparer_compte_rendu", convention_cr), _formulaire(actions_realisees="", action="deposer")
    )
    assert reponse.status_code == 400
    assert "Décrivez les actions réalisées" in _texte(reponse)
    assert not CompteRendu.objects.exists()


def test_a_year_not_begun_sends_back_to_the_convention_with_the_reason(client, membre_structure, convention_cr):
    from financements.models import Convention

    Convention.objects.filter(pk=convention_cr.pk).update(nombre_annees=3)
    client.force_login(membre_structure)
    reponse = client.get(_url("preparer_compte_rendu", convention_cr, ANNEE + 2), follow=True)
    assert reponse.redirect_chain[-1][0] == convention_cr.get_absolute_url()
    assert "n'est pas commencée" in _texte(reponse)
    assert client.get(_url("preparer_compte_rendu", convention_cr, ANNEE + 7)).status_code == 404


def test_other_parties_may_not_prepare_and_outsiders_do_not_see(
    client, agent, partenaire, membre_co_porteur, convention_cr
):
    url = _url("preparer_compte_rendu", convention_cr)
    client.force_login(agent)  # partie à la convention : il la voit, sans préparer son compte-rendu
    assert client.get(url).status_code == 403
    assert client.post(url, _formulaire()).status_code == 403
    for personne in (partenaire, membre_co_porteur):  # ni parties ni structure : la convention leur est cachée
        client.force_login(personne)
        assert client.get(url).status_code == 404
    assert not CompteRendu.objects.exists()


def test_funders_do_not_see_a_draft(client, membre_structure, agent, admin_plateforme, convention_cr):
    enregistrer(convention_cr, membre_structure)
    url = _url("compte_rendu", convention_cr)
    client.force_login(membre_structure)
    assert client.get(url).status_code == 200
    for personne in (agent, admin_plateforme):
        client.force_login(personne)
        assert client.get(url).status_code == 404
        assert client.get(_url("pdf_compte_rendu", convention_cr)).status_code == 404


def test_a_funder_reads_the_filed_report_and_asks_for_more(client, agent, membre_structure, cr_depose, epci):
    client.force_login(agent)
    page = _texte(client.get(cr_depose.get_absolute_url()))
    assert "Quarante ateliers de réparation" in page
    assert "Donner mon avis" in page
    assert "39 000,00 €" in page

    reponse = client.post(
        _url("avis_compte_rendu", cr_depose.convention),
        {"financeur": epci.pk, "sens": SensAvisCompteRendu.COMPLEMENTS, "motif": "Détaillez le compte 64."},
    )
    assert reponse.status_code == 302
    cr_depose.refresh_from_db()
    assert cr_depose.statut == StatutCompteRendu.COMPLEMENTS

    client.force_login(membre_structure)
    formulaire = _texte(client.get(_url("preparer_compte_rendu", cr_depose.convention)))
    assert "Détaillez le compte 64." in formulaire
    assert "Redéposer le compte-rendu" in formulaire


def test_asking_for_more_without_a_reason_is_refused_with_a_message(client, agent, cr_depose, epci):
    client.force_login(agent)
    reponse = client.post(
        _url("avis_compte_rendu", cr_depose.convention),
        {"financeur": epci.pk, "sens": SensAvisCompteRendu.COMPLEMENTS, "motif": ""},
        follow=True,
    )
    assert "Dites quels compléments vous demandez" in _texte(reponse)
    assert not cr_depose.avis.exists()


def test_only_funders_party_give_an_opinion(client, membre_structure, admin_plateforme, partenaire, cr_depose, epci):
    url = _url("avis_compte_rendu", cr_depose.convention)
    donnees = {"financeur": epci.pk, "sens": SensAvisCompteRendu.ACCEPTE}
    for personne, attendu in ((membre_structure, 403), (admin_plateforme, 403), (partenaire, 404)):
        client.force_login(personne)
        assert client.post(url, donnees).status_code == attendu
    assert not cr_depose.avis.exists()


def test_an_agent_cannot_answer_for_another_funder(client, agent, cr_depose, prefecture):
    client.force_login(agent)
    client.post(_url("avis_compte_rendu", cr_depose.convention), {"financeur": prefecture.pk, "sens": "accepte"})
    assert not cr_depose.avis.exists()


def test_the_convention_page_lists_each_year_with_its_state_deadline_and_opinions(
    client, agent, agent_etat, cr_depose, epci
):
    services.donner_avis(cr_depose, agent, epci, SensAvisCompteRendu.ACCEPTE)
    client.force_login(agent_etat)
    texte = _texte(client.get(cr_depose.convention.get_absolute_url()))
    assert "Comptes-rendus par année" in texte
    assert f"30/06/{ANNEE + 1}" in texte and f"30/06/{ANNEE + 2}" in texte
    assert "Avis de Rennes Métropole" in texte
    assert "Accepté le" in texte
    assert f"Lire le compte-rendu {ANNEE}" in texte


def test_the_structure_finds_the_link_to_prepare_from_the_convention(client, membre_structure, convention_cr):
    client.force_login(membre_structure)
    texte = _texte(client.get(convention_cr.get_absolute_url()))
    assert f"Préparer le compte-rendu {ANNEE}" in texte
    assert _url("preparer_compte_rendu", convention_cr) in texte


def _requetes(client, url) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


def test_the_pages_run_a_fixed_number_of_queries(client, agent, agent_etat, membre_structure, cr_depose, epci):
    convention_cr = cr_depose.convention
    # Un avis dès la première mesure : sans aucun avis, Django ne lit pas leurs financeurs et leurs auteurs.
    services.donner_avis(
        cr_depose,
        agent_etat,
        convention_cr.parties.get(financeur__nom__startswith="Préf").financeur,
        SensAvisCompteRendu.COMPLEMENTS,
        "Détail",
    )
    client.force_login(agent)
    pages = (convention_cr.get_absolute_url(), cr_depose.get_absolute_url())
    avant = tuple(_requetes(client, url) for url in pages)
    # Un second compte-rendu, des avis, des lignes et des indicateurs de plus.
    enregistrer(convention_cr, membre_structure, annee=ANNEE + 1, deposer=True)
    enregistrer(convention_cr, membre_structure, deposer=True)
    services.donner_avis(cr_depose, agent, epci, SensAvisCompteRendu.ACCEPTE)
    assert tuple(_requetes(client, url) for url in pages) == avant


@pytest.mark.django_db(transaction=True)  # le worker du PDF lit la base par sa propre connexion
def test_the_pdf_is_prepared_by_a_worker_then_served(client, agent, membre_structure, cr_depose):
    client.force_login(agent)
    url = _url("pdf_compte_rendu", cr_depose.convention)
    en_preparation = client.get(url)
    assert en_preparation.status_code == 202
    assert f'href="{cr_depose.get_absolute_url()}">Retour au compte-rendu</a>' in en_preparation.content.decode()

    rendre_les_pdf()

    for personne in (agent, membre_structure):
        client.force_login(personne)
        reponse = client.get(url)
        assert reponse.status_code == 200
        assert reponse["Content-Disposition"] == (
            f'attachment; filename="compte-rendu-{ANNEE}-convention-{cr_depose.convention_id}.pdf"'
        )
        assert b"".join(reponse.streaming_content).startswith(b"%PDF")
    # Un avis change ses données : l'ancienne édition n'est plus servie.
    services.donner_avis(
        cr_depose,
        agent,
        cr_depose.convention.parties.get(financeur__nom="Rennes Métropole").financeur,
        SensAvisCompteRendu.ACCEPTE,
    )
    client.force_login(agent)
    assert client.get(url).status_code == 202


def _balises(noeud, trouvees: set[str]) -> set[str]:
    noeud = noeud.get_object()
    if isinstance(noeud, dict):
        if "/S" in noeud:
            trouvees.add(str(noeud["/S"]))
        enfants = noeud.get("/K")
        if enfants is not None:
            for enfant in enfants if isinstance(enfants, list) else [enfants]:
                if hasattr(enfant, "get_object"):
                    _balises(enfant, trouvees)
    return trouvees


def test_the_pdf_is_tagged_for_accessibility_with_its_title_language_and_table_headers(cr_depose):
    lecteur = PdfReader(io.BytesIO(documents.pdf_compte_rendu(cr_depose)))
    catalogue = lecteur.trailer["/Root"]
    assert catalogue["/MarkInfo"]["/Marked"]
    assert catalogue["/Lang"] == "fr"
    assert lecteur.metadata.title == f"Compte-rendu financier {ANNEE} — Les Ateliers du Blosne"
    balises = _balises(catalogue["/StructTreeRoot"], set())
    assert {"/Table", "/TH", "/TD", "/Caption", "/H1", "/H2"} <= balises
    texte = "".join(page.extract_text() for page in lecteur.pages)
    assert "Quarante ateliers de réparation" in texte and "Vélos réparés" in texte


def test_filing_through_the_form_tells_the_funders(client, membre_structure, agent, agent_etat, convention_cr):
    executer_taches()
    mail.outbox.clear()
    client.force_login(membre_structure)
    client.post(_url("preparer_compte_rendu", convention_cr), _formulaire(action="deposer"))
    executer_taches()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([agent.email, agent_etat.email])


def test_the_form_runs_a_fixed_number_of_queries_whatever_the_number_of_lines(client, membre_structure, convention_cr):
    from tests.financements.comptes_rendus import DONNEES, INDICATEURS, LIGNES

    def brouillon(fois: int) -> None:
        services.enregistrer(
            convention_cr,
            ANNEE,
            membre_structure,
            donnees=DONNEES,
            lignes=LIGNES * fois,
            indicateurs=INDICATEURS * fois,
        )

    client.force_login(membre_structure)
    url = _url("preparer_compte_rendu", convention_cr)
    brouillon(1)
    avant = _requetes(client, url)
    brouillon(5)
    assert _requetes(client, url) == avant
