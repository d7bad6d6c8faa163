"""The staff console: a Flask blueprint mounted by the portal under /console.

Staff, merchants and finance work matters, desks, dashboards, content, workflow templates
and settlement here. It reaches the core only through `portal_client`, calling the portal's
own API in-process with the signed-in member's bearer token (see console.app.init_app).
"""
