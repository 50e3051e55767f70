"""``yizhan token issue --user USER --name NAME`` / ``yizhan token revoke PREFIX`` / ``yizhan token list``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yizhan.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "管理集成客户端的接口令牌"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="签发令牌（只显示一次）")
        issue.add_argument("--user", required=True, help="令牌所属账号（其单位决定数据范围）")
        issue.add_argument("--name", required=True, help="用途，如：掌上12348小程序")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("prefix", help="令牌前缀（token list 可查）")
        sub.add_parser("list", help="列出令牌")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "issue":
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"没有账号 {options['user']}")
            _, raw = ApiToken.issue(user, options["name"])
            self.stdout.write(raw)
        elif action == "revoke":
            tokens = list(ApiToken.objects.active().filter(prefix=options["prefix"]))
            if not tokens:
                raise CommandError("没有找到有效的令牌")
            for token in tokens:
                token.revoke()
            self.stdout.write(f"已吊销 {len(tokens)} 个令牌")
        else:
            for token in ApiToken.objects.select_related("user").order_by("-created_at"):
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(f"{token.prefix}\t{token.name}\t{token.user.username}\t{state}")
