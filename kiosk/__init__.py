"""The lobby kiosk: a PySide6 touch app over the core, through portal_client only.

`kiosk.app.run(server_url, token, kiosk_id, location, offscreen_screenshot_dir=None, **settings)`
starts it (or renders screenshots offscreen); `kiosk.app.build(KioskConfig)` gives tests a window.

Start-up loads only what the first frame needs: the HTTP stack (requests) is imported on the
network worker when it first talks to the core, and the application-wide event filters (idle
clock, on-screen keyboard) are installed once the home screen is on screen
(bench/kiosk_startup.py).
"""
