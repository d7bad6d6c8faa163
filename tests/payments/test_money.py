"""Money: integer minor units with a currency; bad amounts are refused, never rounded."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.errors import InvalidAmount, UnknownCurrency
from payments.money import MAX_MINOR, Money


@pytest.mark.parametrize("text,minor", [("12.30", 1230), ("0.01", 1), ("7", 700), ("1000.5", 100050)])
def test_parse_decimal_strings(text, minor):
    assert Money.parse(text, "CNY") == Money(minor, "CNY")


@pytest.mark.parametrize("bad", ["0", "0.00", "-1", "1.234", "1e3", "abc", "", " ", "1,00", 12.3, 12, None])
def test_bad_amounts_are_refused(bad):
    with pytest.raises(InvalidAmount):
        Money.parse(bad, "CNY")


def test_precision_follows_the_currency():
    assert Money.parse("1500", "JPY") == Money(1500, "JPY")
    with pytest.raises(InvalidAmount):
        Money.parse("1.5", "JPY")


def test_unknown_currency_and_limits():
    with pytest.raises(UnknownCurrency):
        Money.parse("1.00", "XXX")
    with pytest.raises(InvalidAmount):
        Money.of_minor(MAX_MINOR + 1, "CNY")
    with pytest.raises(InvalidAmount):
        Money.of_minor(True, "CNY")
    with pytest.raises(TypeError):
        Money(1.5, "CNY")  # type: ignore[arg-type]


def test_formatting_per_language():
    m = Money(123456, "CNY")
    assert m.text() == "1234.56"
    assert m.format("en") == "CN¥1,234.56"
    assert m.format("zh_CN") == "¥1,234.56"


@given(st.integers(min_value=1, max_value=MAX_MINOR))
def test_text_round_trips(minor):
    m = Money(minor, "CNY")
    assert Money.parse(m.text(), "CNY") == m
