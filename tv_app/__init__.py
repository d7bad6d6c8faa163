"""The TV app: a 10-foot PySide6 interface for elderly residents, driven by a remote.

Remote keys only (arrows, OK, Back, Home, digits, a red SOS key); household identity from
the set-top box; SOS with a durable retry queue, the daily "I'm OK" check-in, meals and
housekeeping orders, bills paid by a QR a family member scans, notices and matter status.
It talks to the core only through `portal_client` and draws with `qt_common`.
"""
