"""L'import de structures confirmé depuis la page : écrit par un vrai worker (tests/taches.py), son avancement lisible
pendant qu'il écrit, son échec expliqué sans rien écrire, un double clic sans second import, et sa page de suivi
réservée à qui l'a lancé."""

import threading
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from acteurs_ess import imports
from acteurs_ess.choix import EtatImport
from acteurs_ess.models import ImportStructures, Structure
from acteurs_ess.taches import importer_structures
from acteurs_ess.views import SESSION_IMPORT
from comptes.models import Organisation, Role
from tests.acteurs_ess.factories import StructureFactory
from tests.factories import AdhesionFactory
from tests.taches import executer_taches, taches

pytestmark = pytest.mark.django_db(transaction=True)

ENTETE = "raison_sociale,siret,rna,commune,qpv"
TROIS_LIGNES = "\n".join(
    [
        ENTETE,
        "Les Ateliers du Blosne,44306184100047,W353012345,35238,QN03505M",
        "Coursiers Solidaires,,,35281,",
        "Épicerie du Blosne,,,35238,QN03505M|QN03504M",
    ]
).encode()


@pytest.fixture(autouse=True)
def _fichiers_du_test(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def deposer_et_confirmer(client, contenu: bytes = TROIS_LIGNES) -> str:
    """Dépose le fichier, confirme l'aperçu ; rend l'adresse de la page de suivi."""
    apercu = client.post(
        reverse("acteurs_ess:importer"), {"fichier": SimpleUploadedFile("s.csv", contenu, content_type="text/csv")}
    )
    assert "Confirmer l'import" in apercu.content.decode()
    return client.post(reverse("acteurs_ess:confirmer_import"), {"jeton": apercu.context["jeton"]}).url


def page(client, url: str) -> str:
    return unescape(client.get(url).content.decode())


def depuis_une_autre_connexion(fonction):
    """Ce que verrait une autre requête pendant l'import : `fonction` tourne dans un autre fil, avec sa propre
    connexion à la base, hors de la transaction du worker."""
    resultat = {}

    def lire() -> None:
        try:
            resultat["valeur"] = fonction()
        finally:
            connection.close()

    fil = threading.Thread(target=lire)
    fil.start()
    fil.join(timeout=30)
    return resultat["valeur"]


def test_the_progress_is_readable_while_the_import_writes_and_its_rows_are_not(client, agent, territoire, monkeypatch):
    client.force_login(agent)
    url = deposer_et_confirmer(client)
    # Un lot par ligne ; après chaque avancement signalé, la page de suivi et l'annuaire sont lus comme par une
    # autre requête, pendant que la transaction de l'import est encore ouverte.
    monkeypatch.setattr(imports, "TAILLE_LOT", 1)
    vus = []
    signaler_vraiment = imports._avancement

    def avancement_observe(connexion, pk):
        signaler = signaler_vraiment(connexion, pk)

        def signaler_puis_regarder(faites: int, total: int) -> None:
            signaler(faites, total)
            vus.append(depuis_une_autre_connexion(lambda: (page(client, url), Structure.objects.count())))

        return signaler_puis_regarder

    monkeypatch.setattr(imports, "_avancement", avancement_observe)

    executer_taches()

    assert [structures for _, structures in vus] == [0, 0, 0]
    assert ["1 ligne traitée sur 3" in vu for vu, _ in vus] == [True, False, False]
    assert ["2 lignes traitées sur 3" in vu for vu, _ in vus] == [False, True, False]
    assert ["3 lignes traitées sur 3" in vu for vu, _ in vus] == [False, False, True]
    assert all("En cours : écriture" in vu and "Actualiser" in vu for vu, _ in vus)
    fini = page(client, url)
    assert "Import terminé" in fini
    assert "3 structures créées" in fini
    assert Structure.objects.count() == 3


def test_the_progress_goes_through_the_table_of_the_model():
    assert imports.SQL_AVANCEMENT.startswith(f"UPDATE {ImportStructures._meta.db_table} SET lignes_faites")


def test_an_import_the_directory_now_refuses_fails_with_its_rejected_lines_and_writes_nothing(
    client, agent, territoire
):
    client.force_login(agent)
    url = deposer_et_confirmer(client)
    # Entre l'aperçu et le passage du worker, une autre structure s'inscrit avec le RNA de la première ligne.
    StructureFactory(raison_sociale="Autre association", rna="W353012345", siret="73282932000074")

    executer_taches()

    vu = page(client, url)
    assert "Import échoué : rien n'a été écrit" in vu
    assert "1 ligne(s) rejetée(s) : l'annuaire a changé depuis l'aperçu." in vu
    assert "Le SIRET 44306184100047 ne correspond pas à celui de Autre association." in vu
    assert "Les Ateliers du Blosne" in vu
    assert "Déposer un fichier corrigé" in vu
    assert list(Structure.objects.values_list("raison_sociale", flat=True)) == ["Autre association"]
    suivi = ImportStructures.objects.get()
    assert (suivi.etat, suivi.rejetees, suivi.rejets[0]["numero"]) == (EtatImport.ECHOUE, 1, 2)


def test_an_error_in_the_middle_of_the_import_rolls_everything_back_and_is_shown_in_french(
    client, agent, territoire, monkeypatch
):
    client.force_login(agent)
    url = deposer_et_confirmer(client)
    organisations_avant = Organisation.objects.count()
    monkeypatch.setattr(imports, "TAILLE_LOT", 1)
    ecrire_lot = imports._ecrire_lot

    def panne_au_deuxieme_lot(lignes, importee_par, bilan):
        if lignes[0].numero == 3:
            raise RuntimeError("connexion perdue")
        ecrire_lot(lignes, importee_par, bilan)

    monkeypatch.setattr(imports, "_ecrire_lot", panne_au_deuxieme_lot)

    executer_taches()

    vu = page(client, url)
    assert "Import échoué : rien n'a été écrit" in vu
    assert "L'import s'est interrompu sur une erreur inattendue : rien n'a été écrit." in vu
    assert "connexion perdue" not in vu
    assert not Structure.objects.exists()
    assert Organisation.objects.count() == organisations_avant
    # La tâche est en échec dans l'administration des tâches de fond.
    assert [t.status for t in taches("importer_structures")] == ["failed"]


def test_a_double_click_imports_once(client, agent, territoire):
    client.force_login(agent)
    apercu = client.post(
        reverse("acteurs_ess:importer"),
        {"fichier": SimpleUploadedFile("s.csv", TROIS_LIGNES, content_type="text/csv")},
    )
    jeton = apercu.context["jeton"]
    en_session = client.session[SESSION_IMPORT]

    def confirmer_encore():
        # Le second clic est parti avec la même session que le premier, avant que celui-ci ne la change.
        session = client.session
        session[SESSION_IMPORT] = en_session
        session.save()
        return client.post(reverse("acteurs_ess:confirmer_import"), {"jeton": jeton})

    premier = client.post(reverse("acteurs_ess:confirmer_import"), {"jeton": jeton})
    # Le premier import attend son worker : le verrou de file de l'aperçu refuse une seconde tâche.
    assert confirmer_encore().url == premier.url
    assert len(taches("importer_structures")) == 1
    executer_taches()
    # Le premier import est écrit : le jeton de l'aperçu, unique, refuse un second import.
    assert confirmer_encore().url == premier.url
    executer_taches()

    assert len(taches("importer_structures")) == 1
    assert ImportStructures.objects.count() == 1
    assert Structure.objects.count() == 3


def test_a_job_run_again_after_the_import_was_written_writes_nothing_more(client, agent, territoire):
    # Une tâche relancée (worker mort après la validation, relance depuis l'administration) retrouve l'import fini.
    client.force_login(agent)
    url = deposer_et_confirmer(client)
    executer_taches()
    suivi = ImportStructures.objects.get()

    importer_structures.defer(jeton=suivi.jeton)
    executer_taches()

    assert Structure.objects.count() == 3
    assert ImportStructures.objects.get().termine_le == suivi.termine_le
    assert "3 structures créées" in page(client, url)


def test_a_job_whose_worker_died_mid_import_writes_it_from_the_start(client, agent, territoire):
    client.force_login(agent)
    deposer_et_confirmer(client)
    # Un worker avait commencé l'import puis est mort : rien n'était validé, l'import est resté « en cours ».
    ImportStructures.objects.update(etat=EtatImport.EN_COURS, lignes_total=3, lignes_faites=2)

    executer_taches()

    suivi = ImportStructures.objects.get()
    assert (suivi.etat, suivi.lignes_faites, suivi.creees) == (EtatImport.TERMINE, 3, 3)
    assert Structure.objects.count() == 3


def test_the_import_page_leads_to_the_imports_of_the_person(client, agent, epci, territoire):
    collegue = AdhesionFactory(organisation=epci, role=Role.AGENT).utilisateur
    autre = Client()
    autre.force_login(collegue)
    deposer_et_confirmer(autre, f"{ENTETE}\nRégie de quartier,,,35238,".encode())
    client.force_login(agent)
    url = deposer_et_confirmer(client)
    executer_taches()

    assert reverse("acteurs_ess:imports") in client.get(reverse("acteurs_ess:importer")).content.decode()
    liste = page(client, reverse("acteurs_ess:imports"))
    assert liste.count('href="/annuaire/importer/imports/') == 1
    assert f'href="{url}"' in liste
    assert "3 créées, 0 mises à jour" in liste


def test_only_the_person_who_launched_an_import_and_the_admins_follow_it(
    client, agent, epci, territoire, admin_plateforme, membre_structure
):
    client.force_login(agent)
    url = deposer_et_confirmer(client)
    collegue = AdhesionFactory(organisation=epci, role=Role.AGENT).utilisateur

    client.force_login(collegue)
    assert client.get(url).status_code == 404
    client.force_login(membre_structure)
    assert client.get(url).status_code == 403
    client.force_login(admin_plateforme)
    assert client.get(url).status_code == 200
    assert url in client.get(reverse("acteurs_ess:imports")).content.decode()


def test_an_import_never_runs_while_another_job_of_the_same_import_runs(client, agent, territoire):
    # Une tâche relancée ou remise dans la file pendant qu'une autre écrit encore le même import : le verrou
    # d'exécution `importer_structures:<jeton>` la fait attendre que l'autre ait fini (ou soit relancée, si son
    # worker est mort : `relancer_taches_bloquees` la remet « à faire » et le verrou est libre).
    client.force_login(agent)
    deposer_et_confirmer(client)
    suivi = ImportStructures.objects.get()
    (premiere,) = taches("importer_structures")
    assert premiere.lock == f"importer_structures:{suivi.jeton}"
    autre = importer_structures.configure(lock=premiere.lock).defer(jeton=suivi.jeton)
    with connection.cursor() as curseur:
        curseur.execute("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = %s", [autre])

    executer_taches()

    assert taches("importer_structures", statut="todo")[0].id == premiere.id
    assert ImportStructures.objects.get().etat == EtatImport.EN_ATTENTE
    assert not Structure.objects.exists()

    with connection.cursor() as curseur:
        curseur.execute("UPDATE procrastinate_jobs SET status = 'failed' WHERE id = %s", [autre])
    executer_taches()

    assert ImportStructures.objects.get().etat == EtatImport.TERMINE
    assert Structure.objects.count() == 3
