import hashlib

import pytest
from reportlab.platypus import Flowable, Paragraph

from safety_app.documents import write_atomically
from safety_app.documents.layout import make_styles, write_pdf


class Boom(Flowable):
    """A flowable that fails while the PDF is being laid out."""

    def wrap(self, available_width, available_height):
        return (10, 10)

    def draw(self):
        raise RuntimeError("disk on fire")


def leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_write_returns_hash_and_size(tmp_path):
    written = write_atomically(tmp_path / "a.bin", lambda f: f.write(b"hello"))
    assert written.sha256 == hashlib.sha256(b"hello").hexdigest()
    assert written.size == 5
    assert (tmp_path / "a.bin").read_bytes() == b"hello"
    assert leftovers(tmp_path) == []


def test_failure_midway_keeps_old_file_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old report")

    def half_then_fail(f):
        f.write(b"%PDF-1.4 half")
        raise RuntimeError("build failed")

    with pytest.raises(RuntimeError):
        write_atomically(target, half_then_fail, overwrite=True)
    assert target.read_bytes() == b"old report"
    assert leftovers(tmp_path) == []


def test_pdf_build_raising_midway_keeps_old_file(tmp_path):
    target = tmp_path / "notice.pdf"
    target.write_bytes(b"old notice")
    st = make_styles("Helvetica")
    story = [Paragraph("page one", st.body), Boom()]
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_pdf(target, story, font="Helvetica", title="t", author="a", overwrite=True)
    assert target.read_bytes() == b"old notice"
    assert list(tmp_path.iterdir()) == [target]


def test_existing_file_is_not_replaced_without_overwrite(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"first")
    with pytest.raises(FileExistsError):
        write_atomically(target, lambda f: f.write(b"second"))
    assert target.read_bytes() == b"first"
    assert leftovers(tmp_path) == []


def test_overwrite_replaces_the_file(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"first")
    write_atomically(target, lambda f: f.write(b"second"), overwrite=True)
    assert target.read_bytes() == b"second"


def test_missing_directory_is_created(tmp_path):
    write_atomically(tmp_path / "2026-11" / "park.pdf", lambda f: f.write(b"x"))
    assert (tmp_path / "2026-11" / "park.pdf").exists()
