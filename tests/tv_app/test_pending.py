"""The box's durable queue: one active SOS, one check-in a day, survives reopening."""

from __future__ import annotations

import threading

from tv_app.pending import ACKNOWLEDGED, CLOSED, QUEUED, RAISED, PendingActions


def test_one_active_sos_even_from_two_threads(tmp_path):
    q = PendingActions(tmp_path / "q.sqlite3")
    results = []
    threads = [threading.Thread(target=lambda: results.append(q.raise_sos("zh_CN")))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    refs = {a.client_ref for a, _ in results}
    assert len(refs) == 1 and sum(created for _, created in results) == 1
    (ref,) = refs
    q.update(ref, state=RAISED, matter_number="100000011")
    q.update(ref, state=ACKNOWLEDGED)
    assert q.raise_sos("zh_CN")[0].client_ref == ref  # still being handled
    q.update(ref, state=CLOSED)
    again, created = q.raise_sos("zh_CN")
    assert created and again.client_ref != ref  # a new emergency is a new SOS
    q.close()


def test_queue_survives_reopening_and_orders_sos_first(tmp_path):
    path = tmp_path / "q.sqlite3"
    q = PendingActions(path)
    checkin, created = q.check_in("2026-11-24", "zh_CN")
    assert created and not q.check_in("2026-11-24", "zh_CN")[1]
    sos, _ = q.raise_sos("zh_CN")
    q.attempted(sos.client_ref, "connection refused")
    q.close()
    q = PendingActions(path)
    queued = q.queued()
    assert [a.kind for a in queued] == ["sos", "checkin"]
    assert queued[0].attempts == 1 and queued[0].state == QUEUED
    assert q.active_sos().client_ref == sos.client_ref
    q.close()
