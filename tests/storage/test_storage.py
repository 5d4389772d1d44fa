"""The storage interface: the same contract on the local folder and on an S3-compatible bucket, and
every upload, signature, document and backup going through it."""
import io
import os
from pathlib import Path

import pytest
from PIL import Image

from safety_app import create_app, storage, uploads
from safety_app.documents import service
from safety_app.extensions import db
from safety_app.models import Attachment
from tests.conftest import _base_config, login


def jpeg(color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(params=["local", "s3"])
def store(request, app):
    if request.param == "s3":
        app.config.update(request.getfixturevalue("s3_config"))
    return storage.uploads()


def test_a_store_puts_reads_sizes_lists_and_deletes(store):
    store.put("ab/one.jpg", b"first")
    store.put("ab/two.pdf", io.BytesIO(b"%PDF-second"))
    assert store.read("ab/one.jpg") == b"first" and store.exists("ab/two.pdf")
    assert store.size("ab/two.pdf") == len(b"%PDF-second")
    with store.open("ab/two.pdf") as f:
        assert f.read() == b"%PDF-second"
    assert sorted(store.keys()) == ["ab/one.jpg", "ab/two.pdf"]
    store.put("ab/one.jpg", b"replaced")
    assert store.read("ab/one.jpg") == b"replaced"
    with pytest.raises(FileExistsError):
        store.put("ab/one.jpg", b"again", overwrite=False)
    store.delete("ab/one.jpg")
    store.delete("ab/one.jpg")  # deleting a missing key is harmless
    assert not store.exists("ab/one.jpg") and list(store.keys()) == ["ab/two.pdf"]
    with pytest.raises(FileNotFoundError):
        store.read("ab/one.jpg")


@pytest.mark.parametrize("key", ["../outside.jpg", "ab/../../outside.jpg", "/etc/passwd", "ab\\x.jpg", ""])
def test_a_key_cannot_leave_its_area(store, key):
    with pytest.raises(FileNotFoundError):
        store.put(key, b"x")
    assert not store.exists(key)


def test_a_build_that_fails_leaves_nothing_behind(store):
    with pytest.raises(RuntimeError), store.writable("notices/x.pdf") as target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        raise RuntimeError("the PDF builder failed")
    assert list(store.keys()) == []


def test_the_local_store_writes_atomically_and_keeps_todays_paths(app):
    store = storage.uploads()
    store.put("ab/photo.jpg", b"data")
    assert (Path(app.config["UPLOAD_DIR"]) / "ab" / "photo.jpg").read_bytes() == b"data"
    assert sorted(os.listdir(Path(app.config["UPLOAD_DIR"]) / "ab")) == ["photo.jpg"]  # no temporary left


def test_an_unknown_backend_or_a_bucketless_s3_refuses_to_start(app):
    with pytest.raises(storage.StorageError, match="STORAGE_BACKEND"):
        storage.check_config({"STORAGE_BACKEND": "ftp"})
    with pytest.raises(storage.StorageError, match="S3_BUCKET"):
        storage.check_config({"STORAGE_BACKEND": "s3"})


def test_a_photo_uploaded_on_s3_lives_in_the_bucket_and_is_served_from_it(on_s3, client, park, bucket_keys):
    hazard = park.hazard()
    login(client, park.inspector)
    response = client.post(f"/hazards/{hazard.id}/uploads", data={
        "version": hazard.version, "files": [(io.BytesIO(jpeg()), "现场.jpg")]}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    attachment = db.session.scalars(db.select(Attachment)).one()
    assert bucket_keys() == sorted([f"uploads/{attachment.stored_name}", f"uploads/{attachment.thumb_name}"])
    assert not any(Path(on_s3.config["UPLOAD_DIR"]).rglob("*.jpg"))  # nothing on this machine's disk
    photo = client.get(f"/attachments/{attachment.id}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert photo.data == storage.uploads().read(attachment.stored_name)
    assert photo.headers["Content-Length"] == str(attachment.size)
    assert client.get(f"/attachments/{attachment.id}/thumb").data[:3] == b"\xff\xd8\xff"
    storage.uploads().delete(attachment.stored_name)
    assert client.get(f"/attachments/{attachment.id}").status_code == 404


def test_a_refused_upload_leaves_no_object(on_s3, park, bucket_keys):
    from safety_app.lifecycle import LifecycleError

    hazard = park.hazard()
    checked = uploads.CheckedUpload("a.jpg", "image/jpeg", ".jpg", jpeg(), thumb=jpeg())
    with pytest.raises(LifecycleError):
        uploads.save_to_hazard(hazard, park.user_b, [checked], "photo", version=hazard.version)
    assert bucket_keys() == []


def test_a_notice_on_s3_is_written_to_the_bucket_and_downloaded_from_it(on_s3, client, park, bucket_keys):
    hazard = park.hazard()
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    assert bucket_keys() == [f"reports/{notice.path}"]
    login(client, park.user_a)
    response = client.get(f"/reports/{notice.id}/download")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert len(response.data) == notice.size and response.headers["Cache-Control"] == "private, no-store"


def test_backup_and_restore_include_the_bucket(on_s3, park, runner, tmp_path, s3_config):
    """`flask backup create` takes every object of the bucket; `restore` into a fresh database and a
    fresh bucket brings the photos and PDFs back, byte for byte."""
    import boto3

    from tests.test_backup import _fresh_database

    hazard = park.hazard()
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    checked = uploads.CheckedUpload("a.jpg", "image/jpeg", ".jpg", jpeg(), thumb=jpeg((0, 0, 200)))
    uploads.save_to_hazard(hazard, park.inspector, [checked], "photo", version=hazard.version)
    before = {area: {key: store.read(key) for key in store.keys()} for area, store in storage.areas()}
    assert len(before["uploads"]) == 2 and list(before["reports"]) == [notice.path]
    archive = tmp_path / "park.tar.gz"
    result = runner.invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output

    new_bucket = s3_config["S3_BUCKET"] + "-restored"
    boto3.client("s3", endpoint_url=s3_config["S3_ENDPOINT_URL"], region_name="us-east-1",
                 aws_access_key_id="testing", aws_secret_access_key="testing").create_bucket(Bucket=new_bucket)
    url, cleanup = _fresh_database(on_s3.config["DATABASE_KIND"], tmp_path, on_s3.config["SQLALCHEMY_DATABASE_URI"])
    try:
        target = create_app({**_base_config(url, tmp_path / "restored"), **s3_config, "S3_BUCKET": new_bucket})
        with target.app_context():
            restored = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
            assert restored.exit_code == 0, restored.output
            after = {area: {key: store.read(key) for key in store.keys()} for area, store in storage.areas()}
            assert after == before
            assert not any(Path(target.config["UPLOAD_DIR"]).rglob("*.*"))  # into the bucket, not the disk
            db.session.remove()
            db.engine.dispose()
    finally:
        cleanup()
