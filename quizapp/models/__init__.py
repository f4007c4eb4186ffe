"""Typed SQLAlchemy models; importing this package registers every table on Base.metadata."""
from ..db import Base
from .attempts import Attempt, AttemptQuestion, AttemptState, FinishReason
from .audit import AuditEvent
from .bank_reviews import BankEdition, BankReviewAlert
from .banks import Question, QuestionBank, QuestionImage, QuestionType
from .certificates import Certificate, CertificateFile
from .courses import Course, CourseBank, CourseRequirement
from .join import JoinLink, JoinRequest, JoinState
from .oidc import OidcLink, OidcProvider
from .reminders import ReminderLog
from .settings import OrgSettings
from .users import Role, School, StaffGroup, User

__all__ = [
    "Attempt",
    "AttemptQuestion",
    "AttemptState",
    "AuditEvent",
    "BankEdition",
    "BankReviewAlert",
    "Base",
    "Certificate",
    "CertificateFile",
    "Course",
    "CourseBank",
    "CourseRequirement",
    "FinishReason",
    "JoinLink",
    "JoinRequest",
    "JoinState",
    "OidcLink",
    "OidcProvider",
    "OrgSettings",
    "Question",
    "QuestionBank",
    "QuestionImage",
    "QuestionType",
    "ReminderLog",
    "Role",
    "School",
    "StaffGroup",
    "User",
]
