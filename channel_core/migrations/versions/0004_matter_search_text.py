"""matter search text

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:40:00.000000

Adds `matters.search_text` and fills it for the matters already filed, with the catalog the
portal is configured with (PORTAL_CONTENT_DIR) for the labels of chosen choices.
"""
import logging

from alembic import op
import sqlalchemy as sa
import channel_core.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BATCH = 2000
log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    _fill(op.get_bind())


def _services() -> dict:
    from channel_core.catalog.catalog import Catalog
    from channel_core.catalog.loader import ContentError
    from channel_core.config import PortalConfig

    try:
        return dict(Catalog.from_dir(PortalConfig.from_env().content_dir).services)
    except (ContentError, OSError) as exc:  # still searchable by number, contact and values
        log.warning("search text filled without choice labels: %s", exc)
        return {}


def _fill(conn) -> None:
    from channel_core.matters.search import search_text

    matters = sa.table('matters', sa.column('id', sa.Integer), sa.column('number', sa.String),
                       sa.column('service_id', sa.String), sa.column('contact_name', sa.String),
                       sa.column('contact_phone', sa.String), sa.column('fields', sa.JSON),
                       sa.column('search_text', sa.Text))
    set_text = (sa.update(matters).where(matters.c.id == sa.bindparam('b_id'))
                .values(search_text=sa.bindparam('b_text')))
    services = None
    last = 0
    while True:
        rows = conn.execute(sa.select(matters).where(matters.c.id > last)
                            .order_by(matters.c.id).limit(BATCH)).all()
        if not rows:
            return
        if services is None:
            services = _services()
        conn.execute(set_text, [
            {'b_id': r.id, 'b_text': search_text(services.get(r.service_id), r.number,
                                                 r.contact_name, r.contact_phone, r.fields)}
            for r in rows])
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_column('search_text')
