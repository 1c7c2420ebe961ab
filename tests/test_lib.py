from decimal import Decimal

from config.lib.euros import euros


def test_it_formats_amounts_in_french():
    assert euros(Decimal("1234567.5")) == "1\u202f234\u202f567,50 €"
