"""The JSON API (/api/v1)."""


def register_api(app):
    """Register the API blueprints."""
