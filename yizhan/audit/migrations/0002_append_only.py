from django.db import migrations

from yizhan.core.append_only import install

forwards, backwards = install("audit_auditlog")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
