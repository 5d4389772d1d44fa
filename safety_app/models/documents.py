"""Issued documents (PDF files under REPORTS_DIR) and their number sequences."""
from ..extensions import db
from .base import created_at_column

document_hazards = db.Table(
    "document_hazards",
    db.Column("document_id", db.Integer, db.ForeignKey("documents.id"), primary_key=True),
    db.Column("hazard_id", db.Integer, db.ForeignKey("hazards.id"), primary_key=True, index=True),
)


# The officers an enforcement document names (at least two with certificate numbers),
# in the order they are printed.
document_officers = db.Table(
    "document_officers",
    db.Column("document_id", db.Integer, db.ForeignKey("documents.id"), primary_key=True),
    db.Column("user_id", db.Integer, db.ForeignKey("users.id"), primary_key=True),
    db.Column("position", db.Integer, nullable=False),
)


class Document(db.Model):
    """A generated PDF: notice, re-inspection opinion, monthly or quarterly report."""

    __tablename__ = "documents"

    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(20), nullable=False)
    number = db.Column(db.String(100), unique=True)  # notices and opinions only
    period = db.Column(db.String(10))  # '2026-10' or '2026Q3' for reports
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprises.id"), index=True)
    inspection_id = db.Column(db.Integer, db.ForeignKey("inspections.id"), index=True)
    version = db.Column(db.Integer, nullable=False, default=1)
    supersedes_id = db.Column(db.Integer, db.ForeignKey("documents.id"))
    path = db.Column(db.String(500), nullable=False)  # relative to REPORTS_DIR
    sha256 = db.Column(db.String(64), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    # Makes a job's rerun find the document it already wrote.
    idempotency_key = db.Column(db.String(200), unique=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = created_at_column()

    enterprise = db.relationship("Enterprise")
    inspection = db.relationship("Inspection")
    created_by = db.relationship("User")
    hazards = db.relationship("Hazard", secondary=document_hazards, order_by="Hazard.id")
    officers = db.relationship("User", secondary=document_officers, order_by=document_officers.c.position,
                               viewonly=True)

    __table_args__ = (
        db.CheckConstraint(
            "kind IN ('notice','opinion','monthly','quarterly','annual','inspection_record','rectification',"
            "'campaign')",
            name="kind_known",
        ),
    )


class Counter(db.Model):
    """Named gap-free sequences: hazard codes per year, document numbers per office and year."""

    __tablename__ = "counters"

    name = db.Column(db.String(200), primary_key=True)
    value = db.Column(db.Integer, nullable=False, default=0)
