"""Sending reminders from the DSL dashboard."""
from flask import Blueprint

bp = Blueprint("reminders", __name__, url_prefix="/dsl/reminders")
