"""Bearer tokens: who each one stands for, read in one statement, refused when it should be."""

from datetime import timedelta

from sqlalchemy import event, select, update

from channel_core.db import utcnow
from channel_core.identity import service as identity
from channel_core.identity.models import ApiToken, Resident, StaffUser
from channel_core.identity.secrets import token_digest


def _ids(session):
    resident = session.scalars(select(Resident).order_by(Resident.id)).first()
    staff = session.scalars(select(StaffUser).where(StaffUser.active.is_(True))
                            .order_by(StaffUser.id)).first()
    return resident, staff


def test_each_kind_of_token_resolves_in_one_statement(any_app):
    db = any_app.extensions["portal"].db
    with db.session() as s:
        resident, staff = _ids(s)
        tokens = {
            "resident": identity.issue_token(s, "resident", resident.id, 600, channel="tv"),
            "staff": identity.issue_token(s, "staff", staff.id, 600),
            "channel": identity.issue_token(s, "channel", None, None, channel="hotline"),
        }
        expect = {"resident": (resident.id, resident.name, resident.household_id),
                  "staff": (staff.id, staff.name, staff.department, staff.role_set)}
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.session() as s:
        res = identity.actor_for_token(s, tokens["resident"])
        st = identity.actor_for_token(s, tokens["staff"])
        ch = identity.actor_for_token(s, tokens["channel"])
    assert len([sql for sql in statements if "api_tokens" in sql]) == 3
    assert not [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")
                and "api_tokens" not in sql]
    assert res is not None and res.kind == "resident" and res.channel == "tv"
    assert (res.id, res.name, res.household_id) == expect["resident"]
    assert res.roles == frozenset({"resident"})
    assert st is not None and st.kind == "staff"
    assert (st.id, st.name, st.department, st.roles) == expect["staff"]
    assert ch is not None and (ch.kind, ch.channel) == ("channel", "hotline")


def test_unknown_revoked_expired_and_inactive_tokens_are_refused(any_app):
    db = any_app.extensions["portal"].db
    with db.session() as s:
        resident, staff = _ids(s)
        revoked = identity.issue_token(s, "resident", resident.id, 600)
        expired = identity.issue_token(s, "resident", resident.id, 600)
        inactive = identity.issue_token(s, "staff", staff.id, 600)
        orphan = identity.issue_token(s, "resident", 999_999, 600)
    with db.session() as s:
        identity.revoke_token(s, revoked)
        s.execute(update(ApiToken).where(ApiToken.token_hash == token_digest(expired))
                  .values(expires_at=utcnow() - timedelta(seconds=1)))
    with db.session() as s:
        assert identity.actor_for_token(s, "no-such-token") is None
        assert identity.actor_for_token(s, revoked) is None
        assert identity.actor_for_token(s, expired) is None
        assert identity.actor_for_token(s, orphan) is None
        assert identity.actor_for_token(s, inactive) is not None
        s.get(StaffUser, staff.id).active = False
        s.flush()
        assert identity.actor_for_token(s, inactive) is None
        later = utcnow() + timedelta(seconds=601)
        fresh = identity.issue_token(s, "resident", resident.id, 600)
        assert identity.actor_for_token(s, fresh) is not None
        assert identity.actor_for_token(s, fresh, now=later) is None
