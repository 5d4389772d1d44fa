"""Enterprises of the park and the people who use the product."""
import secrets

from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import created_at_column, updated_at_column
from .enums import MajorHazardInstallation, Role


class Enterprise(db.Model):
    __tablename__ = "enterprises"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    credit_code = db.Column(db.String(18), nullable=False, unique=True)
    address = db.Column(db.String(300), nullable=False, default="")
    zone = db.Column(db.String(100), nullable=False, default="")
    industry = db.Column(db.String(100), nullable=False, default="")
    legal_representative = db.Column(db.String(100), nullable=False, default="")
    contact_name = db.Column(db.String(100), nullable=False, default="")
    contact_phone = db.Column(db.String(30), nullable=False, default="")
    contact_email = db.Column(db.String(200), nullable=False, default="")
    major_hazard_installation = db.Column(
        db.String(10), nullable=False, default=MajorHazardInstallation.NONE.value
    )
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = created_at_column()
    updated_at = updated_at_column()

    __table_args__ = (
        db.CheckConstraint(
            "major_hazard_installation IN ('none','level1','level2','level3','level4')",
            name="mhi_level",
        ),
    )

    def __repr__(self):
        return f"<Enterprise {self.credit_code}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False, unique=True)
    password_hash = db.Column(db.String(256), nullable=False)
    display_name = db.Column(db.String(100), nullable=False, default="")
    role = db.Column(db.String(20), nullable=False)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprises.id"), index=True)
    email = db.Column(db.String(200), nullable=False, default="")
    phone = db.Column(db.String(30), nullable=False, default="")
    # Inspectors' law-enforcement certificate number, printed on notices.
    certificate_no = db.Column(db.String(50), nullable=False, default="")
    # An enterprise user's role in the enterprise: safety_manager / principal / staff (None for staff users).
    enterprise_role = db.Column(db.String(16))
    active = db.Column(db.Boolean, nullable=False, default=True)
    # Changing it ends every session of the user (logout, password change).
    session_nonce = db.Column(db.String(32), nullable=False, default=lambda: secrets.token_hex(16))
    created_at = created_at_column()
    updated_at = updated_at_column()

    enterprise = db.relationship("Enterprise", backref=db.backref("users", lazy="dynamic"))

    __table_args__ = (
        db.CheckConstraint("role IN ('admin','inspector','enterprise')", name="role_known"),
        # An enterprise user belongs to exactly one enterprise; staff to none.
        db.CheckConstraint(
            "(role = 'enterprise' AND enterprise_id IS NOT NULL)"
            " OR (role <> 'enterprise' AND enterprise_id IS NULL)",
            name="enterprise_role",
        ),
        db.CheckConstraint("enterprise_role IS NULL OR (role = 'enterprise' AND enterprise_role IN "
                           "('safety_manager','principal','staff'))", name="enterprise_role_known"),
    )

    def set_password(self, password):
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.rotate_session()

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def rotate_session(self):
        self.session_nonce = secrets.token_hex(16)

    def get_id(self):
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_active(self):
        return bool(self.active)

    @property
    def is_staff(self):
        return self.role in (Role.ADMIN, Role.INSPECTOR)

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    @property
    def name(self):
        return self.display_name or self.username

    def __repr__(self):
        return f"<User {self.username} {self.role}>"
