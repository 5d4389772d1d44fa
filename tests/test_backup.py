"""A backup restored into a fresh database brings back every hazard, event,
document record and upload."""
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from safety_app import create_app
from safety_app.extensions import db
from safety_app.models import Attachment, Document, Event, Hazard

from .conftest import _base_config


def _fresh_database(kind, tmp_path, source_url):
    """A new empty database of the same kind; returns (url, cleanup)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.db'}", lambda: None
    name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(source_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))

    def cleanup():
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    return make_url(source_url).set(database=name).render_as_string(hide_password=False), cleanup


def _snapshot():
    return {
        "hazards": sorted(db.session.scalars(select(Hazard.code))),
        "events": db.session.scalar(select(func.count(Event.id))),
        "last_hash": db.session.scalar(select(Event.hash).order_by(Event.seq.desc()).limit(1)),
        "documents": sorted(db.session.scalars(select(Document.path))),
        "attachments": sorted(db.session.scalars(select(Attachment.stored_name))),
    }


def test_backup_restores_into_a_fresh_database(app, park, runner, tmp_path):
    hazard = park.hazard()
    park.hazard(major=True)
    upload_dir = Path(app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    (upload_dir / "abc123.jpg").write_bytes(b"\xff\xd8photo")
    db.session.add(Attachment(hazard_id=hazard.id, kind="photo", original_name="现场.jpg", stored_name="abc123.jpg",
                              content_type="image/jpeg", size=7, sha256="0" * 64, uploaded_by_id=park.inspector.id))
    reports = Path(app.config["REPORTS_DIR"])
    (reports / "notices").mkdir(parents=True, exist_ok=True)
    (reports / "notices" / "n1.pdf").write_bytes(b"%PDF-1.4 notice")
    db.session.add(Document(kind="notice", number="（大港应急）责改〔2026〕第001号", enterprise_id=park.a.id,
                            path="notices/n1.pdf", sha256="1" * 64, size=15))
    db.session.commit()
    before = _snapshot()

    archive = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output

    url, cleanup = _fresh_database(app.config["DATABASE_KIND"], tmp_path, app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        target = create_app(_base_config(url, tmp_path / "restored"))
        with target.app_context():
            restored = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
            assert restored.exit_code == 0, restored.output
            assert _snapshot() == before
            assert (Path(target.config["UPLOAD_DIR"]) / "abc123.jpg").read_bytes() == b"\xff\xd8photo"
            assert (Path(target.config["REPORTS_DIR"]) / "notices" / "n1.pdf").exists()
            assert target.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
            db.session.remove()
            db.engine.dispose()
    finally:
        cleanup()


def test_restore_refuses_a_database_that_holds_data(app, park, runner, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    result = runner.invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code != 0
    assert "not empty" in result.output


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil.txt"])
def test_restore_refuses_archives_with_unsafe_paths(app, runner, tmp_path, name):
    import io
    import tarfile

    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"x"
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    result = runner.invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code != 0
    assert "unsafe" in result.output
