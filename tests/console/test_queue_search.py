"""Finding matters in the queue by a word of the request, a service title in any language,
a number, phone or name; and "due today" meaning before midnight in the community's time
zone, not yet overdue. Run on SQLite and again on PostgreSQL (the search is plain SQL LIKE
over a stored, folded text)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from channel_render.clock import COMMUNITY_TZ
from tests.conftest import client_for, staff_client
from tests.console.conftest import console_sign_in, sample_fields


def _repair(app, description: str, *, category: str = "plumbing", phone: str = "13800000002",
            name: str = "李建国", location: str = "3号楼2单元501"):
    c = client_for(app, "kiosk")
    fields = {**sample_fields(c.service("property.repair")), "description": description,
              "category": category, "location": location}
    return c.submit_matter("property.repair", fields, "kiosk",
                           contact={"name": name, "phone": phone}).number


def _found(staff, q: str, **filters) -> set[str]:
    return {i["number"] for i in staff.queue(q=q, per_page=100, **filters)["items"]}


def _page_numbers(html: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-number="(\d{9})"', html)


def test_a_word_from_the_description_finds_the_matter(any_app):
    leak = _repair(any_app, "厨房水管漏水，地上全是水", location="5号楼1单元302")
    lights = _repair(any_app, "楼道灯不亮，已经两天了", category="electrical")
    english = _repair(any_app, "Water is LEAKING under the kitchen sink", name="Anna Smith")
    staff = staff_client(any_app, "zhang.wei")
    assert _found(staff, "漏水") == {leak}
    assert _found(staff, "灯不亮") == {lights}
    assert _found(staff, "5号楼") == {leak}  # a word of another field (the location)
    # English words, whatever their case; several words must all be present.
    assert _found(staff, "leaking") == {english}
    assert _found(staff, "Kitchen SINK") == {english}
    assert _found(staff, "kitchen 漏水") == set()
    assert _found(staff, "anna") == {english}


def test_the_chosen_choice_is_found_by_its_label_in_any_language(any_app):
    pipes = _repair(any_app, "需要维修", category="plumbing")
    wires = _repair(any_app, "需要维修", category="electrical")
    staff = staff_client(any_app, "zhang.wei")
    assert _found(staff, "水管") == {pipes}          # 水管/下水
    assert _found(staff, "照明") == {wires}          # 电路/照明
    assert _found(staff, "pipes or drains") == {pipes}


def test_a_service_title_in_any_of_the_three_languages(any_app):
    repair = _repair(any_app, "门坏了", category="door_window")
    kiosk = client_for(any_app, "kiosk")
    complaint = kiosk.submit_matter("property.complaint",
                                    sample_fields(kiosk.service("property.complaint")),
                                    "kiosk").number
    staff = staff_client(any_app, "zhang.wei")
    for title in ("物业报修", "物業報修", "report a REPAIR", "报修"):
        found = _found(staff, title)
        assert repair in found and complaint not in found, title
    # A title word and a word of the request together.
    assert _found(staff, "报修 门坏了") == {repair}


def test_number_phone_and_name_still_find_it(any_app):
    mine = _repair(any_app, "马桶堵了", phone="13912345678", name="王秀英")
    _repair(any_app, "马桶堵了", phone="13800000002", name="李建国")
    staff = staff_client(any_app, "zhang.wei")
    assert _found(staff, mine) == {mine}
    assert _found(staff, "13912345678") == {mine}
    assert _found(staff, "139 1234 5678") == {mine}  # typed in groups
    assert _found(staff, "+86 139-1234-5678") == {mine}  # as caller ID shows it
    assert _found(staff, "+8613912345678") == {mine}
    assert _found(staff, "１３９１２３４５６７８") == {mine}  # full-width digits
    assert _found(staff, "王秀英") == {mine}
    # LIKE's wildcards are searched for literally, not as wildcards.
    assert _found(staff, "%") == set() and _found(staff, "马_堵") == set()


def test_a_search_never_reaches_another_department_or_an_id_number(any_app):
    kiosk = client_for(any_app, "kiosk")
    fields = sample_fields(kiosk.service("payment.card-loss"))
    lost = kiosk.submit_matter("payment.card-loss", {**fields, "name": "赵漏水"}, "kiosk").number
    property_staff = staff_client(any_app, "zhang.wei")
    assert lost not in _found(property_staff, "赵漏水")
    finance = staff_client(any_app, "finance")
    assert _found(finance, "赵漏水") == {lost}
    # The ID-card number is not searchable: a search must not confirm whose ID it is.
    assert _found(finance, fields["id_number"]) == set()
    assert _found(finance, fields["id_number"][:10]) == set()


def test_the_queue_page_searches_by_text(app):
    leak = _repair(app, "卫生间天花板漏水")
    _repair(app, "楼道灯不亮", category="electrical")
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei", lang="en")
    assert _page_numbers(tc.get("/console/queue?q=漏水").text) == [leak]
    page = tc.get("/console/queue?q=Report+a+repair").text
    assert leak in _page_numbers(page) and len(_page_numbers(page)) == 2
    assert "a word from the request" in page  # the search box says what it searches


def test_a_common_word_is_counted_only_up_to_a_cap(app, monkeypatch):
    """Counting every hit of a common word on each page would read every matter."""
    from channel_core.api import matter_views
    from console.views import queue as queue_page

    monkeypatch.setattr(matter_views, "SEARCH_COUNT_CAP", 2)
    made = [_repair(app, "楼道漏水") for _ in range(3)]
    staff = staff_client(app, "zhang.wei")
    out = staff.queue(q="漏水", per_page=2)
    assert out["total"] == 2 and out["total_capped"] is True and len(out["items"]) == 2
    # A part-filled last page tells the exact total without counting.
    out = staff.queue(q="漏水", per_page=2, page=2)
    assert out["total"] == 3 and out["total_capped"] is False
    assert staff.queue(q="漏水", per_page=10)["total"] == 3
    assert staff.queue(q=made[0])["total"] == 1
    monkeypatch.setattr(queue_page, "PER_PAGE", 2)
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei", lang="en", step=1)  # the current code was used above
    assert "Matters: more than 2. Add a word to narrow the search." in (
        tc.get("/console/queue?q=漏水").text)


@pytest.mark.postgres
def test_matters_filed_before_the_search_column_are_found_after_migrating(pg_url):
    """The migration fills the search text of matters already in the database."""
    from channel_core.migrate import upgrade
    from tests.conftest import _seeded_app

    upgrade(pg_url, "0003")
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO workflow_snapshots (hash, name, definition, created_at) "
                             "VALUES ('h', 'report', '{}', now())")
        conn.exec_driver_sql(
            "INSERT INTO matters (id, number, service_id, family, workflow, workflow_hash, state,"
            " is_open, department, channel, lang, contact_name, contact_phone, fields, escalated,"
            " overdue, version, created_at, updated_at) VALUES (1, '100000015', 'property.repair',"
            " 'property', 'report', 'h', 'accepted', true, 'property-office', 'kiosk', 'zh_CN',"
            " '王秀英', '13800000001', '{\"category\": \"plumbing\", \"description\": "
            "\"阳台下水道漏水\", \"id_number\": \"11010519491231002X\"}', false, false, 1, now(),"
            " now())")
    upgrade(pg_url)
    with engine.connect() as conn:
        text = conn.exec_driver_sql("SELECT search_text FROM matters").scalar_one()
    engine.dispose()
    assert "漏水" in text and "水管/下水" in text and "pipes or drains" in text
    assert "100000015" in text and "13800000001" in text
    assert "11010519491231002x" not in text
    app = _seeded_app(pg_url, create_schema=False)
    try:
        assert _found(staff_client(app, "zhang.wei"), "下水道漏水") == {"100000015"}
    finally:
        app.extensions["portal"].db.dispose()


# --- due today ---------------------------------------------------------------------------

def _set_clock(app, number: str, due_at: datetime, *, overdue: bool = False,
               is_open: bool = True) -> None:
    from channel_core.matters.models import Matter

    matters = Matter.__table__
    with app.extensions["portal"].db.engine.begin() as conn:
        conn.execute(sa.update(matters).where(matters.c.number == number)
                     .values(due_at=due_at, overdue=overdue, is_open=is_open))


def test_due_today_means_before_midnight_in_the_community_and_not_yet_overdue(any_app):
    now = datetime.now(UTC)
    midnight = datetime.combine(now.astimezone(COMMUNITY_TZ).date() + timedelta(days=1),
                                time.min, COMMUNITY_TZ).astimezone(UTC)
    if midnight - now < timedelta(minutes=2):
        pytest.skip("too close to midnight in Shanghai to place a clock before it")
    today = _repair(any_app, "今天到期")
    tomorrow = _repair(any_app, "明天凌晨到期")  # within 24 hours, but after midnight
    late = _repair(any_app, "已过期限")  # its deadline passed; the SLA job has not run yet
    flagged = _repair(any_app, "已标记逾期")
    closed = _repair(any_app, "已办结")
    _set_clock(any_app, today, now + (midnight - now) / 2)
    _set_clock(any_app, tomorrow, midnight + timedelta(minutes=1))
    _set_clock(any_app, late, now - timedelta(minutes=1))
    _set_clock(any_app, flagged, now + (midnight - now) / 2, overdue=True)
    _set_clock(any_app, closed, now + (midnight - now) / 2, is_open=False)
    staff = staff_client(any_app, "zhang.wei")
    due = {i["number"] for i in staff.queue(sla="due_today", per_page=100)["items"]}
    assert due == {today}
    overdue = {i["number"] for i in staff.queue(sla="overdue", per_page=100)["items"]}
    assert flagged in overdue and today not in overdue


def test_due_today_follows_the_community_date_not_utc():
    """At 01:30 in Shanghai (17:30 UTC the day before), today ends 22.5 hours later."""
    from channel_core.api import matter_views

    now = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
    start, end = matter_views._today_left(now)
    assert start == now
    assert end == datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # 3 March 00:00 in Shanghai


def test_the_queue_page_filters_due_today(app):
    now = datetime.now(UTC)
    midnight = datetime.combine(now.astimezone(COMMUNITY_TZ).date() + timedelta(days=1),
                                time.min, COMMUNITY_TZ).astimezone(UTC)
    if midnight - now < timedelta(minutes=2):
        pytest.skip("too close to midnight in Shanghai to place a clock before it")
    today = _repair(app, "今天到期")
    tomorrow = _repair(app, "明天到期")
    _set_clock(app, today, now + (midnight - now) / 2)
    _set_clock(app, tomorrow, midnight + timedelta(minutes=1))
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei", lang="en")
    assert _page_numbers(tc.get("/console/queue?sla=due_today").text) == [today]
