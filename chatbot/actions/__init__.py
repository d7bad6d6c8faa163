"""The action server: ``rasa run actions --actions chatbot.actions`` (cwd chatbot/, PYTHONPATH=repo).

rasa_sdk imports every submodule and registers each Action subclass it finds.
"""
