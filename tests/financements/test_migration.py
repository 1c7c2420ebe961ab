"""Le passage des appels à projets et dossiers de `contrats` à `financements` ne perd aucune ligne.

Une base remplie à l'état précédent (contrats 0004, pas encore de financements) migre vers l'état courant :
chaque ligne de chaque table déplacée (tables d'association comprises) se relit, identique, par les modèles de
`financements` ; les types de contenu sont renommés sur place, si bien que les permissions et le journal de
l'administration suivent.
"""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from financements import models as financements

ETAT_PRECEDENT = [("contrats", "0004_tableau_instruction_rapide"), ("financements", None)]

MODELES = [
    "AppelAProjets",
    "FinanceurAppel",
    "Dossier",
    "CoPorteur",
    "LigneBudget",
    "Financement",
    "PieceJointe",
    "JournalDossier",
    "Message",
    "NoteInstruction",
    "AvisInstruction",
    "DecisionFinanceur",
]
ASSOCIATIONS = [("AppelAProjets", "priorites"), ("AppelAProjets", "qpv"), ("Dossier", "priorites"), ("Dossier", "qpv")]


def _migrer(cibles):
    executeur = MigrationExecutor(connection)
    executeur.loader.build_graph()
    executeur.migrate(cibles)
    return MigrationExecutor(connection).loader.project_state([c for c in cibles if c[1] is not None]).apps


def _lignes(modele) -> list[dict]:
    return list(modele.objects.order_by("pk").values())


@pytest.mark.django_db(transaction=True)
def test_it_keeps_every_row_and_every_content_type_when_funding_moves(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # Un jeu complet (un appel, ses financeurs, un dossier dans chaque état, messages, notes, avis, décisions,
    # pièces, journal) ; puis la base revient à l'état d'avant le déplacement (les tables ne bougent pas).
    call_command("charger_demo", verbosity=0)
    anciennes = _migrer(ETAT_PRECEDENT)
    # Les types de contenu des modèles déplacés sont revenus à `contrats` (un modèle ajouté depuis à `financements`,
    # comme les rappels, garde le sien).
    assert not ContentType.objects.filter(app_label="financements", model__in=[m.lower() for m in MODELES]).exists()

    # Des lignes écrites à l'état précédent, par les modèles historiques de `contrats`.
    Dossier = anciennes.get_model("contrats", "Dossier")
    JournalDossier = anciennes.get_model("contrats", "JournalDossier")
    Message = anciennes.get_model("contrats", "Message")
    dossier = Dossier.objects.order_by("pk").last()
    JournalDossier.objects.create(
        dossier=dossier, evenement="Note d'avant le déplacement", motif="Écrit avant le déplacement"
    )
    Message.objects.create(dossier=dossier, auteur_id=dossier.cree_par_id, texte="Message d'avant le déplacement")
    type_dossier = ContentType.objects.get(app_label="contrats", model="dossier")
    entree = LogEntry.objects.create(
        user_id=dossier.cree_par_id,
        content_type=type_dossier,
        object_id=str(dossier.pk),
        object_repr=dossier.titre,
        action_flag=CHANGE,
    )
    permissions = set(Permission.objects.filter(content_type=type_dossier).values_list("pk", "codename"))

    avant = {nom: _lignes(anciennes.get_model("contrats", nom)) for nom in MODELES}
    avant_associations = {
        (nom, champ): list(getattr(anciennes.get_model("contrats", nom), champ).through.objects.order_by("pk").values())
        for nom, champ in ASSOCIATIONS
    }
    assert all(avant.values()), "chaque table déplacée a des lignes avant la migration"
    assert all(avant_associations.values())

    _migrer(MigrationExecutor(connection).loader.graph.leaf_nodes())

    for nom in MODELES:
        # Les colonnes ajoutées depuis (la visibilité du journal) ne comptent pas : chaque ligne d'avant reste.
        colonnes = avant[nom][0].keys()
        apres = [{c: ligne[c] for c in colonnes} for ligne in _lignes(getattr(financements, nom))]
        assert apres == avant[nom], nom
    for (nom, champ), lignes in avant_associations.items():
        through = getattr(getattr(financements, nom), champ).through
        assert list(through.objects.order_by("pk").values()) == lignes, (nom, champ)
    assert financements.JournalDossier.objects.filter(motif="Écrit avant le déplacement").exists()

    # Les types de contenu sont les mêmes lignes, renommées : permissions et journal d'administration suivent.
    type_dossier.refresh_from_db()
    assert (type_dossier.app_label, type_dossier.model) == ("financements", "dossier")
    assert ContentType.objects.get_for_model(financements.Dossier).pk == type_dossier.pk
    assert not ContentType.objects.filter(app_label="contrats", model__in=[m.lower() for m in MODELES]).exists()
    assert set(Permission.objects.filter(content_type=type_dossier).values_list("pk", "codename")) == permissions
    entree.refresh_from_db()
    assert entree.get_edited_object() == financements.Dossier.objects.get(pk=dossier.pk)


def test_no_contract_migration_depends_on_funding():
    graphe = MigrationLoader(None, ignore_no_migrations=True).graph
    contrats = [cle for cle in graphe.nodes if cle[0] == "contrats"]
    assert ("contrats", "0005_financements_deplaces") in contrats
    for cle in contrats:
        assert not [parent for parent in graphe.node_map[cle].parents if parent.key[0] == "financements"], cle
