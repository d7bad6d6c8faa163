"""Open311 GeoReport v2 facade: 311 clients list services, file and track matters.

Mounted by `create_app` from `channel_core.open311.views:bp` under /open311/v2.
"""
