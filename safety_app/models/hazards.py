"""The two lists: hazards (list 1) and measures (list 2), with inspections,
governance plans, extension requests and attachments."""
from ..extensions import db
from .base import created_at_column, updated_at_column
from .enums import HazardStatus, InspectionStatus

inspection_inspectors = db.Table(
    "inspection_inspectors",
    db.Column("inspection_id", db.Integer, db.ForeignKey("inspections.id"), primary_key=True),
    db.Column("user_id", db.Integer, db.ForeignKey("users.id"), primary_key=True),
)


class Inspection(db.Model):
    """One visit to one enterprise (检查)."""

    __tablename__ = "inspections"

    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprises.id"), nullable=False, index=True)
    inspection_type = db.Column(db.String(40), nullable=False)
    inspected_on = db.Column(db.Date, nullable=False, index=True)
    # Codes of the checklist sections / criteria looked at, as a JSON list.
    checklist = db.Column(db.JSON, nullable=False, default=list)
    summary = db.Column(db.Text, nullable=False, default="")
    # The enterprise's person present on site (现场检查记录; migration 0012).
    enterprise_representative = db.Column(db.String(100), nullable=False, default="", server_default="")
    # in_progress → completed (migration 0015). Only a completed inspection counts as
    # "inspected" (coverage, plan tasks).
    status = db.Column(db.String(16), nullable=False, default=InspectionStatus.COMPLETED.value,
                       server_default=InspectionStatus.COMPLETED.value)
    completed_at = db.Column(db.DateTime)
    # The campaign (专项整治行动) it was held under (migration 0017); its hazards inherit it.
    campaign_id = db.Column(db.Integer, db.ForeignKey("campaigns.id"), index=True)
    # The sign-off (migration 0018): the signatures drawn on site, stored like photos (uploads).
    representative_signature = db.Column(db.String(100))
    inspector_signature = db.Column(db.String(100))
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = created_at_column()

    __table_args__ = (
        db.CheckConstraint("status IN ('in_progress','completed')", name="inspection_status_known"),
        db.Index("ix_inspections_status_inspected_on", "status", "inspected_on"),
        # Coverage: "has this enterprise a completed inspection in the period" (figures.coverage).
        db.Index("ix_inspections_enterprise_status_inspected_on", "enterprise_id", "status", "inspected_on"),
    )

    enterprise = db.relationship("Enterprise")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    inspectors = db.relationship("User", secondary=inspection_inspectors, order_by="User.id")
    hazards = db.relationship("Hazard", back_populates="inspection", order_by="Hazard.id")


class Hazard(db.Model):
    """A problem or hazard found at an enterprise (row of the problem-hazard list)."""

    __tablename__ = "hazards"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(20), nullable=False, unique=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprises.id"), nullable=False)
    inspection_id = db.Column(db.Integer, db.ForeignKey("inspections.id"), index=True)
    title = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    location = db.Column(db.String(200), nullable=False, default="")
    category = db.Column(db.String(40), nullable=False)
    level = db.Column(db.String(10), nullable=False)
    # The major-hazard criterion as (set, clause), see models/criteria.py; both or neither.
    criteria_set = db.Column(db.String(40))
    criterion_clause = db.Column(db.String(20))
    # Major by judgment (16号令 Art. 3, regulations §8.2): the ground's code (reference data) and the reason.
    major_ground = db.Column(db.String(30))
    major_reason = db.Column(db.Text, nullable=False, default="", server_default="")
    legal_basis = db.Column(db.Text, nullable=False, default="")
    found_on = db.Column(db.Date, nullable=False)
    found_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    original_deadline = db.Column(db.Date, nullable=False)
    deadline = db.Column(db.Date, nullable=False)
    status = db.Column(db.String(20), nullable=False, default=HazardStatus.OPEN.value)
    responsible_person = db.Column(db.String(100), nullable=False, default="")
    # The enterprise user responsible for the rectification (migration 0016); the name above is
    # kept for history and filled from this user's name.
    responsible_user_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    rectification_note = db.Column(db.Text, nullable=False, default="")
    submitted_at = db.Column(db.DateTime)
    verified_at = db.Column(db.DateTime)
    closed_at = db.Column(db.DateTime)
    closed_on = db.Column(db.Date)  # park-time date of close-out, for monthly figures
    # The admin's acceptance of a major hazard (验收销号): opinion, date and the people who accepted.
    acceptance_opinion = db.Column(db.Text, nullable=False, default="", server_default="")
    accepted_on = db.Column(db.Date)
    accepted_by = db.Column(db.String(300), nullable=False, default="", server_default="")
    # Where it was found: government inspection, the enterprise's own inspection, a 包保 duty check,
    # a monitoring alarm (regulations §8.5); and the major hazard installation it concerns (§8.4).
    source = db.Column(db.String(24), nullable=False, default="government_inspection",
                       server_default="government_inspection")
    installation_id = db.Column(db.Integer, db.ForeignKey("installations.id"), index=True)
    # Where it was found, WGS-84 as the browser gives it (consent: asked only when the user taps), all or none.
    latitude = db.Column(db.Float)
    longitude = db.Column(db.Float)
    location_accuracy_m = db.Column(db.Float)
    campaign_id = db.Column(db.Integer, db.ForeignKey("campaigns.id"), index=True)  # 专项整治行动 (0017)
    created_at = created_at_column()
    updated_at = updated_at_column()
    version = db.Column(db.Integer, nullable=False, default=1)

    enterprise = db.relationship("Enterprise")
    inspection = db.relationship("Inspection", back_populates="hazards")
    found_by = db.relationship("User", foreign_keys=[found_by_id])
    responsible_user = db.relationship("User", foreign_keys=[responsible_user_id])
    installation = db.relationship("Installation")
    criterion = db.relationship("Criterion", viewonly=True)
    measures = db.relationship(
        "Measure", back_populates="hazard", order_by="Measure.id", cascade="all, delete-orphan"
    )
    plan = db.relationship(
        "GovernancePlan", back_populates="hazard", uselist=False, cascade="all, delete-orphan"
    )
    attachments = db.relationship("Attachment", back_populates="hazard", order_by="Attachment.id")
    extension_requests = db.relationship(
        "ExtensionRequest", back_populates="hazard", order_by="ExtensionRequest.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        db.CheckConstraint("level IN ('general','major')", name="level_known"),
        db.CheckConstraint(
            "status IN ('open','rectifying','submitted','verified','closed','withdrawn')",
            name="status_known",
        ),
        db.CheckConstraint("(criteria_set IS NULL) = (criterion_clause IS NULL)", name="criterion_pair"),
        db.CheckConstraint("criteria_set IS NULL OR level = 'major'", name="criterion_major"),
        db.CheckConstraint("source IN ('government_inspection','self_inspection','duty_check','monitoring_alarm')",
                           name="source_known"),
        db.ForeignKeyConstraint(["criteria_set", "criterion_clause"], ["criteria.set_code", "criteria.clause"],
                                name="fk_hazards_criterion_criteria"),
        db.Index("ix_hazards_enterprise_status_deadline", "enterprise_id", "status", "deadline"),
        db.Index("ix_hazards_status_deadline", "status", "deadline"),
        # (found_on, status), (closed_on, found_on): the month figures and the 12-month trend count
        # from the index alone (0023).
        db.Index("ix_hazards_found_on", "found_on", "status"),
        db.Index("ix_hazards_closed_on", "closed_on", "found_on"),
        # Migration 0002 (performance), widened by 0023: the dashboard's aggregates (by status,
        # enterprise, category, source; overdue and backlog need submitted_at) scan this narrow
        # covering index instead of the wide rows; the inspector filter gets its own.
        db.Index("ix_hazards_dashboard", "status", "enterprise_id", "category", "source", "level", "deadline",
                 "submitted_at", "found_on", "closed_on"),
        db.Index("ix_hazards_found_by_id", "found_by_id"),
        # The park's figures by source, counted per (source, status) in index order (figures.sources).
        db.Index("ix_hazards_source", "source", "status", "level", "deadline", "submitted_at", "found_on",
                 "closed_on"),
        # The open hazards by category, counted per (status, category) in index order (migration 0027).
        db.Index("ix_hazards_status_category", "status", "category", "level", "deadline", "submitted_at"),
        # Free-text search (code/title/location ILIKE '%q%'): trigram GIN on PostgreSQL (pg_trgm).
        db.Index("ix_hazards_search", "code", "title", "location", postgresql_using="gin",
                 postgresql_ops={"code": "gin_trgm_ops", "title": "gin_trgm_ops", "location": "gin_trgm_ops"}),
    )

    @property
    def is_major(self):
        return self.level == "major"

    @property
    def criterion_ref(self):
        """(set code, clause) or None."""
        return (self.criteria_set, self.criterion_clause) if self.criteria_set else None


class GovernancePlan(db.Model):
    """The six-element governance plan (治理方案) of a MAJOR hazard, regulations §2."""

    __tablename__ = "governance_plans"

    ELEMENTS = ("goal", "methods", "funds_materials", "organisation", "timeline", "safety_emergency")

    id = db.Column(db.Integer, primary_key=True)
    hazard_id = db.Column(db.Integer, db.ForeignKey("hazards.id"), nullable=False, unique=True)
    goal = db.Column(db.Text, nullable=False, default="")
    methods = db.Column(db.Text, nullable=False, default="")
    funds_materials = db.Column(db.Text, nullable=False, default="")
    organisation = db.Column(db.Text, nullable=False, default="")
    timeline = db.Column(db.Text, nullable=False, default="")
    safety_emergency = db.Column(db.Text, nullable=False, default="")
    updated_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = created_at_column()
    updated_at = updated_at_column()

    hazard = db.relationship("Hazard", back_populates="plan")

    @property
    def is_complete(self):
        return all((getattr(self, name) or "").strip() for name in self.ELEMENTS)


class Measure(db.Model):
    """A rectification or institutional measure (row of the measures list)."""

    __tablename__ = "measures"

    id = db.Column(db.Integer, primary_key=True)
    hazard_id = db.Column(db.Integer, db.ForeignKey("hazards.id"), nullable=False, index=True)
    description = db.Column(db.Text, nullable=False)
    responsible_person = db.Column(db.String(100), nullable=False, default="")
    responsible_user_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)  # migration 0016
    funds = db.Column(db.Numeric(14, 2), nullable=False, default=0)
    deadline = db.Column(db.Date)
    interim_precautions = db.Column(db.Text, nullable=False, default="")
    done_on = db.Column(db.Date)
    evidence_note = db.Column(db.Text, nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = created_at_column()
    updated_at = updated_at_column()

    hazard = db.relationship("Hazard", back_populates="measures")
    responsible_user = db.relationship("User", foreign_keys=[responsible_user_id])

    __table_args__ = (db.CheckConstraint("funds >= 0", name="funds_non_negative"),)

    @property
    def is_done(self):
        return self.done_on is not None


class ExtensionRequest(db.Model):
    """A request to move a hazard's deadline (延期申请)."""

    __tablename__ = "extension_requests"

    id = db.Column(db.Integer, primary_key=True)
    hazard_id = db.Column(db.Integer, db.ForeignKey("hazards.id"), nullable=False, index=True)
    requested_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    current_deadline = db.Column(db.Date, nullable=False)
    requested_deadline = db.Column(db.Date, nullable=False)
    reason = db.Column(db.Text, nullable=False)
    status = db.Column(db.String(10), nullable=False, default="pending")
    decided_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    decided_at = db.Column(db.DateTime)
    decision_comment = db.Column(db.Text, nullable=False, default="")
    created_at = created_at_column()

    hazard = db.relationship("Hazard", back_populates="extension_requests")
    requested_by = db.relationship("User", foreign_keys=[requested_by_id])
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])

    __table_args__ = (
        db.CheckConstraint("status IN ('pending','approved','refused')", name="status_known"),
    )


class Attachment(db.Model):
    """A photo or evidence file; stored under a random name, served through a checked route."""

    __tablename__ = "attachments"

    id = db.Column(db.Integer, primary_key=True)
    hazard_id = db.Column(db.Integer, db.ForeignKey("hazards.id"), nullable=False, index=True)
    measure_id = db.Column(db.Integer, db.ForeignKey("measures.id"))
    kind = db.Column(db.String(10), nullable=False)
    original_name = db.Column(db.String(255), nullable=False)
    stored_name = db.Column(db.String(100), nullable=False, unique=True)
    thumb_name = db.Column(db.String(100))
    content_type = db.Column(db.String(100), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    width = db.Column(db.Integer)
    height = db.Column(db.Integer)
    sha256 = db.Column(db.String(64), nullable=False)
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    # An annotated copy (标注图) of this photo of the same hazard; the original is never changed.
    annotates_id = db.Column(db.Integer, db.ForeignKey("attachments.id"), index=True)
    created_at = created_at_column()

    hazard = db.relationship("Hazard", back_populates="attachments")
    uploaded_by = db.relationship("User")
    annotates = db.relationship("Attachment", remote_side=[id], foreign_keys=[annotates_id])

    __table_args__ = (db.CheckConstraint("kind IN ('photo','evidence','assessment')", name="kind_known"),)
