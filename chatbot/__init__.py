"""The chatbot channel: a Rasa 3.6 project, its action server and its input channels.

Runs in .venv-rasa (Python 3.10); talks to the core only through ``portal_client``.
"""
