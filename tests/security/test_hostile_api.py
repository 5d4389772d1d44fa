"""Hostile input through the JSON API, driven by its own openapi.json: every field of every
JSON request body gets a few values its schema refuses (too long, control characters, wrong
type, impossible dates, out-of-range numbers, unknown enum values) and each query parameter
of the lists gets garbage. Refusals are 4xx JSON errors with a message that write nothing;
``<script>`` and SQL in free text are valid data; nothing answers 5xx; the next request works.
"""
from datetime import timedelta

from safety_app import clock
from safety_app.extensions import db
from safety_app.models import Hazard

from .hostile import CONTROL, SCRIPT, SQL, changed_tables, fingerprint

FUTURE = (clock.today() + timedelta(days=30)).isoformat()


def _resolve(spec, schema):
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _payloads(schema):
    """(label, value, must_refuse) for one property of a request schema."""
    kinds = schema.get("type")
    if isinstance(kinds, list) and "null" in kinds:  # a nullable number (a limit): hostile as a number
        kinds = next(k for k in kinds if k != "null")
    if "oneOf" in schema:  # a date or null
        return [("impossible date", "2026-02-30", True), ("wrong type", 12, True)]
    out = []
    if kinds == "string":
        limit = schema.get("maxLength", 20000)
        out += [("too long", "x" * (limit + 1), True), ("control", CONTROL, True), ("wrong type", 12, True)]
        if "enum" in schema:
            out.append(("unknown value", "no-such-value", True))
        elif schema.get("format") == "date":
            out += [("impossible date", "2026-02-30", True), ("not a date", "tomorrow", True)]
        else:
            out += [("script", SCRIPT, False), ("sql", SQL, False)]
    elif kinds in ("integer", "number"):
        if "minimum" in schema:
            out.append(("below minimum", schema["minimum"] - 1, True))
        if "maximum" in schema:
            out.append(("above maximum", schema["maximum"] * 10 + 1, True))
        out += [("huge", 10**30, "maximum" in schema), ("text", "12", True), ("boolean", True, True)]
        if kinds == "integer":
            out.append(("fraction", 1.5, True))
    elif kinds == "array":
        out += [("not a list", "x", True), ("wrong items", [{"a": 1}], True)]
    elif kinds == "boolean":
        out += [("text", "yes", True)]
    return out


def _bases(estate, hazard):
    """A valid body and URL for each JSON operation (so a refusal is the payload's doing)."""
    a = estate.a
    return {
        "create_hazard": ("/api/v1/hazards", {"enterprise_id": a.enterprise, "title": "安全阀", "category": "equipment",
                                              "deadline": FUTURE}),
        "patch_hazard": (f"/api/v1/hazards/{hazard.id}", {"title": "安全阀", "version": hazard.version}),
        "transition": (f"/api/v1/hazards/{hazard.id}/transitions", {"action": "withdraw", "reason": "误报",
                                                                    "version": hazard.version}),
        "create_inspection": ("/api/v1/inspections", {"enterprise_id": a.enterprise, "inspection_type": "routine"}),
        "create_measure": (f"/api/v1/hazards/{hazard.id}/measures", {"description": "更换"}),
        "patch_measure": (f"/api/v1/hazards/{hazard.id}/measures/{hazard.measures[0].id}", {"description": "更换"}),
        "issue_token": ("/api/v1/tokens", {"username": "admin", "password": "x" * 12}),
        "create_point": (f"/api/v1/installations/{a.installation}/points",
                         {"tag": "HOSTILE-1", "name": "测点", "kind": "level", "unit": "%"}),
        "patch_point": (f"/api/v1/points/{a.point}", {"name": "测点"}),
        "post_readings": ("/api/v1/monitoring/readings",
                          {"readings": [{"point_id": 1, "time": "2026-12-01T08:00:00Z", "value": 1.5}]}),
        "post_hazard_comment": (f"/api/v1/hazards/{hazard.id}/comments", {"body": "请补充整改证据"}),
    }


def test_every_json_field_refuses_hostile_values_and_writes_nothing(client, park, estate, token_of):
    token = token_of(park.admin)
    auth = admin_auth = {"Authorization": f"Bearer {token}"}
    # Readings come from an enterprise's gateway: staff are refused before the body is read.
    gateway_auth = {"Authorization": f"Bearer {token_of(park.user_a)}"}
    spec = client.get("/api/v1/openapi.json").get_json()
    hazard = db.session.get(Hazard, estate.a.hazard)
    bases = _bases(estate, hazard)
    problems, tried = [], 0
    state = None  # the tables as the last request left them (None: the test wrote since; take them again)
    for path, item in spec["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            auth = gateway_auth if op["operationId"] == "post_readings" else admin_auth
            assert op["operationId"] in bases, f"add a valid base body for {op['operationId']} to _bases"
            url, base = bases[op["operationId"]]
            schema = _resolve(spec, body["schema"])
            for name, prop in schema["properties"].items():
                for label, value, must_refuse in _payloads(_resolve(spec, prop)):
                    tried += 1
                    where = f"{method.upper()} {path} {name}={label}"
                    before = state or fingerprint()
                    response = client.open(url, method=method.upper(), json={**base, name: value}, headers=auth)
                    status = response.status_code
                    state = fingerprint()
                    written = changed_tables(before, state)
                    if status >= 500:
                        problems.append(f"{where}: {status}")
                    elif must_refuse and not 400 <= status < 500:
                        problems.append(f"{where}: {status}, expected a refusal")
                    elif status >= 400 and not (response.get_json() or {}).get("error", {}).get("message"):
                        problems.append(f"{where}: {status} without an error message")
                    if written and (must_refuse or status >= 400):
                        problems.append(f"{where}: {status} but wrote {written}")
                    # withdrawn by an accepted transition? file a fresh hazard for the next field
                    db.session.expire_all()
                    if db.session.get(Hazard, hazard.id).status != "open":
                        hazard = park.hazard()
                        from safety_app import lifecycle

                        lifecycle.save_measure(hazard, park.user_a, description="更换")
                        state = None
                        bases = _bases(estate, hazard)
                        url, base = bases[op["operationId"]]
                    else:
                        hazard = db.session.get(Hazard, hazard.id)
                        bases = _bases(estate, hazard)
                        url, base = bases[op["operationId"]]
            for label, raw in (("not an object", "[]"), ("not JSON", "{'title':"), ("empty", "")):
                response = client.open(url, method=method.upper(), data=raw, content_type="application/json",
                                       headers=auth)
                if response.status_code not in (400, 422):
                    problems.append(f"{method.upper()} {path} {label}: {response.status_code}")
            state = None
    assert tried > 60
    assert not problems, f"{len(problems)} of {tried}:\n" + "\n".join(problems)
    assert client.get("/api/v1/me", headers=admin_auth).status_code == 200
    # the base bodies are valid: each refusal above was the hostile value's doing
    for operation, method in (("create_hazard", "POST"), ("create_inspection", "POST"), ("patch_measure", "PATCH"),
                              ("create_measure", "POST"), ("patch_hazard", "PATCH"), ("transition", "POST")):
        db.session.expire_all()
        url, base = _bases(estate, db.session.get(Hazard, hazard.id))[operation]
        response = client.open(url, method=method, json=base, headers=admin_auth)
        assert response.status_code in (200, 201), (operation, response.get_json())


def test_every_query_parameter_of_the_api_refuses_garbage_without_failing(client, park, estate, token_of):
    auth = {"Authorization": f"Bearer {token_of(park.admin)}"}
    spec = client.get("/api/v1/openapi.json").get_json()
    problems, tried = [], 0
    for path, item in spec["paths"].items():
        op = item.get("get")
        if not op or "{" in path:
            continue
        for param in op.get("parameters", []):
            if param["in"] != "query":
                continue
            for label, value in (("text", "abc"), ("negative", "-1"), ("huge", "9" * 30), ("control", CONTROL),
                                 ("impossible date", "2026-02-30"), ("long", "x" * 5000), ("sql", SQL)):
                tried += 1
                response = client.get(path.replace("/api/v1", "/api/v1", 1), query_string={param["name"]: value},
                                      headers=auth)
                if response.status_code >= 500 or (label == "control" and response.status_code != 400):
                    problems.append(f"GET {path}?{param['name']}={label}: {response.status_code}")
    assert tried > 50
    assert not problems, "\n".join(problems)


def test_huge_ids_in_the_path_answer_404(client, park, token_of):
    auth = {"Authorization": f"Bearer {token_of(park.admin)}"}
    for url in ("/api/v1/hazards/" + "9" * 30, "/api/v1/inspections/" + "9" * 30, "/api/v1/enterprises/-1"):
        assert client.get(url, headers=auth).status_code == 404
