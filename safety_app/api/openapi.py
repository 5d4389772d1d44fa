"""/api/v1/openapi.json: generated from the declared operations."""
from . import spec
from .spec import operation


@operation("/openapi.json", "GET", summary="This OpenAPI 3.1 description", tag="meta", public=True,
           response="OpenApi")
def openapi_json():
    return spec.build()
