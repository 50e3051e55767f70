"""The four milestone messages in plain, polite Chinese, and the default signature 【一站】.

The texts carry no signature (it is prefixed from SmsSettings) and no address: the cloud providers do
not accept a URL as a template variable, so an administrator writes the site's address into the text
before applying for approval, if wanted. The provider template ids stay empty until approved."""

from django.db import migrations

TEMPLATES = [
    (
        "matter_registered",
        "事项已登记",
        "您的事项已登记，查询码{code}，请妥善保管，可凭查询码在公共法律服务平台查询办理进度。退订回TD",
    ),
    (
        "matter_transferred",
        "事项已转交",
        "您的事项已转交{org}办理，可凭查询码{code}在公共法律服务平台查询进度。退订回TD",
    ),
    (
        "matter_concluded",
        "事项已办结",
        "您的事项已办结，可凭查询码{code}在公共法律服务平台查看办理结果。退订回TD",
    ),
    (
        "rating_invitation",
        "邀请评价",
        "感谢您使用公共法律服务，欢迎凭查询码{code}在公共法律服务平台评价本次服务。退订回TD",
    ),
]


def seed(apps, schema_editor):
    SmsTemplate = apps.get_model("sms", "SmsTemplate")
    SmsSettings = apps.get_model("sms", "SmsSettings")
    SmsSettings.objects.get_or_create(pk=1, defaults={"sign_name": "一站"})
    for code, name, text in TEMPLATES:
        SmsTemplate.objects.get_or_create(code=code, defaults={"name": name, "text": text, "active": True})


def unseed(apps, schema_editor):
    apps.get_model("sms", "SmsTemplate").objects.filter(
        code__in=[code for code, _name, _text in TEMPLATES], smsmessage__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("sms", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
