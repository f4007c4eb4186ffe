"""Training done elsewhere: the person's own records, the DSL's approval queue, recording for staff, group sessions."""
from flask import Blueprint

bp = Blueprint("external", __name__)

from . import decide, group, own  # noqa: E402,F401  (registers routes)
