"""URL helpers shared by the blueprints."""
from urllib.parse import urlsplit


def safe_next(target):
    """``target`` when it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
