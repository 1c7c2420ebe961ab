"""Changer l'état d'un objet qui suit un cycle de vie (contrat de ville, dossier) et l'inscrire à son journal.

Un seul chemin pour tous : la ligne est verrouillée (deux personnes ne font pas avancer le même objet en même
temps), la transition est vérifiée depuis l'état lu en base, seuls les champs de l'état sont écrits, et
l'entrée du journal est créée dans la même transaction. Qui a le droit d'agir se vérifie avant, chez
l'appelant.
"""

from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

Entree = TypeVar("Entree")


def changer_etat(
    objet: models.Model,
    nouveau: str,
    *,
    transitions: Mapping[str, Collection[str]],
    etats: type[models.TextChoices],
    nom: str,
    journaliser: Callable[[str, str], Entree],
    champ: str = "statut",
    valeurs: Mapping[str, Any] | None = None,
) -> Entree:
    """Fait passer `objet` à l'état `nouveau` et rend l'entrée de journal créée par `journaliser(de, a)`.

    `transitions` donne, pour chaque état, ceux qu'il permet d'atteindre ; `nom` désigne l'objet dans le
    message de refus (« Un contrat », « Un dossier ») ; `valeurs` sont d'autres champs écrits avec l'état (la
    date du dépôt…). Les dates `auto_now` du modèle sont mises à jour elles aussi. Un état inconnu ou une
    transition non permise lève `ValidationError` sans rien changer.
    """
    if nouveau not in etats.values:
        raise ValidationError("Cet état n'existe pas.")
    valeurs = dict(valeurs or {})
    with transaction.atomic():
        actuel = type(objet)._default_manager.select_for_update().values_list(champ, flat=True).get(pk=objet.pk)
        if nouveau not in transitions[actuel]:
            permis = ", ".join(f"« {etats(etat).label} »" for etat in transitions[actuel]) or "aucun"
            raise ValidationError(
                f"{nom} « {etats(actuel).label} » ne peut pas passer à « {etats(nouveau).label} »"
                f" (états possibles : {permis})."
            )
        setattr(objet, champ, nouveau)
        for nom_champ, valeur in valeurs.items():
            setattr(objet, nom_champ, valeur)
        objet.save(update_fields=[champ, *valeurs, *_dates_automatiques(objet)])
        return journaliser(actuel, nouveau)


def _dates_automatiques(objet: models.Model) -> list[str]:
    """Les champs `auto_now` (« modifié le ») : `save(update_fields=…)` ne les écrit que s'ils sont nommés."""
    return [f.name for f in objet._meta.concrete_fields if getattr(f, "auto_now", False)]
