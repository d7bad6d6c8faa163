"""The agents' queue (§10.1.2): callers waiting for a person, as the hotline reports them,
and the agent who picks each one up."""
