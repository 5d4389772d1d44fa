"""WSGI entry point: ``gunicorn wsgi:app``."""
from safety_app import create_app

app = create_app()
