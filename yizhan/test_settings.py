"""Settings for the test suite: fixed throw-away keys, fast hashing, tasks run inline."""

import os
from pathlib import Path

# These keys protect nothing: they exist only inside test databases that are thrown away.
os.environ.setdefault("YIZHAN_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("YIZHAN_PII_KEYS", "u3Y1Nn3Vv7m2i5Q8b0b2cQm0mXwqk0J8m4Yc1c8s5pU=")
os.environ.setdefault("YIZHAN_BLIND_INDEX_KEY", "test-only-blind-index-key")
os.environ.setdefault("YIZHAN_TASKS_BACKEND", "immediate")
os.environ.setdefault("YIZHAN_ENV_FILE", "/nonexistent/secrets.env")

from yizhan.settings import *  # noqa: F403
from yizhan.settings import DATA_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("YIZHAN_MEDIA_ROOT") or DATA_DIR / "test-media")
STATUTE_INDEX_DIR = DATA_DIR / "test-index" / "statutes"
PUBLIC_RATE_PER_SECOND = 1000
QUERY_CODE_RATE = "100000/m"  # the tests that check the limits lower it
LOGIN_RATE = "100000/m"
