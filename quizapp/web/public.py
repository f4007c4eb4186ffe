"""Public pages that need no sign-in: certificate verification."""
from flask import Blueprint

bp = Blueprint("public", __name__)
