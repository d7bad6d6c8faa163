"""The console's pages, one module per area; importing them registers their routes."""

from console.views import (  # noqa: F401
    audit,
    auth,
    content,
    content_items,
    dashboard,
    desk,
    finance,
    matter,
    medication,
    merchant,
    queue,
    workflows,
)
