"""Admin screens: one module per screen, all on one blueprint under /admin."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import audit, banks, certificates, courses, policies, privacy, schools, settings, sign_in, users  # noqa: E402,F401,I001
