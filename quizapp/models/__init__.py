"""Typed SQLAlchemy models; importing this package registers every table on Base.metadata."""
from ..db import Base
from .attempts import Attempt, AttemptQuestion, AttemptState, FinishReason
from .audit import AuditEvent
from .bank_reviews import BankEdition, BankReviewAlert
from .banks import Question, QuestionBank, QuestionType
from .certificates import Certificate, CertificateFile
from .courses import Course, CourseBank, CourseRequirement
from .external import EvidenceFile, ExternalState, ExternalTraining
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
    "EvidenceFile",
    "ExternalState",
    "ExternalTraining",
    "FinishReason",
    "OidcLink",
    "OidcProvider",
    "OrgSettings",
    "Question",
    "QuestionBank",
    "QuestionType",
    "ReminderLog",
    "Role",
    "School",
    "StaffGroup",
    "User",
]
