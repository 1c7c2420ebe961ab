"""Les appels à projets, dossiers et leur instruction, repris de l'application `contrats` (qui les a créés
dans ses migrations 0003 et 0004) sans toucher aux tables : création dans l'état seulement, `db_table`
gardés. Les types de contenu sont renommés sur place, si bien que les permissions et le journal de
l'administration suivent les modèles.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELES = ['appelaprojets', 'financeurappel', 'dossier', 'coporteur', 'lignebudget', 'financement', 'piecejointe', 'journaldossier', 'message', 'noteinstruction', 'avisinstruction', 'decisionfinanceur']


def renommer_types_de_contenu(apps, schema_editor, depuis="contrats", vers="financements"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    base = schema_editor.connection.alias
    anciens = ContentType.objects.using(base).filter(app_label=depuis, model__in=MODELES)
    # Un type déjà créé sous le nouveau nom (sans permission ni journal) céderait la place à l'ancien.
    ContentType.objects.using(base).filter(
        app_label=vers, model__in=anciens.values_list("model", flat=True)
    ).delete()
    anciens.update(app_label=vers)


def revenir(apps, schema_editor):
    renommer_types_de_contenu(apps, schema_editor, depuis="financements", vers="contrats")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('acteurs_ess', '0002_index_ordre_alphabetique'),
        ('comptes', '0002_territoire_des_organisations'),
        ('contrats', '0005_financements_deplaces'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('territoires', '0004_nom_recherche'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='AppelAProjets',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('titre', models.CharField(max_length=255, verbose_name='titre')),
                        ('annee', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2024), django.core.validators.MaxValueValidator(2040)], verbose_name='année')),
                        ('description', models.TextField(blank=True, verbose_name='présentation')),
                        ('ouverture', models.DateField(verbose_name='ouverture des dépôts')),
                        ('cloture', models.DateField(help_text='Dernier jour pour déposer un dossier.', verbose_name='clôture des dépôts')),
                        ('pieces_demandees', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('statuts', 'Statuts de la structure'), ('rib', "Relevé d'identité bancaire (RIB)"), ('attestation', "Attestation sur l'honneur"), ('comptes', 'Derniers comptes approuvés'), ('rapport_activite', "Dernier rapport d'activité"), ('bilan', 'Compte-rendu financier (CERFA 15059)'), ('autre', 'Autre document')], max_length=20), blank=True, default=list, size=None, verbose_name='pièces demandées')),
                        ('reponses_collectives', models.BooleanField(default=True, help_text='Plusieurs structures déposent ensemble un projet (co-porteurs), comme le demande le RTES.', verbose_name='réponses collectives encouragées')),
                        ('modalites_collectives', models.TextField(blank=True, verbose_name='comment les réponses collectives sont favorisées')),
                        ('publie_le', models.DateTimeField(blank=True, null=True, verbose_name='publié le')),
                        ('cree_le', models.DateTimeField(default=django.utils.timezone.now, verbose_name='créé le')),
                        ('contrat', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appels_a_projets', to='contrats.contratdeville', verbose_name='contrat')),
                        ('cree_par', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='créé par')),
                        ('priorites', models.ManyToManyField(blank=True, db_table='contrats_appelaprojets_priorites', related_name='appels_a_projets', to='contrats.orientation', verbose_name='priorités (orientations, objectifs)')),
                        ('qpv', models.ManyToManyField(blank=True, db_table='contrats_appelaprojets_qpv', related_name='appels_a_projets', to='territoires.qpv', verbose_name='QPV éligibles')),
                    ],
                    options={
                        'verbose_name': 'appel à projets',
                        'verbose_name_plural': 'appels à projets',
                        'db_table': 'contrats_appelaprojets',
                        'ordering': ['-annee', 'titre'],
                    },
                ),
                migrations.CreateModel(
                    name='Dossier',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('titre', models.CharField(max_length=255, verbose_name='intitulé du projet')),
                        ('description', models.TextField(blank=True, verbose_name='description du projet')),
                        ('objectifs', models.TextField(blank=True, verbose_name='objectifs')),
                        ('tranches_age', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('enfants', 'Enfants (moins de 12 ans)'), ('adolescents', 'Adolescents (12-17 ans)'), ('jeunes', 'Jeunes adultes (18-25 ans)'), ('adultes', 'Adultes (26-64 ans)'), ('seniors', 'Personnes âgées (65 ans et plus)')], max_length=20), blank=True, default=list, size=None, verbose_name="public : tranches d'âge")),
                        ('part_femmes', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(100)], verbose_name='part de femmes attendue (%)')),
                        ('nombre_personnes', models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(1000000)], verbose_name='nombre de personnes concernées')),
                        ('date_debut', models.DateField(blank=True, null=True, verbose_name="début de l'action")),
                        ('date_fin', models.DateField(blank=True, null=True, verbose_name="fin de l'action")),
                        ('renouvellement', models.BooleanField(default=False, help_text='Sinon, première demande.', verbose_name='renouvellement')),
                        ('nombre_annees', models.PositiveSmallIntegerField(default=1, help_text="1 pour une action annuelle ; jusqu'à 4 pour une action pluriannuelle (CPO).", validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='durée (années)')),
                        ('fonds_propres', models.DecimalField(decimal_places=2, default=0, max_digits=12, validators=[django.core.validators.MinValueValidator(0, message='Un montant ne peut pas être négatif.'), django.core.validators.MaxValueValidator(10000000, message="Un montant de plus de 10 millions d'euros n'est pas plausible ici.")], verbose_name='fonds propres')),
                        ('autres_financements', models.DecimalField(decimal_places=2, default=0, help_text='FSE+, fondations, mécénat, autres financeurs publics…', max_digits=12, validators=[django.core.validators.MinValueValidator(0, message='Un montant ne peut pas être négatif.'), django.core.validators.MaxValueValidator(10000000, message="Un montant de plus de 10 millions d'euros n'est pas plausible ici.")], verbose_name='autres financements (hors plateforme)')),
                        ('statut', models.CharField(choices=[('brouillon', 'Brouillon'), ('depose', 'Déposé'), ('en_instruction', 'En instruction'), ('correction_demandee', 'Correction demandée'), ('decide', 'Décidé'), ('conventionne', 'Conventionné'), ('en_cours', 'En cours'), ('bilan_depose', 'Bilan déposé'), ('clos', 'Clos')], db_index=True, default='brouillon', max_length=20, verbose_name='état')),
                        ('issue', models.CharField(blank=True, choices=[('finance', 'Financé'), ('partiellement_finance', 'Partiellement financé'), ('non_finance', 'Non financé')], max_length=25, verbose_name='issue')),
                        ('montant_demande', models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name='montant demandé (€)')),
                        ('montant_accorde', models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name='montant accordé (€)')),
                        ('convention_requise', models.BooleanField(default=False, verbose_name='convention obligatoire (plus de 23 000 € par an)')),
                        ('collectif', models.BooleanField(default=False, verbose_name='réponse collective')),
                        ('porteur_ess', models.BooleanField(default=True, help_text="Forme juridique de l'ESS (association, coopérative, mutuelle, fondation, société de l'ESS).", verbose_name="porté par une structure de l'ESS")),
                        ('financeurs_ids', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), blank=True, default=list, editable=False, size=None)),
                        ('depose_le', models.DateTimeField(blank=True, null=True, verbose_name='déposé le')),
                        ('decide_le', models.DateTimeField(blank=True, null=True, verbose_name='décidé le')),
                        ('conventionne_le', models.DateField(blank=True, null=True, verbose_name='conventionné le')),
                        ('cree_le', models.DateTimeField(default=django.utils.timezone.now, verbose_name='créé le')),
                        ('modifie_le', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                        ('appel', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='dossiers', to='financements.appelaprojets', verbose_name='appel')),
                        ('cree_par', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='créé par')),
                        ('priorites', models.ManyToManyField(blank=True, db_table='contrats_dossier_priorites', related_name='dossiers', to='contrats.orientation', verbose_name="priorités de l'appel visées")),
                        ('qpv', models.ManyToManyField(blank=True, db_table='contrats_dossier_qpv', related_name='dossiers', to='territoires.qpv', verbose_name='QPV concernés')),
                        ('structure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='dossiers', to='acteurs_ess.structure', verbose_name='structure porteuse')),
                    ],
                    options={
                        'verbose_name': 'dossier',
                        'db_table': 'contrats_dossier',
                        'ordering': ['-cree_le', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CoPorteur',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(blank=True, max_length=255, verbose_name='rôle dans le projet')),
                        ('invite_le', models.DateTimeField(default=django.utils.timezone.now, verbose_name='invitée le')),
                        ('confirme_le', models.DateTimeField(blank=True, null=True, verbose_name='confirmé le')),
                        ('confirme_par', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('structure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='co_portages', to='acteurs_ess.structure', verbose_name='structure')),
                        ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='co_porteurs', to='financements.dossier', verbose_name='dossier')),
                    ],
                    options={
                        'verbose_name': 'co-porteur',
                        'db_table': 'contrats_coporteur',
                        'ordering': ['structure__raison_sociale'],
                    },
                ),
                migrations.CreateModel(
                    name='AvisInstruction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sens', models.CharField(choices=[('favorable', 'Favorable'), ('reserve', 'Réservé'), ('defavorable', 'Défavorable')], max_length=12, verbose_name='avis')),
                        ('montant_propose', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0, message='Un montant ne peut pas être négatif.'), django.core.validators.MaxValueValidator(10000000, message="Un montant de plus de 10 millions d'euros n'est pas plausible ici.")], verbose_name='montant proposé (€)')),
                        ('commentaire', models.TextField(blank=True, verbose_name='motivation')),
                        ('cree_le', models.DateTimeField(default=django.utils.timezone.now, verbose_name='donné le')),
                        ('auteur', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='comptes.organisation', verbose_name='service')),
                        ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='avis', to='financements.dossier', verbose_name='dossier')),
                    ],
                    options={
                        'verbose_name': "avis d'instruction",
                        'verbose_name_plural': "avis d'instruction",
                        'db_table': 'contrats_avisinstruction',
                        'ordering': ['organisation__nom'],
                    },
                ),
                migrations.CreateModel(
                    name='Financement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('montant_demande', models.DecimalField(decimal_places=2, max_digits=12, validators=[django.core.validators.MinValueValidator(0, message='Un montant ne peut pas être négatif.'), django.core.validators.MaxValueValidator(10000000, message="Un montant de plus de 10 millions d'euros n'est pas plausible ici.")], verbose_name='montant demandé (€)')),
                        ('montant_accorde', models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=12, null=True, verbose_name='montant accordé (€)')),
                        ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='financements', to='financements.dossier', verbose_name='dossier')),
                        ('financeur', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='financements', to='comptes.organisation', verbose_name='financeur')),
                    ],
                    options={
                        'verbose_name': 'financement demandé',
                        'verbose_name_plural': 'financements demandés',
                        'db_table': 'contrats_financement',
                        'ordering': ['financeur__nom'],
                    },
                ),
                migrations.CreateModel(
                    name='DecisionFinanceur',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('montant', models.DecimalField(decimal_places=2, max_digits=12, validators=[django.core.validators.MinValueValidator(0, message='Un montant ne peut pas être négatif.'), django.core.validators.MaxValueValidator(10000000, message="Un montant de plus de 10 millions d'euros n'est pas plausible ici.")], verbose_name='montant accordé (€)')),
                        ('reference', models.CharField(blank=True, max_length=100, verbose_name='référence de la décision')),
                        ('nature', models.CharField(choices=[('aide en numéraire', 'Aide en numéraire'), ('aide en nature', 'Aide en nature')], default='aide en numéraire', max_length=20, verbose_name="nature de l'aide")),
                        ('conditions_versement', models.CharField(choices=[('unique', 'Versement unique'), ('échelonné', 'Versement échelonné')], default='unique', max_length=10, verbose_name='conditions de versement')),
                        ('motif', models.TextField(blank=True, verbose_name='motivation')),
                        ('decide_le', models.DateTimeField(default=django.utils.timezone.now, verbose_name='décidé le')),
                        ('decide_par', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('financement', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='decision', to='financements.financement', verbose_name='financement')),
                    ],
                    options={
                        'verbose_name': "décision d'un financeur",
                        'verbose_name_plural': 'décisions des financeurs',
                        'db_table': 'contrats_decisionfinanceur',
                    },
                ),
                migrations.CreateModel(
                    name='FinanceurAppel',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('enveloppe', models.DecimalField(decimal_places=2, max_digits=12, validators=[django.core.validators.MinValueValidator(0, message='Un montant ne peut pas être négatif.'), django.core.validators.MaxValueValidator(10000000, message="Un montant de plus de 10 millions d'euros n'est pas plausible ici.")], verbose_name='enveloppe (€)')),
                        ('dispositif', models.CharField(blank=True, help_text='Par exemple « Crédits politique de la ville (BOP 147) ».', max_length=255, verbose_name="dispositif d'aide")),
                        ('appel', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='financeurs', to='financements.appelaprojets', verbose_name='appel')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='participations_appels', to='comptes.organisation', verbose_name='financeur')),
                    ],
                    options={
                        'verbose_name': "financeur de l'appel",
                        'verbose_name_plural': "financeurs de l'appel",
                        'db_table': 'contrats_financeurappel',
                        'ordering': ['organisation__nom'],
                    },
                ),
                migrations.CreateModel(
                    name='JournalDossier',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date')),
                        ('de_statut', models.CharField(blank=True, choices=[('brouillon', 'Brouillon'), ('depose', 'Déposé'), ('en_instruction', 'En instruction'), ('correction_demandee', 'Correction demandée'), ('decide', 'Décidé'), ('conventionne', 'Conventionné'), ('en_cours', 'En cours'), ('bilan_depose', 'Bilan déposé'), ('clos', 'Clos')], max_length=20, verbose_name='état précédent')),
                        ('a_statut', models.CharField(blank=True, choices=[('brouillon', 'Brouillon'), ('depose', 'Déposé'), ('en_instruction', 'En instruction'), ('correction_demandee', 'Correction demandée'), ('decide', 'Décidé'), ('conventionne', 'Conventionné'), ('en_cours', 'En cours'), ('bilan_depose', 'Bilan déposé'), ('clos', 'Clos')], max_length=20, verbose_name='nouvel état')),
                        ('evenement', models.CharField(max_length=255, verbose_name='événement')),
                        ('motif', models.TextField(blank=True, verbose_name='motif')),
                        ('auteur', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='journal', to='financements.dossier', verbose_name='dossier')),
                    ],
                    options={
                        'verbose_name': 'entrée du journal du dossier',
                        'verbose_name_plural': 'journal des dossiers',
                        'db_table': 'contrats_journaldossier',
                        'ordering': ['-date', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='LigneBudget',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sens', models.CharField(choices=[('charge', 'Charges'), ('produit', 'Produits')], max_length=10, verbose_name='charge ou produit')),
                        ('compte', models.CharField(choices=[('60', '60 — Achats'), ('61', '61 — Services extérieurs'), ('62', '62 — Autres services extérieurs'), ('63', '63 — Impôts et taxes'), ('64', '64 — Charges de personnel'), ('65', '65 — Autres charges de gestion courante'), ('66', '66 — Charges financières'), ('67', '67 — Charges exceptionnelles'), ('68', '68 — Dotations aux amortissements'), ('86', '86 — Emplois des contributions volontaires en nature'), ('70', '70 — Ventes de produits finis, prestations de services'), ('74', "74 — Subventions d'exploitation"), ('75', '75 — Autres produits de gestion courante'), ('76', '76 — Produits financiers'), ('77', '77 — Produits exceptionnels'), ('78', '78 — Reprises sur amortissements et provisions'), ('87', '87 — Contributions volontaires en nature')], max_length=2, verbose_name='compte')),
                        ('libelle', models.CharField(blank=True, max_length=255, verbose_name='libellé')),
                        ('montant', models.DecimalField(decimal_places=2, max_digits=12, validators=[django.core.validators.MinValueValidator(0, message='Un montant ne peut pas être négatif.'), django.core.validators.MaxValueValidator(10000000, message="Un montant de plus de 10 millions d'euros n'est pas plausible ici.")], verbose_name='montant (€)')),
                        ('ordre', models.PositiveSmallIntegerField(default=0, verbose_name='ordre')),
                        ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lignes_budget', to='financements.dossier', verbose_name='dossier')),
                        ('financeur', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='comptes.organisation', verbose_name='financeur (ligne 74)')),
                    ],
                    options={
                        'verbose_name': 'ligne du budget',
                        'verbose_name_plural': 'lignes du budget',
                        'db_table': 'contrats_lignebudget',
                        'ordering': ['sens', 'compte', 'ordre', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Message',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('texte', models.TextField(verbose_name='message')),
                        ('cree_le', models.DateTimeField(default=django.utils.timezone.now, verbose_name='envoyé le')),
                        ('auteur', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='financements.dossier', verbose_name='dossier')),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='comptes.organisation', verbose_name='au nom de')),
                    ],
                    options={
                        'verbose_name': 'message',
                        'db_table': 'contrats_message',
                        'ordering': ['cree_le', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='NoteInstruction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('texte', models.TextField(verbose_name='note')),
                        ('cree_le', models.DateTimeField(default=django.utils.timezone.now, verbose_name='écrite le')),
                        ('auteur', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='financements.dossier', verbose_name='dossier')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='comptes.organisation', verbose_name='service')),
                    ],
                    options={
                        'verbose_name': "note d'instruction",
                        'verbose_name_plural': "notes d'instruction",
                        'db_table': 'contrats_noteinstruction',
                        'ordering': ['cree_le', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='PieceJointe',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('type', models.CharField(choices=[('statuts', 'Statuts de la structure'), ('rib', "Relevé d'identité bancaire (RIB)"), ('attestation', "Attestation sur l'honneur"), ('comptes', 'Derniers comptes approuvés'), ('rapport_activite', "Dernier rapport d'activité"), ('bilan', 'Compte-rendu financier (CERFA 15059)'), ('autre', 'Autre document')], max_length=20, verbose_name='type de document')),
                        ('chemin', models.CharField(editable=False, max_length=255, verbose_name='chemin dans le stockage')),
                        ('nom', models.CharField(max_length=255, verbose_name='nom du fichier')),
                        ('taille', models.PositiveIntegerField(verbose_name='taille (octets)')),
                        ('type_mime', models.CharField(max_length=100, verbose_name='type MIME')),
                        ('deposee_le', models.DateTimeField(default=django.utils.timezone.now, verbose_name='déposée le')),
                        ('deposee_par', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='déposée par')),
                        ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pieces', to='financements.dossier', verbose_name='dossier')),
                        ('message', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='pieces', to='financements.message', verbose_name='message')),
                    ],
                    options={
                        'verbose_name': 'pièce jointe',
                        'verbose_name_plural': 'pièces jointes',
                        'db_table': 'contrats_piecejointe',
                        'ordering': ['type', 'deposee_le'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='appelaprojets',
                    constraint=models.CheckConstraint(condition=models.Q(('cloture__gte', models.F('ouverture'))), name='appel_periode'),
                ),
                migrations.AddIndex(
                    model_name='dossier',
                    index=models.Index(fields=['appel', 'statut'], name='dossier_appel_statut'),
                ),
                migrations.AddIndex(
                    model_name='dossier',
                    index=models.Index(fields=['structure', 'statut'], name='dossier_structure_statut'),
                ),
                migrations.AddIndex(
                    model_name='dossier',
                    index=django.contrib.postgres.indexes.GinIndex(fields=['financeurs_ids'], name='dossier_financeurs'),
                ),
                migrations.AddIndex(
                    model_name='dossier',
                    index=models.Index(fields=['-depose_le', '-id'], name='dossier_ordre_depot'),
                ),
                migrations.AddConstraint(
                    model_name='dossier',
                    constraint=models.CheckConstraint(condition=models.Q(('date_fin__isnull', True), ('date_debut__isnull', True), ('date_fin__gte', models.F('date_debut')), _connector='OR'), name='dossier_dates'),
                ),
                migrations.AddConstraint(
                    model_name='coporteur',
                    constraint=models.UniqueConstraint(fields=('dossier', 'structure'), name='co_porteur_unique'),
                ),
                migrations.AddConstraint(
                    model_name='avisinstruction',
                    constraint=models.UniqueConstraint(fields=('dossier', 'organisation'), name='avis_unique'),
                ),
                migrations.AddIndex(
                    model_name='financement',
                    index=models.Index(fields=['financeur', 'dossier'], name='financement_financeur'),
                ),
                migrations.AddConstraint(
                    model_name='financement',
                    constraint=models.UniqueConstraint(fields=('dossier', 'financeur'), name='financement_unique'),
                ),
                migrations.AddConstraint(
                    model_name='financement',
                    constraint=models.CheckConstraint(condition=models.Q(('montant_demande__gte', 0)), name='financement_montant_positif'),
                ),
                migrations.AddConstraint(
                    model_name='decisionfinanceur',
                    constraint=models.CheckConstraint(condition=models.Q(('montant__gte', 0)), name='decision_montant_positif'),
                ),
                migrations.AddConstraint(
                    model_name='financeurappel',
                    constraint=models.UniqueConstraint(fields=('appel', 'organisation'), name='financeur_appel_unique'),
                ),
                migrations.AddConstraint(
                    model_name='financeurappel',
                    constraint=models.CheckConstraint(condition=models.Q(('enveloppe__gte', 0)), name='financeur_appel_enveloppe_positive'),
                ),
                migrations.AddConstraint(
                    model_name='lignebudget',
                    constraint=models.CheckConstraint(condition=models.Q(('montant__gte', 0), ('montant__lte', 10000000)), name='ligne_budget_montant'),
                ),
            ],
        ),
        migrations.RunPython(renommer_types_de_contenu, revenir),
    ]
