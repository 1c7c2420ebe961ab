"""Quand les données qu'affichent les PDF d'un contrat changent, ses deux documents sont rendus à nouveau en
arrière-plan (contrats.taches.differer_rendus), quel que soit le chemin du changement : service, formulaire,
administration. Les modèles suivis sont ceux que lit `contrats.documents.empreinte`.

La tâche est différée dans la transaction du changement : elle n'existe que s'il est validé, et ne voit que lui.
Plusieurs changements du même contrat se fondent en une tâche par document (verrou de file). Les QPV et les
communes, références nationales mises à jour par import, ne sont pas suivis, et les imports en masse
(`bulk_create`) n'émettent pas de signaux : le prochain téléchargement voit que l'empreinte a changé et demande
le rendu lui-même (`rendre_pdf_contrats` le demande pour tous après un import)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from comptes.models import Organisation
from contrats.models import (
    Avenant,
    Concertation,
    ContratDeVille,
    Contribution,
    Engagement,
    InstanceGouvernance,
    Orientation,
    Section,
    Signataire,
)


def _rendre_a_nouveau(*contrats: int | None) -> None:
    from contrats.taches import differer_rendus

    for contrat_id in sorted({pk for pk in contrats if pk is not None}):
        differer_rendus(contrat_id)


def _par_relation(instance, relation: str, modele) -> int | None:
    """Le contrat d'un objet qui n'en porte pas la clé (engagement, réunion, contribution) : lu sur l'objet lié
    (`relation`, qui porte `contrat_id`) s'il est déjà chargé, sinon en une requête."""
    champ = instance._meta.get_field(relation)
    if champ.is_cached(instance):
        return getattr(instance, relation).contrat_id
    return modele.objects.filter(pk=getattr(instance, champ.attname)).values_list("contrat_id", flat=True).first()


def _contrat(sender, instance, **kwargs) -> None:
    _rendre_a_nouveau(instance.pk)


def _partie(sender, instance, **kwargs) -> None:
    _rendre_a_nouveau(instance.contrat_id)


def _engagement(sender, instance, **kwargs) -> None:
    _rendre_a_nouveau(_par_relation(instance, "signataire", Signataire))


def _reunion(sender, instance, **kwargs) -> None:
    _rendre_a_nouveau(_par_relation(instance, "instance", InstanceGouvernance))


def _contribution(sender, instance, **kwargs) -> None:
    _rendre_a_nouveau(_par_relation(instance, "concertation", Concertation))


def _organisation(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    # Le nom d'un signataire ou de l'organisation d'une contribution : une organisation nouvelle n'est encore
    # dans aucun contrat.
    if created or (update_fields is not None and "nom" not in update_fields):
        return
    _rendre_a_nouveau(
        *ContratDeVille.objects.filter(signataires__organisation=instance).values_list("pk", flat=True),
        *Concertation.objects.filter(contributions__organisation=instance).values_list("contrat_id", flat=True),
    )


def _qpv_ou_communes_du_contrat(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    # Depuis un QPV ou une commune, `pk_set` nomme les contrats ; après clear(), ils ne sont plus connus : le
    # prochain téléchargement verra l'empreinte changée.
    if reverse:
        _rendre_a_nouveau(*(pk_set or ()))
    else:
        _rendre_a_nouveau(instance.pk)


def _qpv_des_orientations(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        _rendre_a_nouveau(instance.contrat_id)
    elif pk_set:
        _rendre_a_nouveau(*Orientation.objects.filter(pk__in=pk_set).values_list("contrat_id", flat=True))


def connecter() -> None:
    """Appelé une fois, par contrats.apps.ContratsConfig.ready."""
    post_save.connect(_contrat, sender=ContratDeVille, dispatch_uid="pdf-contrat-contrat")
    suivis = [
        (Signataire, _partie),
        (Section, _partie),
        (Orientation, _partie),
        (InstanceGouvernance, _partie),
        (Concertation, _partie),
        (Avenant, _partie),
        (Engagement, _engagement),
        (InstanceGouvernance.reunions.rel.related_model, _reunion),
        (Contribution, _contribution),
    ]
    for modele, recepteur in suivis:
        uid = f"pdf-contrat-{modele._meta.label_lower}"
        post_save.connect(recepteur, sender=modele, dispatch_uid=uid)
        post_delete.connect(recepteur, sender=modele, dispatch_uid=uid)
    post_save.connect(_organisation, sender=Organisation, dispatch_uid="pdf-contrat-organisation")
    for relation in (ContratDeVille.qpv.through, ContratDeVille.communes.through):
        m2m_changed.connect(
            _qpv_ou_communes_du_contrat, sender=relation, dispatch_uid=f"pdf-contrat-{relation._meta.label_lower}"
        )
    m2m_changed.connect(
        _qpv_des_orientations, sender=Orientation.qpv.through, dispatch_uid="pdf-contrat-orientation-qpv"
    )
