"""Cross-cutting tables: working-day calendar overrides, number sequences, idempotency records,
in-app notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _


class HolidayNotice(models.Model):
    """The State Council's notice of a year's holidays (国务院办公厅关于某年部分节假日安排的通知), as the
    system administrator entered it: its days (``CalendarOverride`` rows) decide that whole year and
    supersede the calendar package and the holidays computed from 《全国年节及纪念日放假办法》."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    title = models.CharField(_("通知名称"), max_length=255)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度节假日安排")
        verbose_name_plural = _("年度节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class CalendarOverride(models.Model):
    """A day whose working/non-working status is fixed: a day of a yearly notice (``notice`` set), or a
    single day an administrator fixed (e.g. a local arrangement)."""

    notice = models.ForeignKey(
        HolidayNotice,
        verbose_name=_("所属年度安排"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="days",
    )
    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=128, blank=True)
    source = models.CharField(
        _("依据"), max_length=255, blank=True, help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知")
    )

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'工作日' if self.is_workday else '休息日'}"


class Sequence(models.Model):
    """Named counters for human-readable numbers (受理编号); incremented under a row lock."""

    key = models.CharField(max_length=64, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

    @classmethod
    def next_value(cls, key: str) -> int:
        """Must run inside a transaction; concurrent callers serialise on the row (one round trip)."""
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            raise RuntimeError("Sequence.next_value must run inside transaction.atomic()")
        q = connection.ops.quote_name
        table, value, name = q(cls._meta.db_table), q("value"), q("key")
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {value} = {value} + 1 WHERE {name} = %s RETURNING {value}",  # noqa: S608
                [key],
            )
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        try:
            with transaction.atomic():
                cls.objects.create(key=key, value=1)
            return 1
        except IntegrityError:  # created concurrently by another request
            return cls.next_value(key)


class IdempotencyRecord(models.Model):
    """The stored answer to a create request with an ``Idempotency-Key`` header: a retry with the same
    key returns the same response instead of creating a duplicate."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    scope = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("幂等记录")
        verbose_name_plural = _("幂等记录")
        constraints = [
            models.UniqueConstraint(fields=["owner", "scope", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class Notification(models.Model):
    """A message to a staff member: escalations of overdue matters, transfers received, …"""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=32)
    message = models.CharField(_("内容"), max_length=255)
    link = models.CharField(_("链接"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message
