"""Load the criteria sets shipped in safety_app/reference/data/criteria/*.json.

Migration 0006 seeds a database the same way; this function is for databases
emptied by tests and for `flask reference seed-criteria`. It adds what is
missing and never overwrites a text the office has imported.
"""
import json
from datetime import date
from pathlib import Path

from ..extensions import db
from ..models import CriteriaSet, Criterion

DATA_DIR = Path(__file__).resolve().parents[1] / "reference" / "data" / "criteria"


def reference_sets():
    """The shipped sets as dicts (code, title, issuer, document_number, in_force_from/until, clauses)."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(DATA_DIR.glob("*.json"))]


def _day(value):
    return date.fromisoformat(value) if value else None


def seed_reference_sets():
    """Add the shipped sets and clauses that are missing; returns the number of clauses added."""
    added = 0
    for data in reference_sets():
        if db.session.get(CriteriaSet, data["code"]) is None:
            db.session.add(CriteriaSet(
                code=data["code"], title=data["title"], issuer=data.get("issuer", ""),
                document_number=data.get("document_number", ""), in_force_from=_day(data.get("in_force_from")),
                in_force_until=_day(data.get("in_force_until"))))
        existing = {c for (c,) in db.session.query(Criterion.clause).filter(Criterion.set_code == data["code"])}
        for position, item in enumerate(data["clauses"], start=1):
            if item["clause"] not in existing:
                db.session.add(Criterion(set_code=data["code"], clause=item["clause"], position=position,
                                         group=item.get("group", ""), text=item.get("text", "")))
                added += 1
    db.session.flush()
    return added
