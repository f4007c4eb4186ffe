"""The DSL's compliance dashboard, person pages and exports."""
from flask import Blueprint

bp = Blueprint("dsl", __name__, url_prefix="/dsl")
