"""Elder care (§5.4.3): the daily "I'm OK" check-in and the matter raised when one is missed;
medication reminders set up by care staff and sent to the household's TV inbox."""
