"""The four milestone messages and the default signature 【一站】 (yizhan/sms/defaults.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from yizhan.sms.defaults import load

    load(apps)


def unseed(apps, schema_editor):
    from yizhan.sms.defaults import TEMPLATES

    apps.get_model("sms", "SmsTemplate").objects.filter(
        code__in=[code for code, _name, _text in TEMPLATES], smsmessage__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("sms", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
