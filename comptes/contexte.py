"""Le contexte d'accès : qui est la personne sur la plateforme — ses adhésions avec leur organisation, donc ses
rôles et les territoires de ses collectivités —, lu en **une** requête SQL au premier besoin et gardé le temps
d'une requête HTTP.

Tous les prédicats (`*/permissions.py`) et les recherches avec contrôle d'accès (`*/acces.py`) lisent la
personne par `contexte(qui)`, où `qui` est le contexte lui-même ou un utilisateur. Pendant une requête HTTP,
`ContexteAccesMiddleware` ouvre le contexte de `request.user` (aussi en `request.acces`) : un prédicat appelé
avec cet utilisateur le retrouve, si bien qu'une page ne relit jamais les adhésions, quel que soit le nombre de
prédicats, de blocs ou d'objets qu'elle évalue. Hors requête (commande, test, service appelé pour une autre
personne), un contexte neuf est ouvert pour l'utilisateur donné.

Une adhésion créée, modifiée ou supprimée pendant la requête fait oublier au contexte de la personne ce qu'il
avait lu (signal), pour que la suite de la requête voie le nouveau rôle.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from comptes.models import COLLECTIVITES, Adhesion, Organisation, Utilisateur, role_gestionnaire

Personne = Utilisateur | AnonymousUser


class ContexteAcces:
    """Ce que la personne est sur la plateforme, pour la durée d'une requête."""

    def __init__(self, utilisateur: Personne) -> None:
        self.utilisateur = utilisateur

    def __repr__(self) -> str:
        return f"<ContexteAcces {self.utilisateur}>"

    @property
    def est_connecte(self) -> bool:
        return bool(self.utilisateur.is_authenticated)

    @property
    def est_admin(self) -> bool:
        """Administrateur de la plateforme (imports, modération, administration Django)."""
        return bool(self.utilisateur.is_authenticated and self.utilisateur.is_active and self.utilisateur.is_staff)

    @cached_property
    def adhesions(self) -> tuple[Adhesion, ...]:
        """Les adhésions de la personne avec leur organisation : la seule requête du contexte."""
        if not self.utilisateur.is_authenticated:
            return ()
        return tuple(
            Adhesion.objects.filter(utilisateur_id=self.utilisateur.pk)
            .select_related("organisation")
            .order_by("organisation__nom", "pk")
        )

    def oublier(self) -> None:
        """Relira les adhésions au prochain besoin (après un changement de rôle pendant la requête)."""
        self.__dict__.pop("adhesions", None)

    def adhesions_de_role(self, *roles: str) -> list[Adhesion]:
        """Les adhésions de ces rôles (toutes sans rôle donné)."""
        return [a for a in self.adhesions if not roles or a.role in roles]

    def organisations(self, *roles: str) -> list[Organisation]:
        """Les organisations où la personne a l'un de ces rôles (toutes sans rôle donné)."""
        return [a.organisation for a in self.adhesions_de_role(*roles)]

    def ids_organisations(self, *roles: str) -> set[int]:
        return {a.organisation_id for a in self.adhesions_de_role(*roles)}

    def collectivites(self, *roles: str) -> list[Organisation]:
        """Les collectivités (commune, EPCI, département, région) où la personne a l'un de ces rôles."""
        return [o for o in self.organisations(*roles) if o.type in COLLECTIVITES]

    def roles(self) -> set[str]:
        return {a.role for a in self.adhesions}

    def a_role(self, *roles: str) -> bool:
        return any(a.role in roles for a in self.adhesions)

    def role_dans(self, organisation: Organisation | int) -> str | None:
        """Le rôle de la personne dans l'organisation, ou None si elle n'en est pas membre."""
        pk = organisation if isinstance(organisation, int) else organisation.pk
        return next((a.role for a in self.adhesions if a.organisation_id == pk), None)

    def ids_organisations_gerees(self) -> set[int]:
        """Les organisations que la personne gère : celles où elle a le rôle gestionnaire de leur type (agent
        d'une collectivité, membre d'une structure…), qui invite et répond pour l'organisation."""
        return {a.organisation_id for a in self.adhesions if a.role == role_gestionnaire(a.organisation.type)}

    def gere(self, organisation: Organisation | int) -> bool:
        pk = organisation if isinstance(organisation, int) else organisation.pk
        return pk in self.ids_organisations_gerees()

    def est_membre(self, organisation: Organisation | int, *roles: str) -> bool:
        """Membre de l'organisation (avec l'un de ces rôles, si donnés)."""
        role = self.role_dans(organisation)
        return role is not None and (not roles or role in roles)


Qui = ContexteAcces | Utilisateur | AnonymousUser

_courant: ContextVar[ContexteAcces | None] = ContextVar("contexte_acces", default=None)


def _meme_personne(a: Personne, b: Personne) -> bool:
    if not a.is_authenticated or not b.is_authenticated:
        return not a.is_authenticated and not b.is_authenticated
    return a.pk == b.pk


def contexte(qui: Qui) -> ContexteAcces:
    """Le contexte d'accès de `qui` : lui-même, celui de la requête en cours pour son utilisateur, ou un neuf."""
    if isinstance(qui, ContexteAcces):
        return qui
    courant = _courant.get()
    if courant is not None and _meme_personne(courant.utilisateur, qui):
        return courant
    return ContexteAcces(qui)


def contexte_de_requete(request: HttpRequest) -> ContexteAcces:
    """Le contexte de la requête (ouvert par le middleware, ou à la demande pour une requête de test)."""
    acces = getattr(request, "acces", None)
    if not isinstance(acces, ContexteAcces):
        acces = contexte(request.user)
        request.acces = acces  # type: ignore[attr-defined]
    return acces


def utilisateur(qui: Qui) -> Personne:
    """L'utilisateur derrière `qui` (pour écrire l'auteur d'une action)."""
    return qui.utilisateur if isinstance(qui, ContexteAcces) else qui


class ContexteAccesMiddleware:
    """Ouvre le contexte d'accès de la requête (après l'authentification) et le referme à la fin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        acces = ContexteAcces(request.user)
        request.acces = acces  # type: ignore[attr-defined]
        jeton = _courant.set(acces)
        try:
            return self.get_response(request)
        finally:
            _courant.reset(jeton)


@receiver(post_save, sender=Adhesion)
@receiver(post_delete, sender=Adhesion)
def _adhesion_changee(sender: type[Adhesion], instance: Adhesion, **kwargs: object) -> None:
    courant = _courant.get()
    if (
        courant is not None
        and courant.utilisateur.is_authenticated
        and courant.utilisateur.pk == instance.utilisateur_id
    ):
        courant.oublier()
