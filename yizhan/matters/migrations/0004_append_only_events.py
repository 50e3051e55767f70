from django.db import migrations

from yizhan.core.append_only import install

forwards, backwards = install("matters_matterevent")


class Migration(migrations.Migration):
    dependencies = [("matters", "0003_reference_data")]
    operations = [migrations.RunPython(forwards, backwards)]
