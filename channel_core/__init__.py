"""Channel core: one catalog, tracked matters, workflows, identity and notifications."""
