"""Chain the audit rows by hash (core.chain) and refuse DELETE as well as UPDATE on every database."""

import django.utils.timezone
from django.db import migrations, models

from yizhan.core import append_only, chain

TABLE = "audit_auditlog"
# AuditLog.CHAIN_FIELDS as of this migration
CHAIN_FIELDS = (
    "at", "actor", "actor_label", "action", "object_type", "object_id", "object_repr", "changes", "ip",
    "request_id",
)


def chain_existing_rows(apps, schema_editor):
    connection = schema_editor.connection
    append_only.remove_triggers(connection, TABLE)
    chain.backfill(apps.get_model("audit", "AuditLog"), CHAIN_FIELDS, using=connection.alias)


protect, unprotect = append_only.install(TABLE)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditlog',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='auditlog',
            name='row_hash',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='auditlog',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间'),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.RunPython(protect, unprotect),
    ]
