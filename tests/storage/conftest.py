"""A real S3-compatible server on loopback (moto's standalone server) and a fresh bucket per test.

Without moto the storage tests that need the server skip with a reason — unless
STORAGE_REQUIRED=1 (CI), where a server that cannot start fails the run.
"""
import os
import secrets

import pytest

ACCESS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing", "S3_REGION": "us-east-1"}


def _unavailable(message):
    if os.environ.get("STORAGE_REQUIRED") == "1":
        pytest.fail(message + " and STORAGE_REQUIRED=1", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def s3_endpoint():
    """The URL of an S3-compatible server on 127.0.0.1 (a free port), for the whole session."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as error:  # moto[server] is in requirements-dev.txt
        _unavailable(f"the S3 test server cannot start: {error}")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    try:
        server.start()
    except Exception as error:  # noqa: BLE001 - any failure to start is a reason to skip
        _unavailable(f"the S3 test server cannot start: {error}")
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_config(s3_endpoint):
    """The app configuration of STORAGE_BACKEND=s3 with a new, empty bucket."""
    import boto3

    bucket = f"park-{secrets.token_hex(6)}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="testing",
                 aws_secret_access_key="testing").create_bucket(Bucket=bucket)
    return {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": s3_endpoint, "S3_BUCKET": bucket, "S3_PREFIX": "", **ACCESS}


@pytest.fixture
def bucket_keys(s3_config):
    """Every key in the test's bucket, read straight from the server."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3_config["S3_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")

    def keys():
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=s3_config["S3_BUCKET"])
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    return keys


@pytest.fixture
def on_s3(app, s3_config):
    """The test's app with its uploads and documents in the bucket."""
    app.config.update(s3_config)
    return app
