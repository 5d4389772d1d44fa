"""What travels over the wire: compressed responses and static files that are cached for a year.

- Pages and API answers (HTML, JSON; CSS, JS and SVG too) are compressed with Brotli or
  gzip, whichever the browser takes (Flask-Compress, ``Vary: Accept-Encoding``). Their
  ``Cache-Control: no-store`` (``web.security_headers``) is unchanged.
- Static files get content-hashed names: ``url_for('static', filename='css/app.css')``
  gives ``/static/css/app.<12 hex digits>.css``, the digits being the start of the file's
  SHA-256, computed once when the app starts. A hashed name never changes content, so it
  is served with ``Cache-Control: public, max-age=31536000, immutable``; a new file means
  a new name in the pages. The plain name (or a hash that is no longer current) still
  answers, with a five-minute cache. The files are compressed once, at start-up, at the
  strongest levels; the view picks the encoding the browser accepts. A static answer
  neither reads nor sets the session cookie, so it does not vary by ``Cookie`` either
  (browsers would otherwise fetch the file again whenever the session cookie changes).
"""
import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import brotli
from flask import Response, abort, request
from flask.sessions import SecureCookieSessionInterface
from flask_compress import Compress

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
HASH_LENGTH = 12
HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{HASH_LENGTH}}})(?P<suffix>\.[^./]+)$")
COMPRESSED_TYPES = ("text/html", "application/json", "text/css", "text/javascript", "application/javascript",
                    "image/svg+xml")
ENCODINGS = ("br", "gzip")  # in the server's order of preference
MIN_SIZE = 500  # bytes; smaller bodies are sent as they are


@dataclass(frozen=True)
class Asset:
    name: str  # relative to the static folder, with "/"
    hashed: str
    digest: str
    mimetype: str
    modified: datetime
    bodies: dict = field(repr=False)  # encoding ("" = identity) → bytes


def _hashed_name(name, digest):
    path = Path(name)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}")) if path.suffix else f"{name}.{digest}"


def _load(folder, path):
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    name = path.relative_to(folder).as_posix()
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    bodies = {"": data}
    if mimetype in COMPRESSED_TYPES and len(data) >= MIN_SIZE:
        bodies["br"] = brotli.compress(data, quality=11)
        bodies["gzip"] = gzip.compress(data, compresslevel=9, mtime=0)
    modified = datetime.fromtimestamp(int(path.stat().st_mtime), UTC)
    return Asset(name, _hashed_name(name, digest), digest, mimetype, modified, bodies)


class Assets:
    """The static folder as read at start-up: every file with its hash and compressed forms."""

    def __init__(self, folder):
        self.folder = Path(folder)
        assets = [_load(self.folder, p) for p in sorted(self.folder.rglob("*")) if p.is_file()]
        self.by_name = {a.name: a for a in assets}
        self.by_hashed = {a.hashed: a for a in assets}

    def url_name(self, filename):
        """The hashed name of a static file (unknown files keep their name)."""
        asset = self.by_name.get(filename)
        return asset.hashed if asset else filename

    def serve(self, filename):
        asset, cache = self.by_hashed.get(filename), IMMUTABLE
        if asset is None:
            cache = SHORT
            asset = self.by_name.get(filename)
            if asset is None and (m := HASHED.match(filename)):  # an earlier version's name
                asset = self.by_name.get(m["stem"] + m["suffix"])
        if asset is None:
            abort(404)
        encoding = ""
        if len(asset.bodies) > 1:
            encoding = request.accept_encodings.best_match(ENCODINGS) or ""
        response = Response(asset.bodies[encoding], mimetype=asset.mimetype)
        if encoding:
            response.headers["Content-Encoding"] = encoding
        if len(asset.bodies) > 1:
            response.vary.add("Accept-Encoding")
        response.set_etag(f"{asset.digest}-{encoding or 'identity'}")
        response.last_modified = asset.modified
        response.headers["Cache-Control"] = cache
        return response.make_conditional(request)


class SessionInterface(SecureCookieSessionInterface):
    """The cookie session, left alone by static files (Flask-Login looks at the session after
    every request, which would add ``Vary: Cookie`` to them)."""

    def save_session(self, app, session, response):
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def install(app):
    """Compression for every response and the hashed static files (call once the blueprints exist)."""
    app.config.setdefault("COMPRESS_MIMETYPES", list(COMPRESSED_TYPES))
    app.config.setdefault("COMPRESS_ALGORITHM", list(ENCODINGS))
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", list(ENCODINGS))
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)  # 0.5 ms for an 80 KB page (level 5: 0.8 ms, 8 % smaller)
    app.config.setdefault("COMPRESS_LEVEL", 6)
    app.config.setdefault("COMPRESS_MIN_SIZE", MIN_SIZE)
    app.config.setdefault("COMPRESS_STREAMING_ENDPOINT_CONDITIONAL", [])
    Compress(app)

    assets = Assets(app.static_folder)
    app.extensions["static_assets"] = assets

    @app.url_defaults
    def hashed_static_names(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = assets.url_name(values["filename"])

    app.view_functions["static"] = assets.serve
    app.session_interface = SessionInterface()
