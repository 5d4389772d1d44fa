"""The whole API against its own openapi.json with schemathesis 4: every phase (examples, coverage,
fuzzing, stateful) and every check, as an administrator and as an enterprise user, over HTTP to a
live server, bounded in time; zero failures.

Rules that depend on stored data or today's date (a referenced id the caller cannot see, a deadline
before found_on, submitting without measures...) cannot be said in JSON Schema: the OpenAPI lists
them per operation as ``x-data-rules``. So ``positive_data_acceptance`` also expects 422, and the
check below fails any 422 to schema-valid data that does not name one of those fields.
"""
import threading

import pytest
import schemathesis
from schemathesis.engine import Status, events
from werkzeug.serving import make_server

from ..conftest import DATABASES
from .conftest import issue_token

# The fuzzing explores the API, the same code on every database: one run, on PostgreSQL when it is
# under test (where concurrency and types are strictest). tests/api/test_conformance.py checks the
# OpenAPI description against the responses on every database.
ONE_DATABASE = DATABASES[-1]

# Seconds per user for each group of phases: the stateful phase gets its own budget, so that it runs
# even on a busy machine. Two users: about 70 seconds in all.
BUDGETS = ((("examples", "coverage", "fuzzing"), 25), (("stateful",), 10))
PHASES = ("examples", "coverage", "fuzzing", "stateful")
EXAMPLES = 10
DEFAULT_POSITIVE = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


@schemathesis.check
def refusals_name_a_stated_rule(ctx, response, case):
    """A 422 to schema-valid data names a field of the operation's ``x-data-rules``."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    stated = {rule["field"] for rule in case.operation.definition.raw.get("x-data-rules", [])}
    field = (response.json().get("error") or {}).get("field")
    if field not in stated:
        raise AssertionError(f"422 for schema-valid data ({field!r}): a rule the OpenAPI does not state")
    return None


# schemathesis' default answers to data the schema refuses
NEGATIVE = ["400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429"]


def config(token, phases, seconds):
    return schemathesis.Config.from_dict({
        "seed": 20261202,
        "max-time": seconds,
        "headers": {"Authorization": f"Bearer {token}"},
        "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
        "checks": {"enabled": True,
                   "positive_data_acceptance": {"expected-statuses": [*DEFAULT_POSITIVE, "422"]},
                   # a readings batch over its limit is refused whole with 413 (documented on the operation)
                   "negative_data_rejection": {"expected-statuses": [*NEGATIVE, "413"]}},
        "phases": {name: {"enabled": name in phases, **({"max-steps": 6} if name == "stateful" else {})}
                   for name in PHASES},
        "warnings": {"enabled": False},
    })


def run(base, token, phases, seconds):
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json", config=config(token, phases, seconds))
    # Token issue/revoke are tested by hand: a fuzzer would revoke its own token.
    schema = schema.exclude(operation_id=["issue_token", "revoke_token"])
    problems, phases, operations = [], set(), set()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            phases.add(event.phase.value)
            operations.add(event.recorder.label)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        problems.append(f"[{event.phase.value}] {event.recorder.label}: {check.name}: "
                                        f"{failure.title}: {failure.message[:300]}\n    "
                                        f"{check.failure_info.code_sample[:500]}")
        elif isinstance(event, events.NonFatalError):
            problems.append(f"error [{event.label}]: {event.value!r}"[:800])
        elif isinstance(event, events.FatalError):
            problems.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            problems += [f"after run: {f.title}: {f.message[:300]}" for f in event.failures]
    return problems, phases, operations


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


@pytest.mark.filterwarnings("ignore")
def test_the_api_passes_schemathesis_all_phases_all_checks(db_kind, client, park, live_server):
    if db_kind != ONE_DATABASE:
        pytest.skip(f"schemathesis runs on {ONE_DATABASE} only; the conformance tests run on every database")
    park.hazard()
    park.hazard(park.b, major=True)
    all_problems, all_phases, all_operations = [], set(), set()
    for user in (park.admin, park.user_a):
        token = issue_token(client, user)
        for phases, seconds in BUDGETS:
            problems, ran, operations = run(live_server, token, phases, seconds)
            all_problems += problems
            all_phases |= ran
            all_operations |= operations
    unique = sorted(set(all_problems))
    assert not unique, f"{len(unique)} failures:\n" + "\n".join(unique[:40])
    assert set(PHASES) <= all_phases
    assert len(all_operations) >= 15  # most operations were exercised
