"""Typed SQLAlchemy models; importing this package registers every table on Base.metadata."""
from ..db import Base
from .attempts import Attempt, AttemptPurpose, AttemptQuestion, AttemptState, FinishReason
from .audit import AuditEvent
from .bank_reviews import BankEdition, BankReviewAlert
from .banks import Question, QuestionBank, QuestionImage, QuestionType
from .bulk_jobs import BulkJob, JobKind, JobState
from .certificates import Certificate, CertificateFile
from .courses import Course, CourseBank, CourseRequirement
from .external import EvidenceFile, ExternalState, ExternalTraining
from .join import JoinLink, JoinRequest, JoinState
from .oidc import OidcLink, OidcProvider
from .outbox import JobRun, OutboxBatch, OutboxMessage, OutboxState
from .policies import (
    Policy,
    PolicyAcknowledgement,
    PolicyReminderLog,
    PolicyRequirement,
    PolicyReviewAlert,
    PolicyVersion,
)
from .reminders import ReminderLog
from .sessions import UserSession
from .settings import OrgSettings
from .users import Role, School, StaffGroup, User

__all__ = [
    "Attempt",
    "AttemptPurpose",
    "AttemptQuestion",
    "AttemptState",
    "AuditEvent",
    "BankEdition",
    "BankReviewAlert",
    "Base",
    "BulkJob",
    "Certificate",
    "CertificateFile",
    "Course",
    "CourseBank",
    "CourseRequirement",
    "EvidenceFile",
    "ExternalState",
    "ExternalTraining",
    "FinishReason",
    "JobKind",
    "JobRun",
    "JobState",
    "JoinLink",
    "JoinRequest",
    "JoinState",
    "OidcLink",
    "OidcProvider",
    "OrgSettings",
    "OutboxBatch",
    "OutboxMessage",
    "OutboxState",
    "Policy",
    "PolicyAcknowledgement",
    "PolicyReminderLog",
    "PolicyRequirement",
    "PolicyReviewAlert",
    "PolicyVersion",
    "Question",
    "QuestionBank",
    "QuestionImage",
    "QuestionType",
    "ReminderLog",
    "Role",
    "School",
    "StaffGroup",
    "User",
    "UserSession",
]
