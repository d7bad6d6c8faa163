"""Elder care (§5.4.3): the daily "I'm OK" check-in and the matter raised when one is missed."""
