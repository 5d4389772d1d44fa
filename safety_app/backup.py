"""Backup and restore of everything the office relies on as evidence:
the database, the uploaded photos and evidence, and the issued PDFs.

A backup is one ``.tar.gz`` holding ``manifest.json``, the database
(SQLite online-backup copy, or ``pg_dump --format=custom`` for PostgreSQL),
``uploads/`` and ``reports/`` — the files of the storage backend
(``storage``: the local folders, or every object of the S3 bucket's two areas), restored
into whichever backend the app is configured with. It is written to a temporary file and renamed,
so a failed backup never leaves a half-written archive under the final name.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from . import storage
from .clock import utcnow
from .extensions import db
from .models import Attachment, Document, Event, Hazard, User

FORMAT = 1


class BackupError(RuntimeError):
    pass


def _counts():
    return {name: db.session.scalar(select(func.count()).select_from(model))
            for name, model in (("hazards", Hazard), ("events", Event), ("documents", Document),
                                ("attachments", Attachment), ("users", User))}


def _libpq_url(url):
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _dump_database(dest_dir):
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    kind = make_url(url).get_backend_name()
    if kind == "sqlite":
        target = dest_dir / "database.sqlite"
        source = sqlite3.connect(make_url(url).database)
        try:
            copy = sqlite3.connect(target)
            with copy:
                source.backup(copy)  # consistent online copy while the app keeps running
            copy.close()
        finally:
            source.close()
        return kind, target.name
    if kind == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupError("pg_dump is not installed; install postgresql-client")
        target = dest_dir / "database.pgdump"
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), _libpq_url(url)],
                       check=True, capture_output=True)
        return kind, target.name
    raise BackupError(f"backups of {kind} databases are not supported")


def create_backup(path):
    """Write a backup archive to ``path``; returns the manifest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        kind, db_file = _dump_database(tmp)
        manifest = {"format": FORMAT, "database": kind, "database_file": db_file, "storage": storage.backend(),
                    "created_at": utcnow().isoformat(), "counts": _counts()}
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmp / "manifest.json", "manifest.json")
            tar.add(tmp / db_file, db_file)
            for area, store in storage.areas():
                _add_store(tar, area, store)
        os.replace(partial, path)
    return manifest


def _add_store(tar, area, store):
    """Every object of a store (local folder or bucket) under ``<area>/<key>``, streamed."""
    for key in store.keys():
        try:
            size = store.size(key)
            source = store.open(key)
        except FileNotFoundError:  # removed meanwhile (a refused upload)
            continue
        try:
            info = tarfile.TarInfo(f"{area}/{key}")
            info.size = size
            info.mtime = int(utcnow().timestamp())
            info.mode = 0o644
            tar.addfile(info, source)
        finally:
            source.close()


def _restore_store(folder, store):
    """Put every file of an extracted area back into its store (atomically, one by one)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as f:
                store.put(path.relative_to(folder).as_posix(), f)


def _safe_members(tar):
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or member.issym() or member.islnk():
            raise BackupError(f"refusing unsafe path in archive: {member.name}")
        yield member


def _database_is_empty():
    inspector = inspect(db.engine)
    if "users" not in inspector.get_table_names():
        return True
    return db.session.scalar(select(func.count(User.id))) == 0


def restore_backup(path, force=False):
    """Restore an archive into the configured database and folders; returns the manifest.

    Refuses a database that already holds data unless ``force``.
    """
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    kind = make_url(url).get_backend_name()
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(path, "r:gz") as tar:
        tmp = Path(tmp)
        tar.extractall(tmp, members=list(_safe_members(tar)))
        manifest = json.loads((tmp / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupError("unknown backup format")
        if manifest["database"] != kind:
            raise BackupError(f"this backup holds a {manifest['database']} database; the app uses {kind}")
        if not force and not _database_is_empty():
            raise BackupError("the database is not empty; restore into a fresh database or use --force")
        db.session.remove()
        db.engine.dispose()
        source = tmp / manifest["database_file"]
        if kind == "sqlite":
            target = Path(make_url(url).database)
            staged = target.with_name(target.name + ".restoring")
            shutil.copyfile(source, staged)
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            os.replace(staged, target)
        else:
            if shutil.which("pg_restore") is None:
                raise BackupError("pg_restore is not installed; install postgresql-client")
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                            "--dbname", _libpq_url(url), str(source)], check=True, capture_output=True)
        for area, store in storage.areas():
            if (tmp / area).exists():
                _restore_store(tmp / area, store)
    return manifest
