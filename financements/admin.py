"""Administration des appels à projets et des dossiers : consultation ; les états, montants et décisions ne
changent que par les services (journalisés), jamais ici. Importé par contrats/admin.py."""

from django.contrib import admin

from financements.models import (
    AppelAProjets,
    CompteRendu,
    Convention,
    Dossier,
    FinanceurAppel,
    JournalAppel,
    JournalDossier,
    RappelCompteRendu,
    RappelDossier,
    Reversement,
    Versement,
)


class FinanceurAppelEnLigne(admin.TabularInline):
    model = FinanceurAppel
    raw_id_fields = ["organisation"]
    extra = 0


@admin.register(AppelAProjets)
class AppelAProjetsAdmin(admin.ModelAdmin):
    list_display = ["titre", "contrat", "annee", "ouverture", "cloture", "publie_le"]
    list_filter = ["annee"]
    search_fields = ["titre", "contrat__code", "contrat__nom"]
    raw_id_fields = ["contrat", "cree_par"]
    exclude = ["priorites", "qpv"]
    inlines = [FinanceurAppelEnLigne]


class LectureSeule(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(LectureSeule):
    list_display = ["titre", "structure", "appel", "statut", "issue", "montant_demande", "montant_accorde"]
    list_filter = ["statut", "issue", "convention_requise", "collectif"]
    search_fields = ["titre", "structure__raison_sociale"]
    list_select_related = ["structure", "appel"]
    raw_id_fields = ["appel", "structure", "cree_par"]
    exclude = ["priorites", "qpv"]


@admin.register(JournalDossier)
class JournalDossierAdmin(LectureSeule):
    list_display = ["dossier", "date", "evenement", "de_statut", "a_statut", "auteur"]
    list_select_related = ["dossier", "auteur"]
    raw_id_fields = ["dossier", "auteur"]


@admin.register(JournalAppel)
class JournalAppelAdmin(LectureSeule):
    """Les modifications des appels publiés (dates, priorités, financeurs, enveloppes ; prolongations, clôtures
    anticipées) : écrites par les services, lues ici."""

    list_display = ["appel", "cree_le", "evenement", "auteur", "motif"]
    list_filter = ["evenement"]
    list_select_related = ["appel", "auteur"]
    raw_id_fields = ["appel", "auteur"]


@admin.register(RappelDossier)
class RappelDossierAdmin(LectureSeule):
    """Les rappels par date déjà envoyés (financements/taches.py) : chacun une fois."""

    list_display = ["dossier", "motif", "echeance", "nombre_destinataires", "envoye_le"]
    list_filter = ["motif"]
    list_select_related = ["dossier"]
    raw_id_fields = ["dossier"]


@admin.register(Convention)
class ConventionAdmin(LectureSeule):
    """Consultation : une convention ne change que par ses pages (préparation, signatures), journalisées."""

    list_display = ["__str__", "structure", "annee_debut", "nombre_annees", "statut"]
    list_filter = ["statut", "nombre_annees", "type_subvention"]
    search_fields = ["structure__raison_sociale", "objet"]
    list_select_related = ["structure"]
    raw_id_fields = ["structure", "cree_par", "dossiers"]


@admin.register(CompteRendu)
class CompteRenduAdmin(LectureSeule):
    """Consultation : un compte-rendu ne change que par ses pages (préparation, dépôt, avis), journalisées."""

    list_display = ["__str__", "annee", "statut", "depose_le"]
    list_filter = ["statut", "annee"]
    search_fields = ["convention__structure__raison_sociale"]
    list_select_related = ["convention__structure"]
    raw_id_fields = ["convention", "depose_par"]


@admin.register(RappelCompteRendu)
class RappelCompteRenduAdmin(LectureSeule):
    """Les rappels de compte-rendu déjà envoyés (financements/taches.py) : chacun une fois."""

    list_display = ["convention", "annee", "motif", "nombre_destinataires", "envoye_le"]
    list_filter = ["motif", "annee"]
    list_select_related = ["convention__structure"]
    raw_id_fields = ["convention"]


@admin.register(Versement)
class VersementAdmin(LectureSeule):
    """Consultation : un versement ne change que par les pages de la convention (agents du financeur), journalisées."""

    list_display = ["convention", "financeur", "annee", "nature", "montant", "statut", "date_prevue", "paye_le"]
    list_filter = ["statut", "nature"]
    list_select_related = ["convention__structure", "financeur"]
    raw_id_fields = ["convention", "financeur", "cree_par"]
    exclude = ["iban"]


@admin.register(Reversement)
class ReversementAdmin(LectureSeule):
    list_display = ["convention", "financeur", "annee", "montant", "statut", "demande_le", "rembourse_le"]
    list_filter = ["statut"]
    list_select_related = ["convention__structure", "financeur"]
    raw_id_fields = ["convention", "financeur", "compte_rendu", "cree_par"]
