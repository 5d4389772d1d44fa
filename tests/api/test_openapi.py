"""openapi.json: a valid OpenAPI 3.1 description of exactly the API's routes."""
import re

from openapi_spec_validator import validate

from .conftest import assert_error


def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_openapi_json_is_valid_openapi_3_1(client):
    document = spec(client)
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_openapi_paths_and_methods_match_the_routes(app, client):
    documented = {(path, method.upper()) for path, ops in spec(client)["paths"].items() for method in ops}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routed |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed


def test_every_operation_documents_its_errors_as_json(client):
    for path, ops in spec(client)["paths"].items():
        for method, op in ops.items():
            for status in ("400", "404", "422"):
                assert status in op["responses"], (path, method, status)


def test_unknown_api_paths_answer_json_not_html(client):
    assert_error(client.get("/api/v1/nothing-here"), 404)
    assert_error(client.put("/api/v1/hazards"), 405)
