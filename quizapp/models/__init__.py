"""Typed SQLAlchemy models; importing this package registers every table on Base.metadata."""
from ..db import Base
from .audit import AuditEvent
from .users import Role, School, StaffGroup, User

__all__ = ["AuditEvent", "Base", "Role", "School", "StaffGroup", "User"]
