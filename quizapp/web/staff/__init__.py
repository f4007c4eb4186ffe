"""Staff screens: my training, the course page and quiz, results and certificates."""
from flask import Blueprint

bp = Blueprint("staff", __name__)

from . import policies, quiz, records, training  # noqa: E402,F401  (registers routes)
