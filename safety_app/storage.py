"""Where uploaded files and generated documents live: a local directory or an S3-compatible bucket.

Two areas, each a ``Store`` addressed by relative keys (``ab/abcdef….jpg``, ``notices/2026/…pdf``):

- ``uploads()``: photos, thumbnails, evidence, signatures, installation reports (``UPLOAD_DIR``);
- ``reports()``: the issued PDFs (``REPORTS_DIR``).

``STORAGE_BACKEND=local`` (default) keeps today's folders and paths; every write goes to a
temporary file beside the target, is fsynced and renamed, so a reader never sees half a file.
``STORAGE_BACKEND=s3`` puts both areas in one bucket (``S3_BUCKET``, under ``S3_PREFIX`` +
``uploads/`` or ``reports/``) of any S3-compatible store — MinIO, Ceph, a cloud object store —
reached at ``S3_ENDPOINT_URL`` with ``S3_ACCESS_KEY_ID`` / ``S3_SECRET_ACCESS_KEY`` (or boto3's
usual environment and instance credentials) in ``S3_REGION``. A PUT is atomic in S3: an object
appears whole or not at all. Several web nodes then share the files.

Files are always served through the app (permission-checked routes): ``send`` streams the
object, never a redirect to the store.
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from flask import current_app, send_file

CHUNK = 256 * 1024


class StorageError(RuntimeError):
    """The store cannot be reached or is misconfigured."""


def _clean_key(key: str) -> str:
    """A relative key without ``..``, absolute parts or backslashes; FileNotFoundError otherwise."""
    if not key or "\\" in key or "\x00" in key:
        raise FileNotFoundError(key)
    parts = PurePosixPath(key).parts
    if not parts or parts[0] == "/" or any(p in ("..", ".", "") for p in parts):
        raise FileNotFoundError(key)
    return "/".join(parts)


class LocalStore:
    """A directory on this machine (the default)."""

    backend = "local"

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """The file of ``key``; refuses anything that would leave the root (FileNotFoundError)."""
        base = self.root.resolve()
        path = (base / _clean_key(key)).resolve()
        if base not in path.parents:
            raise FileNotFoundError(key)
        return path

    def put(self, key: str, data: bytes | BinaryIO, *, overwrite: bool = True) -> int:
        """Write bytes or a file's contents at ``key`` atomically; returns the size."""
        path = self.path(key)
        if not overwrite and path.exists():
            raise FileExistsError(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            os.fchmod(fd, 0o644)
            with os.fdopen(fd, "wb") as f:
                if isinstance(data, (bytes, bytearray, memoryview)):
                    f.write(data)
                else:
                    shutil.copyfileobj(data, f, CHUNK)
                f.flush()
                os.fsync(f.fileno())
                size = f.tell()
            if overwrite:
                os.replace(tmp, path)
            else:
                os.link(tmp, path)  # fails if the key appeared meanwhile
                os.unlink(tmp)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return size

    @contextlib.contextmanager
    def writable(self, key: str) -> Iterator[Path]:
        """A path a builder writes the file of ``key`` to (itself atomically, e.g. a PDF builder)."""
        yield self.path(key)

    def open(self, key: str) -> BinaryIO:
        path = self.path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return open(path, "rb")

    def read(self, key: str) -> bytes:
        with self.open(key) as f:
            return f.read()

    def exists(self, key: str) -> bool:
        try:
            return self.path(key).is_file()
        except FileNotFoundError:
            return False

    def size(self, key: str) -> int:
        path = self.path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path.stat().st_size

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(key).unlink()

    def keys(self) -> Iterator[str]:
        """Every stored key (temporary files of unfinished writes left out)."""
        if not self.root.exists():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.endswith((".part", ".tmp")):
                yield path.relative_to(self.root).as_posix()

    def send(self, key: str, *, mimetype: str, as_attachment: bool, download_name: str | None,
             etag=True, conditional: bool = True, max_age: int = 0):
        """A Flask response with the file (FileNotFoundError when missing)."""
        path = self.path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return send_file(path, mimetype=mimetype, as_attachment=as_attachment, download_name=download_name,
                         etag=etag, conditional=conditional, max_age=max_age)


class S3Store:
    """Keys under ``prefix`` in an S3-compatible bucket."""

    backend = "s3"

    def __init__(self, client, bucket: str, prefix: str):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def _key(self, key: str) -> str:
        return self.prefix + _clean_key(key)

    def _missing(self, error) -> bool:
        code = str(error.response.get("Error", {}).get("Code", ""))
        return code in ("404", "NoSuchKey", "NotFound")

    def put(self, key: str, data: bytes | BinaryIO, *, overwrite: bool = True) -> int:
        if not overwrite and self.exists(key):
            raise FileExistsError(key)
        if isinstance(data, (bytes, bytearray, memoryview)):
            body = bytes(data)
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=body)
            return len(body)
        if not (hasattr(data, "seekable") and data.seekable()):
            return self.put(key, data.read())
        start = data.tell()
        size = data.seek(0, os.SEEK_END) - start
        data.seek(start)
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentLength=size)
        return size

    @contextlib.contextmanager
    def writable(self, key: str) -> Iterator[Path]:
        """A temporary local path to build the file in; uploaded when the block ends without error."""
        _clean_key(key)
        folder = Path(tempfile.mkdtemp(prefix="store-"))
        try:
            path = folder / PurePosixPath(key).name
            yield path
            if path.exists():
                with open(path, "rb") as f:
                    self.put(key, f, overwrite=False)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _get(self, key: str):
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(key) from None
            raise

    def open(self, key: str) -> BinaryIO:
        return self._get(key)["Body"]

    def read(self, key: str) -> bytes:
        body = self.open(key)
        try:
            return body.read()
        finally:
            body.close()

    def _head(self, key: str):
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(key) from None
            raise

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except FileNotFoundError:
            return False
        return True

    def size(self, key: str) -> int:
        return int(self._head(key)["ContentLength"])

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def keys(self) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix):]

    def send(self, key: str, *, mimetype: str, as_attachment: bool, download_name: str | None,
             etag=True, conditional: bool = True, max_age: int = 0):
        """Stream the object through the app (no redirect to the store)."""
        obj = self._get(key)
        body = obj["Body"]
        response = send_file(body, mimetype=mimetype, as_attachment=as_attachment, download_name=download_name,
                             etag=etag if isinstance(etag, str) else False, conditional=False, max_age=max_age,
                             last_modified=obj.get("LastModified"))
        response.content_length = int(obj["ContentLength"])
        return response


_clients_lock = threading.Lock()
_clients: dict[tuple, object] = {}


def _s3_client(config):
    endpoint = config.get("S3_ENDPOINT_URL") or None
    region = config.get("S3_REGION") or "us-east-1"
    key_id = config.get("S3_ACCESS_KEY_ID") or None
    secret = config.get("S3_SECRET_ACCESS_KEY") or None
    cache_key = (endpoint, region, key_id, secret)
    with _clients_lock:
        client = _clients.get(cache_key)
        if client is None:
            try:
                import boto3
                from botocore.config import Config as BotoConfig
            except ImportError:  # pragma: no cover - boto3 is in requirements.txt
                raise StorageError("STORAGE_BACKEND=s3 needs boto3 (pip install -r requirements.txt)") from None
            client = boto3.session.Session().client(
                "s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=key_id,
                aws_secret_access_key=secret,
                config=BotoConfig(s3={"addressing_style": "path"}, retries={"max_attempts": 3, "mode": "standard"},
                                  connect_timeout=5, read_timeout=30))
            _clients[cache_key] = client
    return client


def backend(config=None) -> str:
    config = config if config is not None else current_app.config
    return (config.get("STORAGE_BACKEND") or "local").lower()


def check_config(config) -> None:
    """Refuse to start with an unknown backend or an S3 backend without a bucket."""
    kind = backend(config)
    if kind not in ("local", "s3"):
        raise StorageError(f"STORAGE_BACKEND must be 'local' or 's3', not {kind!r}")
    if kind == "s3" and not config.get("S3_BUCKET"):
        raise StorageError("STORAGE_BACKEND=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for MinIO or another "
                           "S3-compatible store)")


def _store(area: str, folder_key: str):
    config = current_app.config
    if backend(config) == "s3":
        prefix = (config.get("S3_PREFIX") or "").strip("/")
        prefix = f"{prefix}/{area}/" if prefix else f"{area}/"
        return S3Store(_s3_client(config), config["S3_BUCKET"], prefix)
    return LocalStore(config[folder_key])


def uploads():
    """Photos, thumbnails, evidence, signatures and installation reports."""
    return _store("uploads", "UPLOAD_DIR")


def reports():
    """The issued PDF documents."""
    return _store("reports", "REPORTS_DIR")


def areas():
    """(name, store) of every area, for backups."""
    return [("uploads", uploads()), ("reports", reports())]


def as_file(store, key: str) -> io.BytesIO:
    """The object's bytes as a seekable file (small files: signatures)."""
    return io.BytesIO(store.read(key))
