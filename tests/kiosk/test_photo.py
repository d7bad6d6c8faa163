"""Photo fields at the kiosk: the resident's phone scans a QR, the core's upload page takes
the photo, the kiosk sees it arrive; refused files, removal, language, outages, expiry."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from qt_common.fields.photo import PhotoByPhone
from tests.kiosk.conftest import EVERY_FIELD, settle
from tests.kiosk.drive import find, tap
from tests.kiosk.test_flows import phone_posts, png_bytes, send_photo_from_phone


def _photo_editor(kiosk) -> PhotoByPhone:
    kiosk.go("form", service_id=EVERY_FIELD)
    editor = kiosk.screens["form"].form.editors["f_photo"]
    assert isinstance(editor, PhotoByPhone) and editor.can_collect()
    return editor


def test_the_phone_sends_a_photo_and_the_kiosk_confirms_it(kiosk, qtbot, server):
    editor = _photo_editor(kiosk)
    start = find(editor, "photo_start_f_photo", QPushButton)
    assert start.isVisible() and start.text() == "用手机拍照上传"
    tap(qtbot, start)
    qtbot.waitUntil(lambda: bool(editor.qr.data), timeout=10000)
    assert editor.qr.isVisible() and "扫描二维码" in editor.instructions.text()
    assert not start.isVisible()
    # Something that is not a picture is refused by the upload page; the kiosk keeps waiting.
    assert phone_posts(server.url, editor.qr.data, b"not a picture", "notes.txt") == 400
    qtbot.wait(600)  # several polls
    assert editor.value() is None and editor.waiting_for_phone
    assert phone_posts(server.url, editor.qr.data, png_bytes("blue")) == 200
    qtbot.waitUntil(lambda: editor.value() is not None, timeout=10000)
    assert editor.confirmation.text().startswith("✓ 已收到照片")
    assert editor.display_value() == "已附照片" and not editor.waiting_for_phone
    tap(qtbot, find(kiosk, "lang_en", QPushButton))
    assert editor.confirmation.text().startswith("✓ Photo received")
    assert editor.display_value() == "Photo attached"
    # Remove it: the field is empty again and can be sent anew.
    tap(qtbot, find(editor, "photo_remove_f_photo", QPushButton))
    assert editor.value() is None and find(editor, "photo_start_f_photo").isVisible()
    second = send_photo_from_phone(qtbot, kiosk, editor, png_bytes("green"))
    assert second.startswith("upload:")


def test_replace_and_stop_keep_the_photo_already_received(kiosk, qtbot, server):
    editor = _photo_editor(kiosk)
    first = send_photo_from_phone(qtbot, kiosk, editor)
    tap(qtbot, find(editor, "photo_replace_f_photo", QPushButton))
    qtbot.waitUntil(lambda: bool(editor.qr.data), timeout=10000)
    tap(qtbot, find(editor, "photo_stop_f_photo", QPushButton))
    assert editor.value() == first and editor.confirmation.isVisible()
    assert editor.qr.data == ""


def test_no_server_no_qr_but_a_clear_message(kiosk, qtbot, server):
    editor = _photo_editor(kiosk)
    server.stop()
    tap(qtbot, find(editor, "photo_start_f_photo", QPushButton))
    settle(qtbot, kiosk)
    assert editor.status.text() == kiosk.ctx.language.t("qt", "photo.unavailable")
    assert editor.qr.data == "" and editor.value() is None
    server.start()
    send_photo_from_phone(qtbot, kiosk, editor)


def test_a_qr_nobody_uses_expires(kiosk, qtbot, server):
    form = _photo_editor(kiosk).field
    editor = PhotoByPhone(form, kiosk.ctx.language, None, kiosk.ctx.backend,
                          kiosk.ctx.worker.run, poll_s=0.2, wait_s=1.0)
    qtbot.addWidget(editor)
    editor.start()
    qtbot.waitUntil(lambda: bool(editor.qr.data), timeout=10000)
    qtbot.waitUntil(lambda: not editor.waiting_for_phone, timeout=10000)
    assert editor.status.text() == kiosk.ctx.language.t("qt", "photo.expired")
    assert editor.qr.data == "" and editor.value() is None


def test_idle_reset_forgets_the_photo(kiosk, qtbot, server):
    editor = _photo_editor(kiosk)
    send_photo_from_phone(qtbot, kiosk, editor)
    kiosk.reset_session()
    settle(qtbot, kiosk)
    form = kiosk.screens["form"].form
    assert form is None or form.editors["f_photo"].value() is None
