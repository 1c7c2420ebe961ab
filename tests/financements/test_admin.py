from django.urls import reverse

from financements.models import MotifRappel, RappelDossier


def test_it_shows_calls_and_dossiers_read_only_to_admins(client, admin_plateforme, depose):
    client.force_login(admin_plateforme)
    assert client.get(reverse("admin:financements_appelaprojets_changelist")).status_code == 200
    assert client.get(reverse("admin:financements_dossier_changelist")).status_code == 200
    page = client.get(reverse("admin:financements_dossier_change", args=[depose.pk]))
    assert page.status_code == 200
    assert b'name="statut"' not in page.content  # l'état ne change que par les services


def test_it_lists_the_reminders_sent_read_only(client, admin_plateforme, brouillon):
    RappelDossier.objects.create(
        dossier=brouillon, motif=MotifRappel.CLOTURE_APPEL, echeance=brouillon.appel.cloture, nombre_destinataires=2
    )
    client.force_login(admin_plateforme)
    page = client.get(reverse("admin:financements_rappeldossier_changelist")).content.decode()
    assert "Vélos solidaires" in page and "Clôture de l&#x27;appel proche" in page
    assert client.get(reverse("admin:financements_rappeldossier_add")).status_code == 403


def test_it_shows_payments_read_only_without_the_iban(client, admin_plateforme, cpo, agent_etat, prefecture, rib):
    from datetime import timedelta

    from django.utils import timezone

    from financements.services import versements

    (avance, _, *_) = versements.generer_echeancier(cpo, agent_etat, prefecture)
    versements.mandater(avance, agent_etat, mandate_le=timezone.localdate() - timedelta(days=1), reference="M-1")
    client.force_login(admin_plateforme)
    assert client.get(reverse("admin:financements_versement_changelist")).status_code == 200
    page = client.get(reverse("admin:financements_versement_change", args=[avance.pk])).content.decode()
    assert "M-1" in page and rib.iban not in page
    assert client.get(reverse("admin:financements_versement_add")).status_code == 403
    assert client.get(reverse("admin:financements_reversement_changelist")).status_code == 200


def test_it_lists_the_journal_of_published_calls_read_only(client, admin_plateforme, appel, agent):
    from datetime import timedelta

    from financements.services.appels import prolonger_appel

    entree = prolonger_appel(appel, agent, appel.cloture + timedelta(days=7), motif="Demande des associations")
    client.force_login(admin_plateforme)
    page = client.get(reverse("admin:financements_journalappel_changelist")).content.decode()
    assert "Demande des associations" in page and appel.titre in page
    assert client.get(reverse("admin:financements_journalappel_add")).status_code == 403
    modification = client.get(reverse("admin:financements_journalappel_change", args=[entree.pk])).content.decode()
    assert 'name="motif"' not in modification  # le journal ne se réécrit pas
