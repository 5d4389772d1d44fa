"""The signature drawn at an inspection's completion goes to the store, and the on-site record printed
from it is a document in the store too."""
import subprocess

from safety_app import lifecycle, storage
from safety_app.documents import records
from safety_app.extensions import db
from tests.conftest import login
from tests.inspections.conftest import data_url, signature_png


def test_a_signature_and_the_record_printed_with_it_live_in_the_bucket(on_s3, client, park, bucket_keys, tmp_path):
    inspection = lifecycle.start_inspection(park.inspector, enterprise=park.a, inspection_type="routine",
                                            inspectors=[park.inspector2])
    login(client, park.inspector)
    response = client.post(f"/inspections/{inspection.id}/complete", data={
        "summary": "罐区重点检查，总体受控。", "representative": "赵现场", "signature": data_url(signature_png()),
        "officers": [park.inspector.id, park.inspector2.id], "confirm_unanswered": "y"},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.refresh(inspection)
    document = records.current_record(inspection)
    assert bucket_keys() == sorted([f"uploads/{inspection.representative_signature}", f"reports/{document.path}"])
    assert storage.uploads().read(inspection.representative_signature).startswith(b"\x89PNG")
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(storage.reports().read(document.path))
    images = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) - 2 >= 1  # the signature read back from the bucket is printed
