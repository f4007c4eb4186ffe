"""Signing in with an OpenID Connect provider (Microsoft Entra ID, Google Workspace or any certified one)."""
from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..audit import record
from ..config import base_url, now
from ..extensions import db, limiter
from ..people.oidc import (
    OidcRefused,
    ProviderConfig,
    authorization_request,
    discover,
    exchange_code,
    verify_id_token,
)
from ..people.oidc_accounts import sign_in_with_claims
from ..people.oidc_providers import all_providers, find_provider, required_provider_for
from .forms import SignInForm
from .join import join_by_provider
from .main import landing_url
from .permissions import PUBLIC, allow
from .security import keep_changes
from .sign_in_session import begin_session
from .urls import safe_next

bp = Blueprint("oidc", __name__)
PENDING = "oidc_pending"  # what the callback must match: state, nonce, PKCE verifier, provider, next page
SIGNED_IN_WITH = "oidc_signed_in"  # provider key and ID token, for the provider's end-session endpoint
SIGNED_OUT = "oidc_signed_out"  # after sign-out: the provider's label and end-session address
CALLBACK_PATH = "/sign-in/oidc/callback"


def redirect_uri() -> str:
    """The address to register at the provider: <base URL>/sign-in/oidc/callback."""
    return base_url().rstrip("/") + CALLBACK_PATH


@bp.app_template_global()
def sign_in_providers() -> list[ProviderConfig]:
    """The providers whose buttons the sign-in page shows."""
    return all_providers(db.session, current_app.config)


def refuse_password_sign_in(form: SignInForm) -> bool:
    """Refuse the password form for an e-mail whose domain must use a provider, naming its button."""
    provider = required_provider_for(all_providers(db.session, current_app.config), form.email.data or "")
    if provider is None:
        return False
    form.form_errors.append(f"Your school signs you in with its own accounts: use the “{provider.label}” button.")
    return True


# A GET link, not a form: the page's CSP (form-action 'self') would stop a form's redirect to the provider, and
# the state bound to this session already stops a forged sign-in.
@bp.route("/sign-in/oidc/start/<key>")
@limiter.limit("30 per minute", scope="oidc-start")
@allow(PUBLIC)
def start(key: str) -> Response:
    """Send the browser to the provider with a fresh state, nonce and PKCE challenge."""
    if current_user.is_authenticated:
        return redirect(landing_url())
    provider = find_provider(db.session, current_app.config, key)
    if provider is None:
        return _refused("That sign-in button is no longer available. Reload the page and try again.",
                        f"start for unknown provider {key[:40]!r}")
    try:
        auth = authorization_request(provider, discover(provider), redirect_uri())
    except OidcRefused as refused:
        return _refused(refused.message, refused.reason)
    session[PENDING] = {"state": auth.state, "nonce": auth.nonce, "verifier": auth.code_verifier,
                        "provider": provider.key, "next": safe_next(request.args.get("next")),
                        "join": request.args.get("join", "")[:200]}
    return redirect(auth.url)


def _refused(message: str, reason: str) -> Response:
    """Log why, keep the audit row, and show the person the plain message on the sign-in page."""
    current_app.logger.warning("OpenID Connect sign-in refused: %s", reason)
    record(db.session, None, "auth.oidc_refused", "", reason=reason[:200])
    keep_changes("audit of a refused sign-in")
    flash(message, "error")
    return redirect(url_for("auth.sign_in"))


def _checked_callback(pending: dict[str, Any] | None) -> tuple[ProviderConfig, dict[str, Any], str]:
    """Match the callback to the pending request, swap the code and verify the ID token."""
    state = request.args.get("state", "")
    if not pending or not state or not hmac.compare_digest(str(pending.get("state")), state):
        raise OidcRefused("That sign-in had expired or was already used. Start again.", "state missing or wrong")
    if request.args.get("error"):
        raise OidcRefused("The sign-in was cancelled or refused by the sign-in service.",
                          f"provider error {request.args.get('error', '')[:80]!r}")
    provider = find_provider(db.session, current_app.config, str(pending.get("provider")))
    code = request.args.get("code")
    if provider is None or not code:
        raise OidcRefused("That sign-in could not be completed. Start again.", "no provider or no code")
    metadata = discover(provider)
    id_token = exchange_code(provider, metadata, redirect_uri(), code, str(pending["verifier"]))
    return provider, verify_id_token(id_token, metadata, provider, str(pending["nonce"]), now()), id_token


@bp.route(CALLBACK_PATH)
@limiter.limit("30 per minute", scope="oidc-callback")
@allow(PUBLIC)
def callback() -> Response | str | tuple[str, int]:
    """Finish the sign-in the provider sent back: state, code, ID token, then the person (linked or new)."""
    pending = session.pop(PENDING, None)  # popped first: a replayed callback finds nothing to match
    try:
        provider, claims, id_token = _checked_callback(pending)
        if pending and pending.get("join"):
            return join_by_provider(str(pending["join"]), provider, claims)
        user = sign_in_with_claims(db.session, provider, claims, now())
    except OidcRefused as refused:
        return _refused(refused.message, refused.reason)
    next_url = pending.get("next") if pending else None
    begin_session(user)
    session[SIGNED_IN_WITH] = {"provider": provider.key, "id_token": id_token}
    return redirect(next_url or landing_url())


def provider_sign_out(signed_in_with: dict[str, Any] | None) -> dict[str, str] | None:
    """The provider's label and end-session address (RP-initiated logout) for a person who signed in with it."""
    if not signed_in_with:
        return None
    provider = find_provider(db.session, current_app.config, str(signed_in_with.get("provider")))
    if provider is None:
        return None
    try:
        endpoint = discover(provider).get("end_session_endpoint")
    except OidcRefused:
        return None
    if not isinstance(endpoint, str):
        return None
    query = {"id_token_hint": signed_in_with.get("id_token", ""), "client_id": provider.client_id,
             "post_logout_redirect_uri": base_url().rstrip("/") + url_for("auth.sign_in")}
    return {"label": provider.label, "url": endpoint + ("&" if "?" in endpoint else "?") + urlencode(query)}


def after_sign_out(signed_in_with: dict[str, Any] | None) -> Response | None:
    """Call once the local session has ended: offer the provider's sign-out too, where it has one."""
    ending = provider_sign_out(signed_in_with)
    if ending is None:
        return None
    session[SIGNED_OUT] = ending
    return redirect(url_for("oidc.signed_out"))


@bp.route("/sign-out/provider")
@allow(PUBLIC)
def signed_out() -> str | Response:
    """Say the local sign-out is done and link to the provider's own sign-out (a link: CSP stops a redirect)."""
    ending = session.pop(SIGNED_OUT, None)
    if not ending:
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/signed_out.html", label=ending["label"], url=ending["url"])

