"""Custom Rasa graph components used by chatbot/config.yml."""
