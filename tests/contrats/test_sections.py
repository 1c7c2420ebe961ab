import re

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_prose_editor.config import allowlist_from_extensions

from contrats.models import Section, VersionSection
from contrats.services import sections as services
from contrats.texte import BALISES, EXTENSIONS_EDITEUR, blocs, differences, nettoyer
from tests.factories import AdhesionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def collegue(epci):
    return AdhesionFactory(organisation=epci, role="agent", utilisateur__email="collegue@exemple.fr").utilisateur


def _modifier(client, section, texte, version_base, **autres):
    return client.post(
        reverse("contrats:modifier_section", args=[section.contrat.code, section.pk]),
        {"texte": texte, "version_base": version_base, "message": "", **autres},
    )


def test_it_creates_a_version_at_every_save(client, agent, section):
    client.force_login(agent)
    reponse = _modifier(client, section, "<h2>Emploi</h2><p>Deuxième texte.</p>", 1, message="Ajout du titre")

    assert reponse.status_code == 302
    section.refresh_from_db()
    assert (section.numero, section.texte) == (2, "<h2>Emploi</h2><p>Deuxième texte.</p>")
    version = section.versions.get(numero=2)
    assert (version.auteur, version.message) == (agent, "Ajout du titre")
    assert list(section.versions.values_list("numero", flat=True)) == [2, 1]


def test_it_refuses_a_stale_save_and_keeps_what_was_typed(client, agent, collegue, section):
    # Les deux agents ouvrent la version 1 ; la collègue enregistre la première.
    services.enregistrer(section, collegue, "<p>Texte de la collègue.</p>", version_base=1)
    client.force_login(agent)

    reponse = _modifier(client, section, "<p>Mon texte, écrit pendant ce temps.</p>", 1)

    assert reponse.status_code == 409
    contenu = reponse.content.decode()
    assert "Une autre version" in contenu and "Votre texte n&#x27;est pas perdu" in contenu
    # Les deux textes sont montrés, le mien toujours dans la zone de saisie.
    assert "<p>Texte de la collègue.</p>" in contenu
    assert "&lt;p&gt;Mon texte, écrit pendant ce temps.&lt;/p&gt;</textarea>" in contenu
    assert (
        '<div class="coville-texte coville-cadre" id="texte-saisi"><p>Mon texte, écrit pendant ce temps.</p>' in contenu
    )
    # Rien n'est écrit ; le formulaire repart de la version actuelle pour l'enregistrement fusionné.
    section.refresh_from_db()
    assert (section.numero, section.texte) == (2, "<p>Texte de la collègue.</p>")
    assert 'name="version_base" value="2"' in contenu
    assert _modifier(client, section, "<p>Texte fusionné.</p>", 2).status_code == 302
    section.refresh_from_db()
    assert (section.numero, section.texte) == (3, "<p>Texte fusionné.</p>")


def test_it_refuses_a_stale_save_in_the_service(agent, collegue, section):
    services.enregistrer(section, collegue, "<p>A</p>", version_base=1)
    with pytest.raises(services.VersionPerimee) as erreur:
        services.enregistrer(section, agent, "<p>B</p>", version_base=1)
    assert erreur.value.courante.auteur == collegue
    assert VersionSection.objects.filter(section=section).count() == 2


def test_it_refuses_an_unchanged_text(agent, section):
    with pytest.raises(ValidationError, match="n'a pas changé"):
        services.enregistrer(section, agent, "<p>Premier texte.</p>", version_base=1)


@pytest.mark.parametrize(
    "dangereux",
    [
        "<p>Bonjour</p><script>alert(1)</script>",
        '<p><img src="x" onerror="alert(1)"></p>',
        '<p><a href="javascript:alert(1)">clic</a></p>',
        "<iframe src='https://exemple.fr'></iframe>",
    ],
)
def test_it_refuses_dangerous_html_with_a_clear_message_and_nothing_saved(client, agent, section, dangereux):
    client.force_login(agent)
    reponse = _modifier(client, section, dangereux, 1)

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "éléments interdits" in contenu and "Rien n&#x27;a été enregistré" in contenu
    section.refresh_from_db()
    assert section.numero == 1
    # Le texte saisi reste dans le champ (échappé), pour être corrigé.
    assert ("alert(1)" if "alert" in dangereux else "exemple.fr") in contenu


def test_it_sanitizes_scripts_handlers_and_javascript_links():
    sale = (
        '<h2 style="color:red">Titre</h2><script>alert(1)</script><p onclick="x()">Texte <img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)">a</a> <a href="https://exemple.fr" target="_blank">b</a></p>'
        "<table><tr><td>1</td></tr></table><span>c</span>"
    )
    propre = nettoyer(sale)
    for interdit in ["<script", "alert", "onclick", "onerror", "javascript:", "style=", "<img", "<span", "target="]:
        assert interdit not in propre
    assert "<h2>Titre</h2>" in propre
    assert '<a href="https://exemple.fr" rel="noopener noreferrer">b</a>' in propre
    assert "<td>1</td>" in propre


def test_it_sanitizes_again_before_rendering(client, agent, section):
    # Un texte stocké avant un durcissement des règles, ou écrit directement en base.
    Section.objects.filter(pk=section.pk).update(texte='<p>Ok</p><script>alert("x")</script><p onmouseover="y()">Z</p>')
    client.force_login(agent)
    contenu = client.get(reverse("contrats:contrat", args=[section.contrat.code])).content.decode()
    assert "<p>Ok</p>" in contenu
    assert 'alert("x")' not in contenu
    assert "onmouseover" not in contenu


def test_it_quietly_drops_harmless_formatting(agent, section):
    version = services.enregistrer(section, agent, '<p style="text-align: center;"><span>Centré</span></p>', 1)
    assert version.texte == "<p>Centré</p>"


def test_it_splits_html_into_blocks():
    html = "<h2>Titre</h2><p>Un <strong>mot</strong></p><ul><li>a</li><li>b</li></ul><table><tr><td>1</td></tr></table>"
    assert blocs(html) == [
        "<h2>Titre</h2>",
        "<p>Un <strong>mot</strong></p>",
        "<ul><li>a</li><li>b</li></ul>",
        "<table><tbody><tr><td>1</td></tr></tbody></table>",
    ]


def test_it_shows_a_readable_diff_between_any_two_versions(client, agent, section):
    services.enregistrer(section, agent, "<p>Premier texte.</p><p>Ajout.</p>", 1)
    services.enregistrer(section, agent, "<p>Texte réécrit.</p><p>Ajout.</p>", 2)
    assert [(d.nature, d.html) for d in differences("<p>A</p><p>B</p>", "<p>A</p><p>C</p>")] == [
        ("egal", "<p>A</p>"),
        ("supprime", "<p>B</p>"),
        ("ajoute", "<p>C</p>"),
    ]
    client.force_login(agent)
    contenu = client.get(
        reverse("contrats:comparer", args=[section.contrat.code, section.pk]) + "?de=2&a=3"
    ).content.decode()
    assert (
        '<del class="coville-diff__supprime"><span class="fr-sr-only">Supprimé : </span><p>Premier texte.</p></del>'
        in contenu
    )
    assert (
        '<ins class="coville-diff__ajoute"><span class="fr-sr-only">Ajouté : </span><p>Texte réécrit.</p></ins>'
        in contenu
    )
    assert '<div class="coville-diff__egal"><p>Ajout.</p></div>' in contenu


def test_it_restores_an_old_version_as_a_new_one(client, agent, section):
    services.enregistrer(section, agent, "<p>Deuxième.</p>", 1)
    client.force_login(agent)

    reponse = client.post(
        reverse("contrats:restaurer", args=[section.contrat.code, section.pk, 1]), {"version_base": 2}
    )

    assert reponse.status_code == 302
    section.refresh_from_db()
    assert (section.numero, section.texte) == (3, "<p>Premier texte.</p>")
    restauree = section.versions.get(numero=3)
    assert restauree.restauree_de == 1
    assert restauree.message == "Restauration de la version 1"
    assert section.versions.count() == 3


def test_it_refuses_a_stale_restore(agent, collegue, section):
    services.enregistrer(section, collegue, "<p>Deuxième.</p>", 1)
    with pytest.raises(services.VersionPerimee):
        services.restaurer(section, agent, 1, version_base=1)


def test_it_refuses_edits_by_others_in_the_service(section, elu, agent_etat):
    for personne in (elu, agent_etat):
        with pytest.raises(PermissionDenied):
            services.enregistrer(section, personne, "<p>Autre.</p>", 1)


def test_it_lists_the_history(client, agent, section):
    services.enregistrer(section, agent, "<p>Deuxième.</p>", 1, message="Précisions")
    client.force_login(agent)
    contenu = client.get(reverse("contrats:historique", args=[section.contrat.code, section.pk])).content.decode()
    assert "Version 2</a> (actuelle)" in contenu
    assert "Précisions" in contenu
    assert "Restaurer<span" in contenu


def test_it_serves_the_editor_from_its_package_under_the_csp_nonce_and_works_without_it(client, agent, section):
    client.force_login(agent)
    reponse = client.get(reverse("contrats:modifier_section", args=[section.contrat.code, section.pk]))
    contenu = reponse.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", reponse["Content-Security-Policy"])[1]
    # django-prose-editor : sa carte d'import (seul script en ligne) porte le nonce, ses modules sont nos fichiers.
    assert f'<script type="importmap" nonce="{nonce}">' in contenu
    assert re.search(r'<script src="/static/django_prose_editor/configurable.js" nonce="[^"]+" type="module">', contenu)
    for balise in re.findall(r"<script\b[^>]*>", contenu):
        assert 'src="/static/' in balise or f'nonce="{nonce}"' in balise, balise
    assert "tinymce" not in contenu.lower() and "onclick" not in contenu
    # Sans JavaScript : une zone de texte ordinaire, préremplie, et le numéro de la version ouverte.
    assert "data-django-prose-editor-configurable" in contenu
    assert "&lt;p&gt;Premier texte.&lt;/p&gt;</textarea>" in contenu
    assert 'name="version_base" value="1"' in contenu
    for fichier in ["django_prose_editor/editor.js", "django_prose_editor/configurable.js", "contrats/editeur.js"]:
        assert finders.find(fichier), fichier
    assert not finders.find("vendor/tinymce/tinymce.min.js")


def test_it_keeps_what_the_editor_writes_and_nothing_it_cannot(client, agent, section):
    # Le HTML de Tiptap pour une liste et un tableau : largeurs de colonnes et styles tombent, le reste demeure.
    tiptap = (
        "<h3>Quartiers</h3><ul><li><p>Le <strong>Blosne</strong></p></li></ul>"
        '<table style="min-width: 50px"><colgroup><col style="min-width: 25px"></colgroup><tbody><tr>'
        '<th colspan="1" rowspan="1"><p>Quartier</p></th></tr></tbody></table>'
    )
    assert nettoyer(tiptap) == (
        "<h3>Quartiers</h3><ul><li><p>Le <strong>Blosne</strong></p></li></ul>"
        '<table><tbody><tr><th colspan="1" rowspan="1"><p>Quartier</p></th></tr></tbody></table>'
    )
    # Les règles du nettoyage sont celles des extensions de l'éditeur : rien de plus que ce qu'il sait écrire.
    regles = allowlist_from_extensions(EXTENSIONS_EDITEUR)
    assert regles["tags"] == BALISES
    for balise in ["h1", "img", "span", "u", "s", "code", "hr"]:
        assert balise not in BALISES
    # Un éditeur vide envoie un paragraphe vide : c'est un texte vide.
    assert nettoyer("<p></p>") == ""


def test_it_creates_a_section_then_opens_it_for_writing(client, agent, contrat):
    client.force_login(agent)
    reponse = client.post(
        reverse("contrats:nouvelle_section", args=[contrat.code]), {"etape": "gouvernance", "titre": "Pilotage"}
    )
    section = contrat.sections.get(titre="Pilotage")
    assert reponse.url == reverse("contrats:modifier_section", args=[contrat.code, section.pk])
    assert section.numero == 0


def test_it_builds_the_orientation_tree(client, agent, contrat, territoire):
    client.force_login(agent)
    url = reverse("contrats:nouvelle_orientation", args=[contrat.code])
    client.post(url, {"titre": "Emploi", "piliers": ["developpement_economique"], "axes": ["jeunesse"]})
    parent = contrat.orientations.get(titre="Emploi")
    qpv = territoire["qpv"][0]
    client.post(url, {"titre": "Jeunes sans emploi", "parent": parent.pk, "qpv": [qpv.code], "axes": ["egalite"]})
    objectif = contrat.orientations.get(titre="Jeunes sans emploi")
    assert (objectif.parent, objectif.niveau, list(objectif.qpv.all())) == (parent, "objectif", [qpv])
    page = client.get(reverse("contrats:contrat", args=[contrat.code])).content.decode()
    assert "Pilier : Développement économique et emploi" in page
    assert "Axe : Égalité femmes-hommes" in page
    assert qpv.nom in page


def test_it_refuses_an_objective_under_an_objective(agent, contrat):
    orientation = services.creer_orientation(contrat, agent, "Emploi")
    objectif = services.creer_orientation(contrat, agent, "Jeunes", parent=orientation)
    with pytest.raises(ValidationError):
        services.creer_orientation(contrat, agent, "Trop profond", parent=objectif)


def test_it_shows_a_retouched_paragraph_word_by_word_with_escaped_text():
    [ligne] = differences("<p>Un chat &amp; un chien</p>", "<p>Un chat <strong>&lt;b&gt;</strong> un chien</p>")
    assert ligne.nature == "modifie"
    assert ligne.html == (
        '<p>Un chat <del><span class="fr-sr-only">[supprimé : </span>&amp;<span class="fr-sr-only">]</span></del> '
        '<ins><span class="fr-sr-only">[ajouté : </span>&lt;b&gt;<span class="fr-sr-only">]</span></ins> un chien</p>'
    )
    # Des blocs trop différents, ou de natures différentes, restent montrés en entier.
    assert [d.nature for d in differences("<p>Un</p>", "<h2>Un</h2>")] == ["supprime", "ajoute"]


# --- Vie privée : les pages publiques ne montrent que « Prénom N. », jamais une adresse -----------------


def test_public_history_pages_never_show_an_email(client, agent, collegue, section):
    agent.prenom = agent.nom = ""
    agent.save(update_fields=["prenom", "nom"])
    collegue.prenom, collegue.nom = "Karim", "Bensalem"
    collegue.save(update_fields=["prenom", "nom"])
    services.enregistrer(section, collegue, "<p>Deuxième.</p>", 1)
    section.contrat.statut = "signe"
    section.contrat.save(update_fields=["statut"])
    code = section.contrat.code
    for url in [
        reverse("contrats:historique", args=[code, section.pk]),
        reverse("contrats:version", args=[code, section.pk, 1]),
        reverse("contrats:version", args=[code, section.pk, 2]),
        reverse("contrats:comparer", args=[code, section.pk]) + "?de=1&a=2",
    ]:
        reponse = client.get(url)
        assert reponse.status_code == 200, url
        contenu = reponse.content.decode()
        assert "@" not in contenu.split("<main", 1)[1].split("</main>", 1)[0], url
        assert "Bensalem" not in contenu, url
    contenu = client.get(reverse("contrats:historique", args=[code, section.pk])).content.decode()
    assert "Karim B." in contenu
    assert f"Utilisateur·rice n° {agent.pk}" in contenu
