import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template import Context, Template

pytestmark = pytest.mark.django_db

GABARIT = Template("{% load coville_layout %}{% messages_fermables %}")


def test_it_renders_messages_as_dsfr_alerts_with_a_close_button_without_inline_script():
    html = GABARIT.render(Context({"messages": [Message(constants.SUCCESS, "Invitation envoyée.")]}))
    assert "fr-alert fr-alert--success" in html
    assert "Invitation envoyée." in html
    assert "data-coville-fermer" in html
    assert "onclick" not in html


def test_it_escapes_what_a_user_typed_in_a_message():
    html = GABARIT.render(Context({"messages": [Message(constants.INFO, "Bienvenue <script>alert(1)</script>")]}))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_it_renders_nothing_without_messages():
    assert GABARIT.render(Context({})) == ""
