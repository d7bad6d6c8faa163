"""The TV's screens; each is one level of the Back hierarchy."""
