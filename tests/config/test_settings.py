import os
import secrets
from pathlib import Path

import pytest
from django.test import override_settings

from config.checks import postgresql_only
from tests.processes import manage

ROOT = Path(__file__).resolve().parents[2]
GOOD_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "tracker.example.gov.cn",
    "DATABASE_URL": "postgres://tracker@127.0.0.1:5432/tracker",
}


def run_production(args, **overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DEBUG"}
    }
    env.update(GOOD_ENV)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return manage(*args, env=env, database=False, timeout=120)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    result = run_production(["check"], **{missing: None})
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_refuses_a_weak_secret():
    result = run_production(["check"], SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY must be a random value" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = run_production(["check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_postgresql_is_accepted():
    assert postgresql_only() == []


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@pytest.mark.parametrize(
    "engine", ["django.db.backends.sqlite3", "django.db.backends.mysql", ""]
)
def test_any_other_engine_is_refused(engine):
    databases = {"default": {"ENGINE": engine, "NAME": "x"}}
    with override_settings(DATABASES=databases):
        errors = postgresql_only()
    assert [e.id for e in errors] == ["core.E001"]
    assert "PostgreSQL only" in errors[0].msg


def test_time_and_language_defaults(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_no_pending_migrations():
    result = manage("makemigrations", "--check", "--dry-run", database=False)
    assert result.returncode == 0, result.stdout + result.stderr
