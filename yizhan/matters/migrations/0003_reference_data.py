from django.db import migrations


def forwards(apps, schema_editor):
    from yizhan.matters.reference_data import load

    load(apps)


class Migration(migrations.Migration):
    dependencies = [("matters", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
