"""Settings: production must be configured; the embedded default keeps one generated key."""
from pathlib import Path

import pytest

from quizapp import create_app
from quizapp.config import ConfigError, load_settings


def test_production_without_secret_key_stops_with_one_line(tmp_path: Path) -> None:
    env = {"QUIZAPP_ENV": "production", "QUIZAPP_DATABASE_URL": "postgresql://db/quizapp"}
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, env)
    assert str(info.value) == "quizapp: QUIZAPP_SECRET_KEY must be set when QUIZAPP_ENV=production"


def test_production_without_database_url_names_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="QUIZAPP_DATABASE_URL"):
        load_settings(tmp_path, {"QUIZAPP_ENV": "production", "QUIZAPP_SECRET_KEY": "x" * 40})


def test_production_cookies_are_secure(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, {"QUIZAPP_ENV": "production", "QUIZAPP_SECRET_KEY": "k" * 40,
                                        "QUIZAPP_DATABASE_URL": "postgresql://db/quizapp",
                                        "QUIZAPP_BASE_URL": "https://training.example.sch.uk/"})
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_embedded_default_generates_secret_once(tmp_path: Path) -> None:
    first = load_settings(tmp_path, {})
    second = load_settings(tmp_path, {})
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert first["DATABASE_URL"] == f"sqlite:///{tmp_path / 'quizapp.sqlite3'}"
    assert first["SESSION_COOKIE_SECURE"] is False
    assert first["RATELIMIT_STORAGE_URI"] == "memory://"


def test_redis_url_selects_shared_rate_limit_storage(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, {"QUIZAPP_REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_factory_with_test_config_has_no_side_effects(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'never-created.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "s" * 32, "DATABASE_URL": url})
    assert app.config["TESTING"] is True
    assert app.config["DATABASE_URL"] == url
    assert not (tmp_path / "never-created.sqlite3").exists()


def test_production_without_redis_warns_at_start_up(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = {"QUIZAPP_ENV": "production", "SECRET_KEY": "k" * 40, "DATABASE_URL": "sqlite://",
              "BASE_URL": "https://training.example.sch.uk/", "TESTING": True}
    with caplog.at_level("WARNING"):
        create_app(config)
    assert "QUIZAPP_REDIS_URL is not set, so each worker counts sign-in and reset limits on its own" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING"):
        create_app({**config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15"})
    assert "QUIZAPP_REDIS_URL" not in caplog.text


def test_trusted_proxies_must_be_a_count(tmp_path: Path) -> None:
    assert load_settings(tmp_path, {"QUIZAPP_TRUSTED_PROXIES": "2"})["TRUSTED_PROXIES"] == 2
    with pytest.raises(ConfigError, match="QUIZAPP_TRUSTED_PROXIES must be a whole number"):
        load_settings(tmp_path, {"QUIZAPP_TRUSTED_PROXIES": "yes"})


def test_queue_settings_and_their_checks(tmp_path: Path) -> None:
    defaults = load_settings(tmp_path, {})
    assert (defaults["REMINDER_HOUR"], defaults["MAIL_PER_MINUTE"], defaults["WORKERS"]) == (7, None, 2)
    assert defaults["QUEUE_NAME"] == "quizapp" and defaults["QUEUE_FILE"] is None
    chosen = load_settings(tmp_path, {"QUIZAPP_REMINDER_HOUR": "6", "QUIZAPP_MAIL_PER_MINUTE": "30"})
    assert (chosen["REMINDER_HOUR"], chosen["MAIL_PER_MINUTE"]) == (6, 30)
    with pytest.raises(ConfigError, match="QUIZAPP_REMINDER_HOUR must be an hour from 0 to 23"):
        load_settings(tmp_path, {"QUIZAPP_REMINDER_HOUR": "24"})
    with pytest.raises(ConfigError, match="QUIZAPP_MAIL_PER_MINUTE must be a whole number"):
        load_settings(tmp_path, {"QUIZAPP_MAIL_PER_MINUTE": "lots"})
