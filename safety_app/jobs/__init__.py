"""Scheduled jobs."""


def init_app(app):
    """Attach the scheduler to the app."""
