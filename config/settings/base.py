"""Settings shared by every environment. Everything that differs comes from the
environment (django-environ); see local.py, test.py and production.py."""

import ipaddress
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from config import devdb, storage_url
from config.observability import logs

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = devdb.VAR_DIR

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret-6f1c0a8e")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For
# and X-Forwarded-Proto are believed; from anyone else they are dropped.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

INSTALLED_APPS = [
    "config.apps.CoreConfig",
    "accounts",
    "tracker",
    "reports",
    "audit",
    "notifications",
    "supervision",
    "parks",
    "imports",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "config.apps.BeatConfig",
    "rules",
    "config.apps.AxesConfig",
    "pgtrigger",
    "pghistory",
]

MIDDLEWARE = [
    # First: forwarding headers count only from TRUSTED_PROXIES.
    "config.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RequestIdMiddleware",
    # Log context and metrics of the request, which now has its id.
    "config.observability.middleware.ObservabilityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "config.middleware.ErrorContractMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout raised during
    # authentication into its 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# PostgreSQL only (a system check refuses anything else). DATABASE_URL; local
# and test settings fall back to the embedded server under var/ when it is unset,
# production refuses to start without it.
DATABASE_URL = env("DATABASE_URL", default="")


def database_settings(url: str) -> dict:
    cfg = devdb.database_config(url)
    cfg.update(
        CONN_MAX_AGE=env.int("CONN_MAX_AGE", default=60),
        CONN_HEALTH_CHECKS=True,
    )
    # No statement of the service is JIT-compiled: the light's per-row
    # subqueries make the planner's cost estimates large enough to buy a
    # compilation that takes far longer than running the statement (seconds on
    # the home page). Set per connection, so a server's own jit setting does
    # not matter; tests/test_no_jit.py checks the heavy statements' plans.
    options = cfg.setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, [options.get("options"), "-c jit=off"]))
    return cfg


DATABASES = {"default": database_settings(DATABASE_URL)} if DATABASE_URL else {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first so that a locked-out username/IP pair is refused before any password
# is checked; rules answers object permissions for the admin and templates.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
# Lock the pair, not the IP alone: colleagues behind one government NAT must not
# lock each other out, and not the username alone: a stranger must not be able
# to lock a coordinator out from anywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.signin.axes_username"
# The address a lockout is keyed on: the peer, or the client named by a trusted
# proxy (config/proxies.py); never what a client claims in X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "config.proxies.client_ip"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Sessions live in the database, never in the broker's Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Reports, exports, imports and evidence: STORAGE_URL unset or file:// → under
# MEDIA_ROOT (file:///dir → under dir); s3://BUCKET[/PREFIX] → private objects
# in an S3-compatible store, which every web node and worker must reach
# (config/storage_url.py). Code reads and writes files only through
# django.core.files.storage.default_storage.
STORAGE_URL = env("STORAGE_URL", default="")
MEDIA_ROOT = storage_url.media_root(STORAGE_URL) or MEDIA_ROOT
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="")
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="us-east-1")
STORAGES = {
    "default": storage_url.default_storage(
        STORAGE_URL,
        endpoint_url=AWS_S3_ENDPOINT_URL,
        access_key=env("AWS_ACCESS_KEY_ID", default=""),
        secret_key=env("AWS_SECRET_ACCESS_KEY", default=""),
        region=AWS_S3_REGION_NAME,
    ),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Mail (notifications, report and digest mail), sent only by the worker.
# EMAIL_URL names the server: smtp+tls://user:password@host:587 (STARTTLS),
# smtp+ssl://user:password@host:465 (TLS from the start), smtp://host:25 (plain,
# inside the intranet), consolemail:// (print). Unset: EMAIL_BACKEND as before
# (a dotted backend class), else the console (production: SMTP on
# localhost:25). A user or password with @ : / in it is percent-encoded.
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    globals().update(
        {k: v for k, v in env.email_url("EMAIL_URL").items() if k.startswith("EMAIL_")}
    )
else:
    EMAIL_BACKEND = env(
        "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
# Seconds a worker waits on the mail server before giving the attempt up (and
# retrying later): a server that accepts connections and never answers must
# not hold a worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="tracker@localhost")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Token first: DRF answers an unauthenticated request with the first class's
    # WWW-Authenticate challenge, and only then can it be a 401 (session auth has
    # no challenge, so with it first DRF would turn every 401 into a 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "config.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "config.api.problems.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "config.api.throttling.UserRateThrottle",
        "config.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_THROTTLE_USER", default="600/min"),
        "anon": env("API_THROTTLE_ANON", default="60/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Django's SecurityMiddleware sends these on every response (their defaults,
# stated); the CSP and Permissions-Policy are config.middleware's.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Idempotency-Key records are honoured (and kept) for this long.
IDEMPOTENCY_TTL_HOURS = env.int("IDEMPOTENCY_TTL_HOURS", default=24)
# Largest evidence attachment accepted (bytes).
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "成渝地区双城经济圈合作事项清单 API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the project's static files (government intranets have no
    # internet, and a CDN would run script on our origin) under the site's CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from validator.swagger.io: nothing leaves the intranet.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "tracker.choices.TaskStatus",
        "MilestoneStatusEnum": "tracker.choices.MilestoneStatus",
        "ExtensionStatusEnum": "tracker.choices.ExtensionStatus",
        "LightEnum": "tracker.choices.Light",
        "TaskActionEnum": "tracker.workflow.ACTION_CHOICES",
        "VerificationStatusEnum": "tracker.choices.VerificationStatus",
        "QualifierEnum": "tracker.choices.Qualifier",
        "ReportKindEnum": "reports.choices.ReportKind",
        "ReportScopeEnum": "reports.choices.ScopeKind",
        "ReportStatusEnum": "reports.choices.ReportStatus",
        "CycleStateEnum": "parks.choices.CycleState",
        "AssessmentStateEnum": "parks.choices.AssessmentState",
        "ScoringRuleEnum": "parks.choices.ScoringRule",
        "EvaluationOutcomeEnum": "parks.choices.EvaluationOutcome",
        "AssessmentActionEnum": "parks.choices.AssessmentAction",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.add_problem_responses",
    ],
}

# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport
# under var/, so a developer's machine needs no broker at all.
REDIS_URL = env("REDIS_URL", default="")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 3,
        "socket_timeout": 5,
        "visibility_timeout": 3600,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_QUEUE_DIR / 'results'}"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=660)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A report keeps running through a broker outage: its row, its advisory lock and
# its idempotent steps make a redelivered message a no-op, so there is nothing to
# gain from killing it when the connection drops (Celery 6 will do so unless told).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Seconds a web request (or a sweep) may spend handing one job to the broker
# before it leaves the job to the worker's sweep on reconnecting (config.celery).
BROKER_PUBLISH_TIMEOUT = env.float("BROKER_PUBLISH_TIMEOUT", default=0.5)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = True

# Django's cache holds only throwaway state (API throttle counters). Redis when it
# is there, with timeouts short enough that a hung Redis (accepting connections,
# never answering) leaves a request well within a second: the throttle fails open
# and a report request adds at most BROKER_PUBLISH_TIMEOUT. Otherwise
# per-process memory, which is good enough for one developer.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tracker",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# LOG_FORMAT=json: one JSON object per line, each with the request id, user
# and route of the request it belongs to, or the task (and the request that
# queued it) on the worker (config/observability/logs.py). Plain text otherwise.
LOG_FORMAT = env("LOG_FORMAT", default="plain").lower()
LOGGING = logs.logging_config(fmt=LOG_FORMAT, level=env("LOG_LEVEL", default="INFO"))

# /metrics (Prometheus): answered to a bearer token equal to METRICS_TOKEN, or
# to a client address in METRICS_ALLOW (networks, comma-separated; loopback
# unless set; empty: none), read as config.proxies reads it behind
# TRUSTED_PROXIES. Anyone else gets a 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOW = env.list("METRICS_ALLOW", default=["127.0.0.1/32", "::1/128"])
METRICS_ALLOW_NETWORKS = [
    ipaddress.ip_network(n.strip(), strict=False) for n in METRICS_ALLOW if n.strip()
]

# Status lights: amber when a milestone falls due within this many days, or when
# progress lags the share of elapsed time by more than this many points.
TRACKER_AMBER_WINDOW_DAYS = env.int("TRACKER_AMBER_WINDOW_DAYS", default=7)
TRACKER_PROGRESS_LAG_MARGIN = env.int("TRACKER_PROGRESS_LAG_MARGIN", default=20)
# The task page offers 申请销号 up front once a party's progress reaches this
# share (or its milestones are all done); below it the form stays lower, folded.
TRACKER_CLAIM_HINT_PROGRESS = env.int("TRACKER_CLAIM_HINT_PROGRESS", default=90)

# Audit trail: context stored in each event row (complete once sealed); event
# tables are append-only (triggers refuse UPDATE and DELETE).
import pghistory  # noqa: E402

PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()
PGHISTORY_APPEND_ONLY = True
# The context JSON carries the application's signature, bound to the database
# session that writes it (audit/context.py).
PGHISTORY_JSON_ENCODER = "audit.context.SigningEncoder"
# An event's time is when its row was written, not when its transaction began:
# the sealer refuses rows older than the last seal (audit/sealing/sealer.py), and a
# long transaction may begin before a seal and write after it.
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"
# The role the history trigger functions run as (SECURITY DEFINER): it may only
# insert into the event tables. Nobody logs in as it; migrate creates it when
# the migrating role may (see README, "The audit trail").
AUDIT_OWNER_ROLE = env("AUDIT_OWNER_ROLE", default="tracker_audit")
# Each sealing run's head digest is appended to this file once the run commits
# (audit/sealing/anchors.py), and audit_verify checks the ledger against every
# line: keep it outside the database's reach (another disk or machine, made
# append-only with `chattr +a`). Unset: no file (reports and mail still carry
# the digests).
AUDIT_ANCHOR_PATH = env("AUDIT_ANCHOR_PATH", default="") or None
PGHISTORY_MIDDLEWARE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Triggers are installed (and kept in step) after every migrate rather than
# written into migrations: some tracked tables belong to other apps (auth,
# django_celery_beat) whose migrations are not ours to add to.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True

# Progress reports.
REPORTS_ISSUER = env("REPORTS_ISSUER", default="川渝经济和信息化部门联合专班")
# The public address of the service, for links in report e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# The sweeper re-queues a report still queued after this many minutes (the
# broker may have lost the message or never got it); a running report whose
# worker died is re-queued at once, since its lock died with its connection.
REPORTS_REQUEUE_AFTER_MINUTES = env.int("REPORTS_REQUEUE_AFTER_MINUTES", default=10)
REPORTS_MAX_ATTEMPTS = env.int("REPORTS_MAX_ATTEMPTS", default=5)
# Seconds to wait between generation steps. Zero in service; fault drills and
# the killed-worker test set it to catch a worker mid-report.
REPORTS_STEP_PAUSE_SECONDS = env.float("REPORTS_STEP_PAUSE_SECONDS", default=0)
# The broker queue report jobs go to (the worker's default queue unless set).
REPORTS_QUEUE = env("REPORTS_QUEUE", default="celery")

# The joint office's workbench (督办工作台, /office/): light overrides ending
# within this many days, completion claims the counterpart has left unanswered
# for longer than this, and overdue items with no 催办 or reminder for this
# many days are put in front of the office.
SUPERVISION_OVERRIDE_EXPIRY_DAYS = env.int(
    "SUPERVISION_OVERRIDE_EXPIRY_DAYS", default=7
)
SUPERVISION_CLAIM_WAIT_DAYS = env.int("SUPERVISION_CLAIM_WAIT_DAYS", default=5)
SUPERVISION_UNREMINDED_DAYS = env.int("SUPERVISION_UNREMINDED_DAYS", default=3)
# 催办 by hand is the joint office's; leadership may send one too when this is
# set (some task forces want their leaders to chase directly, most do not).
SUPERVISION_LEADERSHIP_MAY_URGE = env.bool(
    "SUPERVISION_LEADERSHIP_MAY_URGE", default=False
)

# Task list import (imports/): the limits of an uploaded file, and the size
# above which its dry run and import run in the worker.
IMPORTS_MAX_BYTES = env.int("IMPORTS_MAX_BYTES", default=5 * 1024 * 1024)
IMPORTS_MAX_ROWS = env.int("IMPORTS_MAX_ROWS", default=5000)
IMPORTS_INLINE_ROWS = env.int("IMPORTS_INLINE_ROWS", default=500)
# A file larger than this is not even opened in the web request.
IMPORTS_INLINE_BYTES = env.int("IMPORTS_INLINE_BYTES", default=512 * 1024)
IMPORTS_MAX_UNPACKED_BYTES = env.int(
    "IMPORTS_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024
)
IMPORTS_MAX_RATIO = env.int("IMPORTS_MAX_RATIO", default=100)
IMPORTS_MAX_MEMBERS = env.int("IMPORTS_MAX_MEMBERS", default=200)
