from django.db import migrations


class Migration(migrations.Migration):
    """`unaccent` n'est pas IMMUTABLE (son dictionnaire peut changer) : une fonction enveloppe qui le déclare,
    en nommant le dictionnaire, permet de l'indexer (index trigrammes sur `f_unaccent(lower(nom))`)."""

    dependencies = [("territoires", "0001_extensions")]

    operations = [
        migrations.RunSQL(
            "CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
            "AS $$ SELECT public.unaccent('public.unaccent', $1) $$",
            reverse_sql="DROP FUNCTION IF EXISTS f_unaccent(text)",
        )
    ]
