from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Recherche des noms sans accents et tolérante aux fautes (unaccent + pg_trgm)."""

    dependencies = []

    operations = [UnaccentExtension(), TrigramExtension()]
