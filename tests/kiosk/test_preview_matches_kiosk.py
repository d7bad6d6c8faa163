"""The console's kiosk preview of a service is the kiosk's form: the same fields in the same
order (those the content hides on the kiosk left out), each with the editor of the kind the
preview names (a photo: the kiosk's own QR-by-phone editor)."""

from __future__ import annotations

import pytest

from console import preview
from portal_client.i18n import pick
from qt_common.fields import base as editors
from qt_common.fields.photo import PhotoByPhone
from tests.conftest import client_for
from tests.kiosk.conftest import EVERY_FIELD


@pytest.mark.parametrize("service_id", [EVERY_FIELD, "property.repair"])
def test_the_kiosk_preview_is_the_kiosks_form(kiosk, portal_app, service_id):
    body = client_for(portal_app, "kiosk").get(f"/api/v1/services/{service_id}")
    shown = preview.kiosk_form(body, "zh_CN")
    kiosk.go("form", service_id=service_id)
    rows = list(kiosk.screens["form"].form.rows.values())
    assert len(rows) >= 4
    assert [pick(r.field.label, "zh_CN") for r in rows] == [f.label for f in shown]
    assert [r.field.required for r in rows] == [f.required for f in shown]
    for row, field in zip(rows, shown, strict=True):
        if field.kind == "photo":
            assert isinstance(row.editor, PhotoByPhone)
        else:
            assert type(row.editor) is editors._REGISTRY[field.kind], (field.label, field.kind)
        assert field.options == tuple(pick(c.label, "zh_CN") for c in row.field.choices)
