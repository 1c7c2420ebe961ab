from django.urls import reverse


def test_it_shows_calls_and_dossiers_read_only_to_admins(client, admin_plateforme, depose):
    client.force_login(admin_plateforme)
    assert client.get(reverse("admin:financements_appelaprojets_changelist")).status_code == 200
    assert client.get(reverse("admin:financements_dossier_changelist")).status_code == 200
    page = client.get(reverse("admin:financements_dossier_change", args=[depose.pk]))
    assert page.status_code == 200
    assert b'name="statut"' not in page.content  # l'état ne change que par les services
