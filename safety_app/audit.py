"""The hash-chained audit trail: append an event, verify the chain.

Writers first bump the single ``audit_head`` row; that row lock (PostgreSQL)
or write lock (SQLite) serialises concurrent writers so the chain never forks.
"""
import hashlib
import json

from sqlalchemy import select, update

from .clock import utcnow
from .extensions import db
from .models import AuditHead, Event
from .sequences import insert_ignore

GENESIS = "0" * 64


def _canonical(event):
    payload = {
        "seq": event.seq,
        "hazard_id": event.hazard_id,
        "measure_id": event.measure_id,
        "actor_id": event.actor_id,
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "comment": event.comment or "",
        "data": event.data or {},
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def compute_hash(event):
    return hashlib.sha256(_canonical(event).encode("utf-8")).hexdigest()


def append_event(*, action, actor=None, hazard_id=None, measure_id=None, from_status=None,
                 to_status=None, comment="", data=None):
    """Add one event to the chain inside the caller's transaction (no commit)."""
    db.session.flush()
    advance = (update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1)
               .returning(AuditHead.seq, AuditHead.last_hash))
    # The head row exists after the first event: advance it (taking its row lock) in one
    # round trip, and create it only when the UPDATE found none.
    head = db.session.execute(advance).one_or_none()
    if head is None:
        db.session.execute(insert_ignore(AuditHead, {"id": 1, "seq": 0, "last_hash": GENESIS}, ["id"]))
        head = db.session.execute(advance).one()
    seq, prev = head
    event = Event(
        seq=seq, hazard_id=hazard_id, measure_id=measure_id,
        actor_id=actor.id if actor is not None else None, action=str(action),
        from_status=str(from_status) if from_status else None,
        to_status=str(to_status) if to_status else None, comment=comment or "",
        data=_plain(data or {}), created_at=utcnow(),
        prev_hash=prev,
    )
    event.hash = compute_hash(event)
    db.session.add(event)
    db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=event.hash))
    return event


def _plain(data):
    """JSON round-trips exactly only for plain values: dates become ISO strings."""
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def verify_chain(batch=5000):
    """Walk the chain in order. Return (ok, checked, problem) where problem names the first bad row."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    while True:
        rows = db.session.execute(
            select(Event).where(Event.seq > last_seq).order_by(Event.seq).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for event in rows:
            if event.seq != expected_seq:
                return False, checked, f"event seq {expected_seq} is missing (next found: seq {event.seq}, id {event.id})"
            if event.prev_hash != prev:
                return False, checked, f"event id {event.id} (seq {event.seq}) does not link to the previous event"
            if compute_hash(event) != event.hash:
                return False, checked, f"event id {event.id} (seq {event.seq}) was altered: its hash does not match"
            prev = event.hash
            expected_seq += 1
            checked += 1
            last_seq = event.seq
        db.session.expunge_all()
    head = db.session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.last_hash != prev):
        return False, checked, f"the chain ends at seq {checked} but the head records seq {head.seq}: events were removed"
    return True, checked, None
