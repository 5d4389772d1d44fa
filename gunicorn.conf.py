"""gunicorn settings read automatically from the project directory (``gunicorn wsgi:app``).

gunicorn answers request lines above ``limit_request_line`` itself, with an HTML 400. The app
refuses targets above ``MAX_URL_LENGTH`` (4094) with its own answer (JSON 414 under /api/), so
gunicorn lets lines up to its maximum through; a proxy in front should allow at least as much.
"""
limit_request_line = 8190
