"""Rasa input channels: the WeChat official-account connector and the staff-reply relay."""
