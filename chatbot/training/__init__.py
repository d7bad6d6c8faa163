"""Training-data generation (catalog → NLU, chatbot.po → responses) and cached training."""
