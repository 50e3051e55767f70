"""The database cache table that holds the rate-limit counts every process shares (settings
``CACHES["ratelimit"]``), so that ``migrate`` (and ``yizhan init``) create it. Idempotent: Django's
``createcachetable`` skips tables that exist and caches that are not database caches."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_holiday_notice")]
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
