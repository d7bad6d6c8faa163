"""Dashboard figures computed in SQL, by Asia/Shanghai day, on both databases."""

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.channel_core.samples import sample_fields
from tests.conftest import client_for, staff_client


def test_summary_counts_days_states_ratings_and_sos(any_app):
    kiosk = client_for(any_app, "kiosk")
    kiosk.sign_in_card("A1B2C3D4", "135790")
    svc = kiosk.service("property.repair")
    numbers = [kiosk.submit_matter(svc.id, sample_fields(svc), "kiosk").number for _ in range(3)]
    tv = client_for(any_app, "tv")
    tv.sign_in_box("STB-DEMO-0001")
    sos = tv.submit_matter("gov.sos", {}, "tv").number
    staff = staff_client(any_app, "zhang.wei")
    n = numbers[0]
    for t, kw in (("dispatch", {}), ("start", {}), ("answer", {"note": "修好了"})):
        staff.transition(n, t, **kw)
    kiosk.transition(n, "close")
    kiosk.transition(n, "rate", rating=4)
    mine = staff.stats()
    assert mine["department"] == "property-office" and mine["total"] == 3
    assert mine["by_channel"] == {"kiosk": 3}
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert mine["by_day"] == {today: 3}
    assert mine["top_services"][0] == ["property.repair", 3]
    assert mine["ratings"] == {"4": 1} and mine["avg_rating"] == 4.0
    assert mine["sla"]["met"] == 1 and mine["sla"]["breached"] == 0
    assert {"accepted", "dispatched", "in_progress", "answered"} <= set(mine["avg_seconds_in_state"])
    everyone = staff_client(any_app, "admin").stats()
    assert everyone["total"] == 4 and everyone["by_family"] == {"property": 3, "gov": 1}
    assert [r["number"] for r in everyone["sos_log"]] == [sos]
