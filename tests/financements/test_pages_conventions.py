"""Les pages des conventions : ce que chaque partie voit et peut faire, ce que les autres ne voient pas."""

from html import unescape

import pytest
from django.urls import reverse

from financements.models import Convention, StatutConvention
from financements.services import conventions as services
from tests.financements.conftest import PDF, fichier_pdf


@pytest.fixture
def de_l_etat(decide, prefecture):
    return Convention.objects.get(dossiers=decide, parties__financeur=prefecture)


def _texte(reponse) -> str:
    return unescape(reponse.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def test_the_funder_sees_its_convention_with_amounts_articles_and_actions(client, agent_etat, de_l_etat):
    client.force_login(agent_etat)
    page = client.get(reverse("financements:convention", args=[de_l_etat.pk]))
    texte = _texte(page)
    assert page.status_code == 200
    assert "Montants par année et par financeur" in texte
    assert "30 000,00 €" in texte
    assert "Article 12 — Annexes" in texte
    assert "Modifier le projet" in texte
    assert "Envoyée à la structure" in texte  # l'état qu'il peut choisir


def test_another_funder_never_sees_a_convention_it_is_not_party_to(client, agent, de_l_etat):
    client.force_login(agent)  # la métropole finance le dossier, mais n'est pas partie à cette convention
    assert client.get(reverse("financements:convention", args=[de_l_etat.pk])).status_code == 404
    assert client.get(reverse("financements:modifier_convention", args=[de_l_etat.pk])).status_code == 404
    liste = _texte(client.get(reverse("financements:conventions")))
    assert "30 000" not in liste


def test_a_structure_sees_only_its_conventions(client, membre_co_porteur, membre_structure, de_l_etat):
    client.force_login(membre_co_porteur)
    assert client.get(reverse("financements:convention", args=[de_l_etat.pk])).status_code == 404
    assert "Aucune convention." in _texte(client.get(reverse("financements:conventions")))
    client.force_login(membre_structure)
    assert client.get(reverse("financements:convention", args=[de_l_etat.pk])).status_code == 200
    # Elle voit la convention sans pouvoir la préparer.
    assert client.get(reverse("financements:modifier_convention", args=[de_l_etat.pk])).status_code == 403


def test_the_list_filters_by_state_and_year(client, agent_etat, de_l_etat):
    client.force_login(agent_etat)
    url = reverse("financements:conventions")
    assert de_l_etat.get_absolute_url() in _texte(client.get(url, {"statut": "projet"}))
    assert de_l_etat.get_absolute_url() not in _texte(client.get(url, {"statut": "en_vigueur"}))
    assert de_l_etat.get_absolute_url() in _texte(client.get(url, {"annee": de_l_etat.annee_debut}))
    assert de_l_etat.get_absolute_url() not in _texte(client.get(url, {"annee": de_l_etat.annee_debut + 1}))


def _formulaire(convention, **changements):
    donnees = {
        "objet": "la réalisation de l'action",
        "annee_debut": convention.annee_debut,
        "nombre_annees": 2,
        "part_avance": "50",
        "solde_apres_compte_rendu": "on",
        "justificatifs": "Compte-rendu financier.",
        "objectifs": "Réparer 500 vélos\nFormer 20 bénévoles",
    }
    for article in convention.articles.all():
        donnees[f"article_{article.numero}"] = article.texte
    donnees.update(changements)
    return donnees


def test_the_funder_splits_the_amount_over_two_years(client, agent_etat, de_l_etat, prefecture):
    client.force_login(agent_etat)
    annee = de_l_etat.annee_debut
    url = reverse("financements:modifier_convention", args=[de_l_etat.pk])
    assert client.get(url).status_code == 200
    reponse = client.post(
        url,
        _formulaire(
            de_l_etat, **{f"montant_{prefecture.pk}_{annee}": "20000", f"montant_{prefecture.pk}_{annee + 1}": "10000"}
        ),
    )
    assert reponse.status_code == 302
    de_l_etat.refresh_from_db()
    assert de_l_etat.nombre_annees == 2
    assert list(de_l_etat.objectifs.values_list("libelle", flat=True)) == ["Réparer 500 vélos", "Former 20 bénévoles"]


def test_a_split_that_does_not_add_up_is_shown_back_with_a_french_message(client, agent_etat, de_l_etat, prefecture):
    client.force_login(agent_etat)
    annee = de_l_etat.annee_debut
    reponse = client.post(
        reverse("financements:modifier_convention", args=[de_l_etat.pk]),
        _formulaire(
            de_l_etat, **{f"montant_{prefecture.pk}_{annee}": "20000", f"montant_{prefecture.pk}_{annee + 1}": "5000"}
        ),
    )
    assert reponse.status_code == 200
    assert "doivent égaler le montant décidé, 30 000,00 €" in _texte(reponse)
    de_l_etat.refresh_from_db()
    assert de_l_etat.nombre_annees == 1


def test_a_cpo_of_five_years_is_refused_on_the_page(client, agent_etat, de_l_etat):
    client.force_login(agent_etat)
    reponse = client.post(
        reverse("financements:modifier_convention", args=[de_l_etat.pk]), _formulaire(de_l_etat, nombre_annees=5)
    )
    assert "au plus 4 ans" in _texte(reponse)


def test_send_sign_and_bring_into_force_through_the_pages(client, agent_etat, membre_structure, de_l_etat, prefecture):
    client.force_login(agent_etat)
    etat = reverse("financements:etat_convention", args=[de_l_etat.pk])
    signer = reverse("financements:signer_convention", args=[de_l_etat.pk])
    assert client.post(etat, {"statut": "envoyee"}).status_code == 302
    assert client.get(signer).status_code == 403  # la structure signe d'abord
    client.force_login(membre_structure)
    assert client.get(signer).status_code == 200
    reponse = client.post(
        signer,
        {"partie": "structure", "signataire_nom": "Awa Diallo", "signataire_qualite": "Présidente"},
    )
    assert "représentant légal" in _texte(reponse)
    reponse = client.post(
        signer,
        {
            "partie": "structure",
            "signataire_nom": "Awa Diallo",
            "signataire_qualite": "Présidente",
            "representant_declare": "on",
        },
    )
    assert reponse.status_code == 302
    client.force_login(agent_etat)
    reponse = client.post(
        signer,
        {
            "partie": str(prefecture.pk),
            "signataire_nom": "Amélie Puccinelli",
            "signataire_qualite": "Préfète déléguée pour l'égalité des chances",
            "delegation": "on",
            "reference_acte": "Arrêté 2026-15",
            "date_acte": "2026-01-15",
            "fichier": fichier_pdf("convention-signee.pdf"),
        },
    )
    assert reponse.status_code == 302
    de_l_etat.refresh_from_db()
    assert de_l_etat.statut == StatutConvention.SIGNEE_FINANCEURS
    signature = de_l_etat.signatures.get(financeur=prefecture)
    page = _texte(client.get(de_l_etat.get_absolute_url()))
    assert "Préfète déléguée pour l'égalité des chances (par délégation)" in page
    pdf = client.get(reverse("financements:pdf_signe_convention", args=[de_l_etat.pk, signature.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content) == PDF
    assert client.post(etat, {"statut": "en_vigueur"}).status_code == 302
    de_l_etat.refresh_from_db()
    assert de_l_etat.statut == StatutConvention.EN_VIGUEUR


def test_the_structure_cannot_move_the_convention(client, membre_structure, de_l_etat):
    client.force_login(membre_structure)
    reponse = client.post(reverse("financements:etat_convention", args=[de_l_etat.pk]), {"statut": "envoyee"})
    assert reponse.status_code == 403
    de_l_etat.refresh_from_db()
    assert de_l_etat.statut == StatutConvention.PROJET


def test_the_dossier_page_links_to_its_conventions(client, agent_etat, membre_structure, decide, de_l_etat):
    client.force_login(agent_etat)
    page = _texte(client.get(decide.get_absolute_url()))
    assert de_l_etat.get_absolute_url() in page
    assert page.count("/conventions/") == 1  # pas celle de la métropole
    client.force_login(membre_structure)
    assert _texte(client.get(decide.get_absolute_url())).count("Convention annuelle") == 2


def test_a_signed_convention_cannot_be_edited_without_an_avenant(client, agent_etat, de_l_etat):
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    client.force_login(agent_etat)
    reponse = client.get(reverse("financements:modifier_convention", args=[de_l_etat.pk]))
    assert reponse.status_code == 403


def test_a_funder_agent_without_two_factor_authentication_is_sent_to_activate_it(client, agent_etat, de_l_etat):
    from tests.double_authentification import desactiver

    desactiver(agent_etat)
    client.force_login(agent_etat)
    reponse = client.post(reverse("financements:etat_convention", args=[de_l_etat.pk]), {"statut": "envoyee"})
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("mfa_activate_totp"))
    de_l_etat.refresh_from_db()
    assert de_l_etat.statut == StatutConvention.PROJET


def test_the_structure_signs_without_two_factor_authentication(client, agent_etat, membre_structure, de_l_etat):
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    client.force_login(membre_structure)
    assert client.get(reverse("financements:signer_convention", args=[de_l_etat.pk])).status_code == 200


def _requetes(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


def test_the_list_and_the_page_run_a_fixed_number_of_queries(client, agent_etat, structure, epci, prefecture):
    from decimal import Decimal

    def cpo():
        return services.creer_convention(
            structure,
            agent_etat,
            financeurs={prefecture: [Decimal("1000")] * 3, epci: [Decimal("2000")] * 3},
            annee_debut=2027,
            nombre_annees=3,
            objet="le projet associatif",
        )

    premiere = cpo()
    client.force_login(agent_etat)
    liste = reverse("financements:conventions")
    avant = (_requetes(client, liste), _requetes(client, premiere.get_absolute_url()))
    for _ in range(4):
        cpo()
    assert (_requetes(client, liste), _requetes(client, premiere.get_absolute_url())) == avant


def test_an_avenant_through_the_pages_shows_what_changed(client, agent_etat, membre_structure, de_l_etat, prefecture):
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    services.signer(
        de_l_etat,
        membre_structure,
        None,
        signataire_nom="A",
        signataire_qualite="Présidente",
        representant_declare=True,
    )
    services.signer(de_l_etat, agent_etat, prefecture, signataire_nom="P", signataire_qualite="Préfet")
    client.force_login(agent_etat)
    url = reverse("financements:modifier_convention", args=[de_l_etat.pk])
    assert client.get(url).status_code == 403  # signée : plus de modification directe
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.EN_VIGUEUR)
    nouvel = reverse("financements:nouvel_avenant", args=[de_l_etat.pk])
    assert client.get(nouvel).status_code == 200
    annee = de_l_etat.annee_debut
    champs = {f"montant_{prefecture.pk}_{annee}": "30000", f"montant_{prefecture.pk}_{annee + 1}": "15000"}
    donnees = {"objet": "Une année de plus", "motif": "Second quartier.", "nombre_annees": "2", **champs}
    # Une durée de cinq ans est refusée sur le champ, et la saisie revient.
    trop = client.post(nouvel, {**donnees, "nombre_annees": "5"})
    assert trop.status_code == 200 and "au plus 4 ans" in _texte(trop)
    assert "Second quartier." in _texte(trop)
    reponse = client.post(nouvel, donnees)
    avenant = de_l_etat.avenants.get()
    assert reponse.status_code == 302 and reponse["Location"] == avenant.get_absolute_url()
    page = _texte(client.get(avenant.get_absolute_url()))
    assert "De 1 an à 2 ans" in page
    assert "Montants avant et après l'avenant" in page and "15 000,00 €" in page
    assert "Enregistrer une signature" not in page  # la structure signe d'abord
    signer = reverse("financements:signer_avenant", args=[de_l_etat.pk, avenant.pk])
    assert client.get(signer).status_code == 403

    client.force_login(membre_structure)
    assert "Enregistrer une signature" in _texte(client.get(avenant.get_absolute_url()))
    reponse = client.post(
        signer,
        {
            "partie": "structure",
            "signataire_nom": "Awa Diallo",
            "signataire_qualite": "Présidente",
            "representant_declare": "on",
            "fichier": fichier_pdf("avenant-signe.pdf"),
        },
    )
    assert reponse.status_code == 302
    signature = avenant.signatures.get()
    pdf = client.get(reverse("financements:pdf_signe_avenant", args=[de_l_etat.pk, avenant.pk, signature.pk]))
    assert b"".join(pdf.streaming_content) == PDF

    client.force_login(agent_etat)
    reponse = client.post(
        signer, {"partie": str(prefecture.pk), "signataire_nom": "M. le préfet", "signataire_qualite": "Préfet"}
    )
    assert reponse.status_code == 302
    page = _texte(client.get(de_l_etat.get_absolute_url()))
    assert "Avenant n° 1</a> — signé et appliqué le" in page
    assert "Durée : de 1 à 2 ans." in page
    de_l_etat.refresh_from_db()
    assert de_l_etat.nombre_annees == 2


def _en_vigueur(convention, agent_etat, membre_structure, prefecture):
    services.faire_avancer(convention, agent_etat, StatutConvention.ENVOYEE)
    services.signer(
        convention,
        membre_structure,
        None,
        signataire_nom="A",
        signataire_qualite="Présidente",
        representant_declare=True,
    )
    services.signer(convention, agent_etat, prefecture, signataire_nom="P", signataire_qualite="Préfet")
    services.faire_avancer(convention, agent_etat, StatutConvention.EN_VIGUEUR)


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_number_of_avenants(
    client, agent_etat, membre_structure, de_l_etat, prefecture
):
    from decimal import Decimal

    _en_vigueur(de_l_etat, agent_etat, membre_structure, prefecture)

    def avenant(montant):
        a = services.preparer_avenant(
            de_l_etat,
            agent_etat,
            objet="x",
            motif="y",
            montants={(prefecture.pk, de_l_etat.annee_debut): Decimal(montant)},
        )
        services.signer_avenant(
            a, membre_structure, None, signataire_nom="A", signataire_qualite="P", representant_declare=True
        )
        services.signer_avenant(a, agent_etat, prefecture, signataire_nom="P", signataire_qualite="Préfet")
        return a

    premier = avenant("31000")
    client.force_login(agent_etat)
    avant = (_requetes(client, de_l_etat.get_absolute_url()), _requetes(client, premier.get_absolute_url()))
    for montant in ("32000", "33000", "34000"):
        avenant(montant)
    assert (_requetes(client, de_l_etat.get_absolute_url()), _requetes(client, premier.get_absolute_url())) == avant


def test_an_agent_adds_another_funder_from_the_page(client, agent_etat, de_l_etat, decide, epci, prefecture):
    client.force_login(agent_etat)
    page = _texte(client.get(de_l_etat.get_absolute_url()))
    assert "Ajouter un financeur" in page
    url = reverse("financements:ajouter_financeur_convention", args=[de_l_etat.pk])
    champ = f"montant_{de_l_etat.annee_debut}"
    refus = client.post(url, {"financeur": epci.pk, champ: "9000"})
    assert refus.status_code == 400
    assert "doivent égaler le montant décidé" in _texte(refus)
    assert client.post(url, {"financeur": epci.pk, champ: "10000"}).status_code == 302
    assert set(de_l_etat.parties.values_list("financeur_id", flat=True)) == {epci.pk, prefecture.pk}


def test_the_structure_cannot_add_a_funder(client, membre_structure, de_l_etat, epci):
    client.force_login(membre_structure)
    url = reverse("financements:ajouter_financeur_convention", args=[de_l_etat.pk])
    assert client.post(url, {"financeur": epci.pk, f"montant_{de_l_etat.annee_debut}": "10000"}).status_code == 403
    assert de_l_etat.parties.count() == 1


def test_the_draft_offers_the_contract_objectives(client, agent_etat, de_l_etat, contrat, prefecture):
    from contrats.models import NiveauOrientation, Orientation

    objectif = Orientation.objects.create(
        contrat=contrat, niveau=NiveauOrientation.ORIENTATION, titre="Tranquillité publique"
    )
    client.force_login(agent_etat)
    url = reverse("financements:modifier_convention", args=[de_l_etat.pk])
    assert "Objectifs du contrat de ville poursuivis" in _texte(client.get(url))
    reponse = client.post(
        url,
        {
            "objet": de_l_etat.objet,
            "annee_debut": de_l_etat.annee_debut,
            "nombre_annees": 1,
            "part_avance": "50",
            "justificatifs": "",
            "objectifs_contrat": [objectif.pk],
            "objectifs": "Prêter 2 000 livres",
            f"montant_{prefecture.pk}_{de_l_etat.annee_debut}": "30000",
        },
    )
    assert reponse.status_code == 302
    page = _texte(client.get(de_l_etat.get_absolute_url()))
    assert "<li>Tranquillité publique <span" in page and "(objectif du contrat de ville)" in page
    assert "Prêter 2 000 livres" in page


def test_a_funder_revises_its_decision_from_the_dossier_page(client, agent_etat, decide, de_l_etat, prefecture):
    client.force_login(agent_etat)
    page = _texte(client.get(decide.get_absolute_url()))
    assert "Revoir votre décision" in page
    url = reverse("financements:revision_decision", args=[decide.pk])
    sans_motif = client.post(
        url, {"revision-financeur": prefecture.pk, "revision-montant": "24000", "revision-motif": ""}
    )
    assert sans_motif.status_code == 400
    reponse = client.post(
        url, {"revision-financeur": prefecture.pk, "revision-montant": "24000", "revision-motif": "Enveloppe réduite."}
    )
    assert reponse.status_code == 302
    assert de_l_etat.montants.get().montant == 24000


def test_the_structure_cannot_revise_a_decision(client, membre_structure, decide, prefecture):
    client.force_login(membre_structure)
    url = reverse("financements:revision_decision", args=[decide.pk])
    assert (
        client.post(
            url, {"revision-financeur": prefecture.pk, "revision-montant": "1", "revision-motif": "x"}
        ).status_code
        == 403
    )


def test_the_revision_form_is_gone_once_the_funder_s_convention_is_signed(
    client, agent_etat, membre_structure, decide, de_l_etat
):
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    services.signer(
        de_l_etat, membre_structure, None, signataire_nom="A", signataire_qualite="P", representant_declare=True
    )
    client.force_login(agent_etat)
    assert "Revoir votre décision" not in _texte(client.get(decide.get_absolute_url()))
