"""The assembled portal server (core API + payments + channel blueprints) and the CLI."""
