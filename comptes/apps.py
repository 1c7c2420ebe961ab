from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "comptes"
    verbose_name = "Comptes et organisations"

    def ready(self) -> None:
        # Les signaux qui font oublier au contexte d'accès une adhésion changée pendant la requête.
        from comptes import contexte  # noqa: F401
