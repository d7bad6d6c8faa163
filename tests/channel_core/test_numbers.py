"""Matter numbers: the Damm check digit catches every single-digit error and adjacent swap."""

from hypothesis import given
from hypothesis import strategies as st

from channel_core.matters import numbers


@given(st.integers(min_value=1, max_value=89_999_998))
def test_roundtrip(seq):
    n = numbers.encode(seq)
    assert len(n) == 9 and n.isdigit()
    assert numbers.is_valid(n)
    assert numbers.decode(n) == seq


@given(st.integers(min_value=1, max_value=89_999_998), st.integers(0, 8), st.integers(1, 9))
def test_single_digit_errors_detected(seq, pos, delta):
    n = numbers.encode(seq)
    wrong = n[:pos] + str((int(n[pos]) + delta) % 10) + n[pos + 1:]
    assert not numbers.is_valid(wrong)


@given(st.integers(min_value=1, max_value=89_999_998), st.integers(0, 7))
def test_adjacent_transpositions_detected(seq, pos):
    n = numbers.encode(seq)
    if n[pos] == n[pos + 1]:
        return
    swapped = n[:pos] + n[pos + 1] + n[pos] + n[pos + 2:]
    assert not numbers.is_valid(swapped)


def test_spoken_and_typed_forms():
    n = numbers.encode(42)
    spaced = " ".join(numbers.spoken_groups(n))
    assert numbers.is_valid(spaced)
    assert numbers.normalize(f"{n[:3]}-{n[3:6]}-{n[6:]}") == n
    assert not numbers.is_valid("12345")
    assert not numbers.is_valid("１００００００４２")  # full-width digits are not accepted silently
