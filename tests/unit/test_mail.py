"""Mail: messages, the outbox and real SMTP delivery to aiosmtpd (plain, login, STARTTLS, SSL)."""
from __future__ import annotations

import email
import ssl
import subprocess  # nosec B404 - test-only: makes a throwaway certificate with the openssl tool
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from quizapp.notify.mail import MailError, MailSettings, build_message, deliver, send

from ..smtp import Inbox, free_port, start_server


def _settings(port: int, tmp_path: Path, **changes: Any) -> MailSettings:
    return MailSettings(**{"host": "127.0.0.1", "port": port, "tls": "none", "user": None, "password": None,
                           "sender": "training@school.test", "outbox": tmp_path / "outbox", "timeout": 10,
                           **changes})


def _message(to: str = "zoe@example.org") -> EmailMessage:
    return build_message("training@school.test", to, "Your training", "Plain words.\n", "<p>Plain words.</p>",
                         to_name="Zoë Ó Súilleabháin")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",  # nosec
                    str(cert), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def test_message_has_text_and_html_alternative() -> None:
    message = _message()
    assert message["Subject"] == "Your training"
    assert message.get_body(("plain",)).get_content() == "Plain words.\n"
    assert message.get_body(("html",)).get_content().strip() == "<p>Plain words.</p>"
    assert "zoe@example.org" in str(message["To"]) and "Súilleabháin" in str(message["To"])
    assert message["Message-ID"].endswith("@school.test>")


def test_without_a_host_mail_goes_to_the_outbox(tmp_path: Path) -> None:
    settings = _settings(0, tmp_path, host=None)
    send(settings, _message())
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    saved = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert saved["Subject"] == "Your training"
    assert saved.get_body(("plain",)).get_content() == "Plain words.\n"


def test_from_config_reads_the_settings(tmp_path: Path) -> None:
    settings = MailSettings.from_config({"MAIL_HOST": "smtp.example.org", "MAIL_PORT": 465, "MAIL_TLS": "SSL",
                                         "MAIL_USER": "u", "MAIL_PASSWORD": "p", "MAIL_FROM": "a@b.org"}, tmp_path)
    assert (settings.host, settings.port, settings.tls, settings.sender) == ("smtp.example.org", 465, "ssl", "a@b.org")
    assert settings.outbox == tmp_path / "outbox"
    with pytest.raises(MailError, match="QUIZAPP_MAIL_TLS"):
        MailSettings.from_config({"MAIL_TLS": "tls1.2"}, tmp_path)


def test_smtp_delivers_to_a_real_server(smtp_inbox: Inbox, tmp_path: Path) -> None:
    results = deliver(_settings(smtp_inbox.port, tmp_path), [_message("a@example.org"), _message("b@example.org")])
    assert results == [None, None]
    assert [r for r in smtp_inbox.recipients] == [["a@example.org"], ["b@example.org"]]
    received = smtp_inbox.messages[0]
    assert received["Subject"] == "Your training"
    assert Inbox.text(received) == "Plain words.\n"
    assert not (tmp_path / "outbox").exists()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_logs_in_when_a_user_is_set(tmp_path: Path) -> None:
    seen: list[tuple[str, str]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        seen.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == b"s3cret-pass")

    inbox, controller = start_server(authenticator=authenticator, auth_require_tls=False, auth_required=True)
    try:
        with pytest.raises(MailError):  # this server refuses mail from anyone who has not logged in
            send(_settings(inbox.port, tmp_path), _message())
        send(_settings(inbox.port, tmp_path, user="mailer", password="s3cret-pass"), _message())
    finally:
        controller.stop()
    assert seen == [("mailer", "s3cret-pass")]
    assert len(inbox.messages) == 1


def test_starttls_and_ssl_use_verified_tls(certificate: tuple[Path, Path], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts only this throwaway certificate
    inbox, controller = start_server(tls_context=server_context, require_starttls=True)
    try:
        with pytest.raises(MailError):  # STARTTLS is required by this server, so plain is refused
            send(_settings(inbox.port, tmp_path, tls="none"), _message())
        send(_settings(inbox.port, tmp_path, tls="starttls"), _message("tls@example.org"))
    finally:
        controller.stop()
    assert inbox.recipients == [["tls@example.org"]]
    inbox, controller = start_server(ssl_context=server_context)
    try:
        send(_settings(inbox.port, tmp_path, tls="ssl"), _message("ssl@example.org"))
    finally:
        controller.stop()
    assert inbox.recipients == [["ssl@example.org"]]


def test_unreachable_server_reports_each_message(tmp_path: Path) -> None:
    results = deliver(_settings(free_port(), tmp_path, timeout=2), [_message(), _message()])
    assert len(results) == 2 and all(r and "could not reach the mail server" in r for r in results)
    with pytest.raises(MailError):
        send(_settings(free_port(), tmp_path, timeout=2), _message())
