"""The storage interface: the same contract on the local folder and on an S3-compatible bucket, and
every upload, signature, document and backup going through it."""
import io
import os
from pathlib import Path

import pytest
from PIL import Image

from safety_app import backup, storage, uploads
from safety_app.documents import service
from safety_app.extensions import db
from safety_app.models import Attachment
from tests.conftest import login


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


def test_backup_and_restore_include_the_bucket(on_s3, park, tmp_path, bucket_keys):
    hazard = park.hazard()
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    checked = uploads.CheckedUpload("a.jpg", "image/jpeg", ".jpg", jpeg(), thumb=jpeg((0, 0, 200)))
    (attachment,) = uploads.save_to_hazard(hazard, park.inspector, [checked], "photo", version=hazard.version)
    notice_path, photo_key = notice.path, attachment.stored_name
    before = {key: storage.uploads().read(key) for key in storage.uploads().keys()}
    manifest = backup.create_backup(tmp_path / "park.tar.gz")
    assert manifest["storage"] == "s3"
    for _area, store in storage.areas():
        for key in list(store.keys()):
            store.delete(key)
    assert bucket_keys() == []
    backup.restore_backup(tmp_path / "park.tar.gz", force=True)
    assert {key: storage.uploads().read(key) for key in storage.uploads().keys()} == before
    assert storage.reports().read(notice_path)[:5] == b"%PDF-"
    assert f"uploads/{photo_key}" in bucket_keys()
