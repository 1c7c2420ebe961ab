from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Évaluation"

    def ready(self) -> None:
        from evaluation.blocs import enregistrer_blocs

        enregistrer_blocs()
