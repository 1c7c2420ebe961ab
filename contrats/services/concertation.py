"""La concertation : ouverture par la collectivité porteuse, contributions des publics choisis, analyse,
réponse publique (notifiée par e-mail), modération, et rappel de sa fin à ses publics."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from config.lib import courriels
from contrats.models import (
    Concertation,
    ContratDeVille,
    Contribution,
    JournalContribution,
    Orientation,
    Public,
    RappelConcertation,
    Section,
    StatutContrat,
    StatutContribution,
    VersionSection,
)
from contrats.models.concertation import STATUTS_REPONDUS, TRANSITIONS_CONTRIBUTION
from contrats.permissions import peut_animer_concertation, peut_moderer, profil, refus_contribution
from contrats.selectors import emails_des_publics
from contrats.services.journal import journaliser_modification
from contrats.services.sections import integrer
from contrats.texte import contenu_dangereux

REFUS_ANIMATION = "Seuls les agents de la collectivité porteuse animent la concertation de ce contrat."


@transaction.atomic
def ouvrir(
    contrat: ContratDeVille,
    auteur,
    titre: str,
    debut: date,
    fin: date,
    publics: Iterable[str],
    sections: Iterable[Section] = (),
    orientations: Iterable[Orientation] = (),
    description: str = "",
) -> Concertation:
    """Ouvre une concertation ; un contrat encore en élaboration passe « en concertation »."""
    if not peut_animer_concertation(auteur, contrat):
        raise PermissionDenied(REFUS_ANIMATION)
    if not contrat.en_redaction:
        raise ValidationError("Un contrat signé ne se concerte plus : ses changements passent par un avenant.")
    publics, sections, orientations = list(publics), list(sections), list(orientations)
    erreurs = []
    if not titre.strip():
        erreurs.append("Donnez un titre à la concertation.")
    if fin < debut:
        erreurs.append("La date de fin doit suivre la date de début.")
    if fin < timezone.localdate():
        erreurs.append("La date de fin est passée : la concertation ne recevrait aucune contribution.")
    if not publics or any(p not in Public.values for p in publics):
        erreurs.append("Choisissez au moins un public.")
    if not sections and not orientations:
        erreurs.append("Choisissez au moins une section ou une orientation soumise à la concertation.")
    if any(s.contrat_id != contrat.pk for s in sections) or any(o.contrat_id != contrat.pk for o in orientations):
        erreurs.append("Les sections et orientations doivent appartenir à ce contrat.")
    if erreurs:
        raise ValidationError(erreurs)
    concertation = Concertation.objects.create(
        contrat=contrat,
        titre=titre.strip(),
        description=description.strip(),
        debut=debut,
        fin=fin,
        publics=publics,
        ouverte_par=auteur,
    )
    concertation.sections.set(sections)
    concertation.orientations.set(orientations)
    if contrat.statut == StatutContrat.ELABORATION:
        contrat.changer_statut(
            auteur, StatutContrat.CONCERTATION, f"Ouverture de la concertation « {concertation.titre} »"
        )
    if concertation.debut <= timezone.localdate():
        annoncer(concertation)
    return concertation


def annoncer(concertation: Concertation) -> int:
    """Écrit à ses publics que la concertation est ouverte (une tâche par adresse, dans la transaction de
    l'appelant) et la marque annoncée. Rend le nombre de destinataires."""
    destinataires = emails_des_publics(concertation)
    contexte = {
        "concertation": concertation,
        "contrat": concertation.contrat,
        "lien": settings.SITE_URL.rstrip("/") + concertation.get_absolute_url(),
    }
    courriels.envoyer(
        f"Concertation ouverte : « {concertation.titre} » ({concertation.contrat.nom})",
        render_to_string("contrats/email/ouverture_concertation.txt", contexte),
        destinataires,
    )
    concertation.annoncee_le = timezone.now()
    concertation.save(update_fields=["annoncee_le"])
    return len(destinataires)


def annoncer_ouvertures(aujourd_hui: date | None = None) -> int:
    """Les concertations dont le début est arrivé et qui n'ont pas encore été annoncées à leurs publics (ouvertes
    à l'avance) : chacune annoncée une fois, sous verrou (deux workers ne l'annoncent pas deux fois). Rend le
    nombre de concertations annoncées."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    annoncees = 0
    a_annoncer = Concertation.objects.filter(
        annoncee_le__isnull=True, close_le__isnull=True, debut__lte=aujourd_hui, fin__gte=aujourd_hui
    ).values_list("pk", flat=True)
    for pk in list(a_annoncer):
        with transaction.atomic():
            concertation = (
                Concertation.objects.select_for_update(skip_locked=True)
                .select_related("contrat")
                .filter(pk=pk, annoncee_le__isnull=True)
                .first()
            )
            if concertation is None:
                continue
            annoncer(concertation)
            annoncees += 1
    return annoncees


@transaction.atomic
def modifier_dates(concertation: Concertation, auteur, debut: date, fin: date) -> Concertation:
    """Change les dates d'une concertation qui n'est pas close : la prolonger, l'écourter, ou décaler le début
    d'une concertation pas encore commencée. Au journal du contrat."""
    if not peut_animer_concertation(auteur, concertation.contrat):
        raise PermissionDenied(REFUS_ANIMATION)
    concertation = Concertation.objects.select_for_update().select_related("contrat").get(pk=concertation.pk)
    aujourd_hui = timezone.localdate()
    erreurs = []
    if concertation.close_le is not None:
        erreurs.append("Cette concertation est close : ses dates ne changent plus.")
    if concertation.debut <= aujourd_hui and debut != concertation.debut:
        erreurs.append(
            f"La concertation a commencé le {concertation.debut:%d/%m/%Y} : son début ne change plus, seule sa fin."
        )
    elif debut < aujourd_hui and debut != concertation.debut:
        erreurs.append("Le nouveau début est passé : choisissez aujourd'hui ou une date à venir.")
    if fin < debut:
        erreurs.append("La date de fin doit suivre la date de début.")
    if fin < aujourd_hui:
        erreurs.append("La date de fin est passée : pour arrêter la concertation, closez-la avec un motif.")
    if erreurs:
        raise ValidationError(erreurs)
    if (debut, fin) == (concertation.debut, concertation.fin):
        return concertation
    avant = f"du {concertation.debut:%d/%m/%Y} au {concertation.fin:%d/%m/%Y}"
    concertation.debut, concertation.fin = debut, fin
    concertation.save(update_fields=["debut", "fin"])
    journaliser_modification(
        concertation.contrat,
        auteur,
        f"Dates de la concertation « {concertation.titre} » : {avant} devient du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}",
    )
    if concertation.annoncee_le is None and debut <= aujourd_hui:
        annoncer(concertation)
    return concertation


@transaction.atomic
def clore(concertation: Concertation, auteur, motif: str) -> None:
    """Clôt la concertation avant ou à sa fin, avec le motif (au journal du contrat et sur sa page)."""
    if not peut_animer_concertation(auteur, concertation.contrat):
        raise PermissionDenied(REFUS_ANIMATION)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError("Indiquez pourquoi vous closez la concertation : le motif s'affiche sur sa page.")
    if concertation.close_le is not None:
        raise ValidationError("Cette concertation est déjà close.")
    concertation.close_le = timezone.now()
    concertation.close_par = auteur
    concertation.motif_cloture = motif
    concertation.save(update_fields=["close_le", "close_par", "motif_cloture"])
    journaliser_modification(concertation.contrat, auteur, f"Concertation « {concertation.titre} » close : {motif}")


@transaction.atomic
def contribuer(
    concertation: Concertation,
    auteur,
    texte: str,
    section: Section | None = None,
    orientation: Orientation | None = None,
    proposition: str = "",
    organisation=None,
) -> Contribution:
    """Dépose une contribution, si la concertation est ouverte à la personne et porte sur la cible."""
    refus = refus_contribution(auteur, concertation)
    if refus:
        raise PermissionDenied(refus)
    texte, proposition = (texte or "").strip(), (proposition or "").strip()
    if not texte:
        raise ValidationError("Écrivez votre contribution.")
    if contenu_dangereux(texte) or contenu_dangereux(proposition):
        raise ValidationError(
            "Votre contribution contient du code (script, lien « javascript: »…) qui n'est pas accepté : "
            "écrivez en texte simple. Votre texte est conservé ci-dessous."
        )
    if (section is None) == (orientation is None):
        raise ValidationError("Choisissez la section ou l'orientation sur laquelle vous contribuez.")
    if section is not None and not concertation.sections.filter(pk=section.pk).exists():
        raise ValidationError("Cette section n'est pas soumise à la concertation.")
    if orientation is not None and not concertation.orientations.filter(pk=orientation.pk).exists():
        raise ValidationError("Cette orientation n'est pas soumise à la concertation.")
    if (
        organisation is not None
        and organisation not in profil(auteur, concertation.contrat).organisations_contributrices
    ):
        raise ValidationError("Vous ne pouvez contribuer qu'au nom d'une organisation dont vous êtes membre.")
    contribution = Contribution.objects.create(
        concertation=concertation,
        section=section,
        orientation=orientation,
        auteur=auteur,
        organisation=organisation,
        texte=texte,
        proposition=proposition,
    )
    JournalContribution.objects.create(
        contribution=contribution, auteur=auteur, a_statut=StatutContribution.DEPOSEE, evenement="Déposée"
    )
    return contribution


def _refus_auteur(contribution: Contribution, auteur, action: str) -> None:
    """L'auteur modifie ou retire sa contribution tant qu'elle est « déposée » (personne ne l'a encore
    analysée) et que la concertation est ouverte ; personne d'autre ne le fait (PermissionDenied)."""
    if getattr(auteur, "pk", None) != contribution.auteur_id:
        raise PermissionDenied(f"Seul·e l'auteur·e d'une contribution peut la {action}.")
    if contribution.statut != StatutContribution.DEPOSEE:
        raise ValidationError(
            f"Votre contribution est « {contribution.get_statut_display().lower()} » : la collectivité l'a prise en "
            f"main, vous ne pouvez plus la {action}. Vous pouvez déposer une nouvelle contribution pour la compléter."
        )
    if not contribution.concertation.est_ouverte():
        raise ValidationError(f"La concertation est close : vous ne pouvez plus {action} votre contribution.")


@transaction.atomic
def modifier_contribution(contribution: Contribution, auteur, texte: str, proposition: str = "") -> Contribution:
    """L'auteur corrige sa contribution encore « déposée » ; le journal garde la trace de la modification."""
    contribution = Contribution.objects.select_for_update().select_related("concertation").get(pk=contribution.pk)
    _refus_auteur(contribution, auteur, "modifier")
    texte, proposition = (texte or "").strip(), (proposition or "").strip()
    if not texte:
        raise ValidationError("Écrivez votre contribution.")
    if contenu_dangereux(texte) or contenu_dangereux(proposition):
        raise ValidationError(
            "Votre contribution contient du code (script, lien « javascript: »…) qui n'est pas accepté : "
            "écrivez en texte simple. Votre texte est conservé ci-dessous."
        )
    if (texte, proposition) == (contribution.texte, contribution.proposition):
        return contribution
    contribution.texte, contribution.proposition = texte, proposition
    contribution.save(update_fields=["texte", "proposition"])
    JournalContribution.objects.create(contribution=contribution, auteur=auteur, evenement="Modifiée par son auteur")
    return contribution


@transaction.atomic
def retirer_contribution(contribution: Contribution, auteur) -> None:
    """L'auteur retire sa contribution encore « déposée » : personne ne l'a analysée ni n'y a répondu, elle
    disparaît avec son journal (rien ne s'y rattache encore)."""
    contribution = Contribution.objects.select_for_update().select_related("concertation").get(pk=contribution.pk)
    _refus_auteur(contribution, auteur, "retirer")
    contribution.delete()


def _verifier_transition(contribution: Contribution, nouveau: str) -> None:
    if nouveau not in StatutContribution.values:
        raise ValidationError("Cet état n'existe pas.")
    if nouveau not in TRANSITIONS_CONTRIBUTION[contribution.statut]:
        raise ValidationError(
            f"Une contribution « {contribution.get_statut_display()} » ne peut pas passer à "
            f"« {StatutContribution(nouveau).label} »."
        )


@transaction.atomic
def analyser(contribution: Contribution, auteur) -> None:
    """La contribution est prise en analyse par la collectivité porteuse."""
    if not peut_animer_concertation(auteur, contribution.concertation.contrat):
        raise PermissionDenied(REFUS_ANIMATION)
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    _verifier_transition(contribution, StatutContribution.EN_ANALYSE)
    ancien = contribution.statut
    contribution.statut = StatutContribution.EN_ANALYSE
    contribution.save(update_fields=["statut"])
    JournalContribution.objects.create(
        contribution=contribution, auteur=auteur, de_statut=ancien, a_statut=contribution.statut, evenement="En analyse"
    )


@transaction.atomic
def repondre(
    contribution: Contribution, auteur, statut: str, reponse: str, version: VersionSection | None = None
) -> Contribution:
    """Publie la réponse : retenue, partiellement retenue ou non retenue, toujours motivée. Une contribution
    retenue peut être reliée tout de suite à la version de section qui l'a prise en compte. L'auteur est
    prévenu par e-mail une fois la réponse enregistrée."""
    contrat = contribution.concertation.contrat
    if not peut_animer_concertation(auteur, contrat):
        raise PermissionDenied(REFUS_ANIMATION)
    reponse = (reponse or "").strip()
    if statut not in STATUTS_REPONDUS:
        raise ValidationError("Choisissez si la contribution est retenue, partiellement retenue ou non retenue.")
    if not reponse:
        raise ValidationError(
            "La réponse publique est obligatoire : expliquez à la personne ce que devient sa contribution "
            "(et, si elle n'est pas retenue, pourquoi)."
        )
    if contenu_dangereux(reponse):
        raise ValidationError("La réponse contient du code qui n'est pas accepté : écrivez en texte simple.")
    verrouillee = (
        Contribution.objects.select_for_update().select_related("auteur", "concertation").get(pk=contribution.pk)
    )
    _verifier_transition(verrouillee, statut)
    if version is not None and statut not in (StatutContribution.RETENUE, StatutContribution.PARTIELLEMENT_RETENUE):
        raise ValidationError("Seule une contribution retenue est reliée à une version de section.")
    ancien = verrouillee.statut
    verrouillee.statut = statut
    verrouillee.reponse = reponse
    verrouillee.repondue_le = timezone.now()
    verrouillee.repondue_par = auteur
    verrouillee.save(update_fields=["statut", "reponse", "repondue_le", "repondue_par"])
    JournalContribution.objects.create(
        contribution=verrouillee,
        auteur=auteur,
        de_statut=ancien,
        a_statut=statut,
        evenement=f"Réponse publiée : {StatutContribution(statut).label.lower()}",
    )
    if version is not None:
        integrer(verrouillee, version, auteur)
    notifier_reponse(verrouillee)
    contribution.__dict__.update(verrouillee.__dict__)
    return verrouillee


def notifier_reponse(contribution: Contribution) -> None:
    """Prévient l'auteur par e-mail que sa contribution a reçu une réponse publique."""
    contrat = contribution.concertation.contrat
    lien = settings.SITE_URL.rstrip("/") + reverse("contrats:contributions_publiques", args=[contrat.code])
    contexte = {"contribution": contribution, "contrat": contrat, "lien": f"{lien}#contribution-{contribution.pk}"}
    courriels.envoyer(
        f"Réponse à votre contribution sur le contrat de ville {contrat.nom}",
        render_to_string("contrats/email/reponse_contribution.txt", contexte),
        [contribution.auteur.email],
    )


@transaction.atomic
def masquer(contribution: Contribution, auteur, motif: str) -> None:
    """Masque une contribution abusive sur les pages publiques ; elle reste au dossier, avec le motif."""
    if not peut_moderer(auteur, contribution.concertation.contrat):
        raise PermissionDenied("Seuls les agents de la collectivité porteuse et les administrateurs modèrent.")
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError("Indiquez le motif du masquage : il est conservé au dossier.")
    if contribution.masquee:
        raise ValidationError("Cette contribution est déjà masquée.")
    contribution.masquee = True
    contribution.motif_masquage = motif
    contribution.masquee_le = timezone.now()
    contribution.masquee_par = auteur
    contribution.save(update_fields=["masquee", "motif_masquage", "masquee_le", "masquee_par"])
    JournalContribution.objects.create(contribution=contribution, auteur=auteur, evenement=f"Masquée : {motif}")


JOURS_AVANT_FIN = 3


def concertations_a_rappeler(aujourd_hui: date) -> QuerySet[Concertation]:
    """Les concertations ouvertes qui se terminent dans les trois jours (aujourd'hui compris), pas encore rappelées
    pour cette date de fin."""
    deja = RappelConcertation.objects.filter(concertation=OuterRef("pk"), fin=OuterRef("fin"))
    return (
        Concertation.objects.filter(
            close_le__isnull=True,
            debut__lte=aujourd_hui,
            fin__range=(aujourd_hui, aujourd_hui + timedelta(days=JOURS_AVANT_FIN)),
        )
        .exclude(Exists(deja))
        .select_related("contrat")
        .order_by("pk")
    )


def rappeler_fins_de_concertation(aujourd_hui: date | None = None) -> int:
    """Rappelle à ses publics qu'une concertation se termine dans trois jours, une fois par concertation et par
    date de fin (RappelConcertation, écrit avec ses e-mails : deux workers ne l'envoient pas deux fois). Rend le
    nombre de concertations rappelées."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    rappelees = 0
    for concertation in concertations_a_rappeler(aujourd_hui):
        destinataires = emails_des_publics(concertation)
        contexte = {
            "concertation": concertation,
            "contrat": concertation.contrat,
            "jours": (concertation.fin - aujourd_hui).days,
            "lien": settings.SITE_URL.rstrip("/") + concertation.get_absolute_url(),
        }
        try:
            with transaction.atomic():
                RappelConcertation.objects.create(
                    concertation=concertation, fin=concertation.fin, nombre_destinataires=len(destinataires)
                )
                courriels.envoyer(
                    f"La concertation « {concertation.titre} » se termine le {concertation.fin:%d/%m/%Y}",
                    render_to_string("contrats/email/rappel_fin_concertation.txt", contexte),
                    destinataires,
                )
        except IntegrityError:
            continue
        rappelees += 1
    return rappelees
