"""How a catalog service comes across on each medium, free of any UI toolkit.

The channels present services with what is here (the hotline speaks `phone` prompts, the
chatbot sends `chat` prompts, the TV asks with a `remote` plan, the kiosk picks a `touch`
editor per field), and the console's content editor previews a service with the very same
functions, so a preview cannot drift from what residents meet. Only portal_client's typed
messages and translations are used: no Qt, no Flask, no Twilio, no Rasa (Python 3.10).
"""

from channel_render.bounds import resolve_date_bound

__all__ = ["resolve_date_bound"]
