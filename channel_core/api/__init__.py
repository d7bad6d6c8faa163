"""The core REST API (`/api/v1`), built by `create_app(config)`."""

from channel_core.api.app import create_app, start_jobs

__all__ = ["create_app", "start_jobs"]
