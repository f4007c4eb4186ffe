"""Public pages that need no sign-in: certificate verification by code, QR link or PDF."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from ..certificates.verify import MAX_PDF_BYTES, Verdict, find_by_code, find_by_pdf, looks_like_pdf, verdict
from ..config import now
from ..extensions import db, limiter
from ..models import Certificate, OrgSettings
from .permissions import PUBLIC, allow

bp = Blueprint("public", __name__)
LOOKUP_LIMIT = "30 per minute"
TOO_LARGE = "The file is larger than 2 MB, so it is not one of our certificates."


class CodeForm(FlaskForm):
    """The code lookup: a GET form (nothing changes), so it needs no CSRF token."""

    class Meta:
        csrf = False

    code = StringField("Certificate code", filters=[lambda value: value.strip() if value else value],
                       validators=[DataRequired(message="Enter the certificate code.")])


class PdfForm(FlaskForm):
    """Upload a certificate PDF to compare its bytes with the one issued."""

    pdf = FileField("Certificate PDF", validators=[FileRequired(message="Choose the certificate PDF to check.")],
                    render_kw={"accept": "application/pdf,.pdf"})
    content = b""

    def validate_pdf(self, field: FileField) -> None:
        """Read at most 2 MB and one byte, then check the size and the PDF signature."""
        data = field.data.stream.read(MAX_PDF_BYTES + 1)
        if not data:
            raise ValidationError("The file is empty. Choose the certificate PDF file.")
        if len(data) > MAX_PDF_BYTES:
            raise ValidationError(TOO_LARGE)
        if not looks_like_pdf(data):
            raise ValidationError("The file is not a PDF. Choose the certificate PDF file.")
        self.content = data


def _not_a_lookup() -> bool:
    # Opening the empty form costs nothing; only lookups and uploads count towards the limit.
    return request.method == "GET" and request.endpoint == "public.verify" and "code" not in request.args


verify_limit = limiter.shared_limit(LOOKUP_LIMIT, scope="verify", key_func=get_remote_address,
                                    exempt_when=_not_a_lookup)


def _page(code_form: CodeForm, pdf_form: PdfForm, **result: object) -> str:
    return render_template("public/verify.html", code_form=code_form, pdf_form=pdf_form, **result)


def _verdict(cert: Certificate | None) -> Verdict | None:
    if cert is None:
        return None
    return verdict(cert, now().date(), OrgSettings.current(db.session).keep_verifiable)


def _lookup(raw_code: str) -> Verdict | None:
    return _verdict(find_by_code(db.session, raw_code))


@bp.route("/verify", methods=["GET"])
@verify_limit
@allow(PUBLIC)
def verify() -> str:
    """The check page; with ?code= it also shows what that code belongs to."""
    code_form = CodeForm(formdata=request.args if "code" in request.args else None)
    if "code" in request.args and code_form.validate():
        return _page(code_form, PdfForm(formdata=None), looked_up=True, result=_lookup(code_form.code.data or ""))
    return _page(code_form, PdfForm(formdata=None))


@bp.route("/verify/<code>")
@verify_limit
@allow(PUBLIC)
def verify_code(code: str) -> str:
    """What the QR code opens: the result straight away."""
    code_form = CodeForm(formdata=None, data={"code": code})
    return _page(code_form, PdfForm(formdata=None), looked_up=True, result=_lookup(code))


@bp.errorhandler(RequestEntityTooLarge)
def _upload_too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    """A file over the app's upload limit is refused before the form is read: say so on the field."""
    pdf_form = PdfForm(formdata=None)
    pdf_form.pdf.errors = [TOO_LARGE]
    return _page(CodeForm(formdata=None), pdf_form), 413


@bp.route("/verify", methods=["POST"])
@verify_limit
@allow(PUBLIC)
def verify_pdf() -> str:
    """Compare an uploaded PDF with the ones issued, byte for byte (by SHA-256)."""
    pdf_form = PdfForm()
    if not pdf_form.validate_on_submit():
        return _page(CodeForm(formdata=None), pdf_form)
    cert = find_by_pdf(db.session, pdf_form.content)
    result = _verdict(cert)
    return _page(CodeForm(formdata=None), pdf_form, pdf_checked=True, pdf_result=result)


from . import privacy_notice  # noqa: E402,F401  (registers the privacy notice)
