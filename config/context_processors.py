from types import SimpleNamespace

from django.conf import settings

# Les gabarits de django-dsfr lisent SITE_CONFIG ; on le fournit sans requête SQL (au lieu du modèle DsfrConfig).
_SITE_CONFIG = SimpleNamespace(
    site_title=settings.PLATEFORME_NOM,
    site_tagline=settings.PLATEFORME_SLOGAN,
    header_brand_html="République<br>Française",
    footer_brand_html="République<br>Française",
    footer_brand="République française",
    footer_description=(
        "Coville aide les collectivités, l'État, les associations et acteurs de l'économie sociale et "
        "solidaire et les habitants à co-construire, financer, suivre et évaluer les contrats de ville."
    ),
    beta_tag=True,
    mourning=False,
    notice_title="",
    notice_description="",
    operator_logo_file=None,
    operator_logo_alt="",
    operator_logo_width=0,
    accessibility_status="NOT",
    get_accessibility_status_display="non",
)


def plateforme(request):
    return {"SITE_CONFIG": _SITE_CONFIG}
