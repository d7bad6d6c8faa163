"""The device-side field checks refuse exactly what the core's validation refuses, so a
submission queued offline is not turned down when it is forwarded later."""

from __future__ import annotations

import string
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channel_core.config import ROOT
from channel_render.clock import community_today
from portal_client.types import Field
from qt_common.checks import refusal

VALID_ID = "11010519491231002X"


def _core_fields():
    """Every field of the project's catalog, as the core holds it and as a channel gets it."""
    from channel_core.catalog.loader import load_content

    tree = load_content(ROOT / "content")
    out = []
    for svc in tree.services.values():
        for fd in svc.fields:
            out.append((fd, Field.from_json(fd.model_dump(mode="json"))))
    return out


FIELDS = _core_fields()
CHECKED = [(fd, f) for fd, f in FIELDS
           if f.type in ("text", "longtext", "address", "phone", "idcard", "number", "money",
                         "date", "choice", "multichoice")]


def _core_accepts(fd, value) -> bool:
    from channel_core.matters.validate import FieldError, clean_field

    try:
        clean_field(fd, value)
    except FieldError:
        return False
    return True


def _agree(fd, f, value) -> None:
    core = _core_accepts(fd, value)
    here = refusal(f, value) is None
    assert here == core, f"{f.key} ({f.type}, pattern={f.pattern}) {value!r}: " \
                         f"core {'accepts' if core else 'refuses'}, device disagrees"


def test_the_catalog_has_patterns_and_every_checked_type():
    assert any(f.pattern for _fd, f in CHECKED)
    assert {"phone", "idcard", "money", "number", "date"} <= {f.type for _fd, f in CHECKED}


SAMPLES = {
    "phone": ["13800000009", "138 0000 0009", "12800000009", "1380000000", "010-12345678",
              "0755 1234567", "+8613800000009", "+86", "phone", ""],
    "idcard": [VALID_ID, VALID_ID.lower(), VALID_ID[:-1] + "1", "110105194913310025",
               "11010519491231002", "1101051949123100XX", "abc"],
    "number": ["1", "0", "-3", "2.5", "1,000", "abc", "1e3", "NaN", "99999999"],
    "money": ["1", "0", "-1", "12.34", "12.345", "0.01", "abc", "1000000"],
    "date": [(community_today() + timedelta(days=d)).isoformat()
             for d in (-400, -1, 0, 1, 30, 31, 400)] + ["2025-02-30", "tomorrow"],
}


def test_device_and_core_agree_on_samples_for_every_catalog_field():
    for fd, f in CHECKED:
        values = list(SAMPLES.get(f.type, ()))
        if f.type in ("text", "longtext", "address"):
            values += ["门前的路灯不亮", "A12", "a" * 201, "京A12345", "12345678", "x" * 2001, "Z7"]
        if f.type in ("choice", "multichoice"):
            values += [c.value for c in f.choices] + ["nope", [f.choices[0].value] * 2]
            if f.type == "multichoice":
                values += [[c.value for c in f.choices]]
        for value in values:
            _agree(fd, f, value)


PATTERNED = [(fd, f) for fd, f in CHECKED if f.pattern]
ALPHABET = string.ascii_letters + string.digits + "-+ 京沪粤X"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_device_and_core_agree_on_any_typed_text(data):
    fd, f = data.draw(st.sampled_from(PATTERNED + [(fd, f) for fd, f in CHECKED
                                                    if f.type in ("phone", "idcard")]))
    value = data.draw(st.text(alphabet=ALPHABET, max_size=22))
    if value.strip():
        _agree(fd, f, value)
