from django.db import migrations, models


def copy_status(apps, schema_editor):
    Law = apps.get_model("knowledge", "Law")
    Law.objects.update(source_status=models.F("status"))


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_faq_typicalcase")]

    operations = [
        migrations.AddField(
            model_name="law",
            name="source_status",
            field=models.CharField(blank=True, max_length=16, verbose_name="来源标注的时效性"),
        ),
        migrations.RunPython(copy_status, migrations.RunPython.noop),
    ]
