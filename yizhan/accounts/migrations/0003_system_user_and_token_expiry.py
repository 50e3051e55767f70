"""The system account's flag; every API token gets an expiry (tokens without one: a year after issue)."""

import datetime

from django.db import migrations, models


def expire_open_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.filter(expires_at__isnull=True):
        token.expires_at = token.created_at + datetime.timedelta(days=365)
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='is_system',
            field=models.BooleanField(default=False, editable=False, help_text='定时任务等自动操作以“系统”的名义记录；该账号不能登录。', verbose_name='系统账号'),
        ),
        migrations.RunPython(expire_open_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(verbose_name='有效期至'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='last_used_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='最近使用'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(condition=models.Q(('is_system', True)), fields=('is_system',), name='accounts_one_system_user'),
        ),
    ]
