"""``yizhan token issue --user USER --name NAME [--days N]`` / ``yizhan token revoke PREFIX`` /
``yizhan token list``. Issue and revocation are audited; a revocation takes effect at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yizhan.accounts.models import ApiToken, User
from yizhan.accounts.roles import GrantRefused
from yizhan.accounts.services import do_issue_token, do_revoke_token


class Command(BaseCommand):
    help = "管理集成客户端的接口令牌"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="签发令牌（只显示一次）")
        issue.add_argument("--user", required=True, help="令牌所属账号（其单位决定数据范围）")
        issue.add_argument("--name", required=True, help="用途，如：掌上12348小程序")
        issue.add_argument(
            "--days", type=int, default=None, help="有效天数（默认 YIZHAN_API_TOKEN_DAYS，365）"
        )
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("prefix", help="令牌前缀（token list 可查）")
        sub.add_parser("list", help="列出令牌")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "issue":
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"没有账号 {options['user']}")
            if options["days"] is not None and options["days"] < 1:
                raise CommandError("--days 至少为 1")
            try:
                _, raw = do_issue_token(user, options["name"], days=options["days"])
            except GrantRefused as refused:
                raise CommandError(refused.message) from refused
            self.stdout.write(raw)
        elif action == "revoke":
            tokens = list(ApiToken.objects.active().filter(prefix=options["prefix"]))
            if not tokens:
                raise CommandError("没有找到有效的令牌")
            for token in tokens:
                do_revoke_token(token)
            self.stdout.write(f"已吊销 {len(tokens)} 个令牌")
        else:
            for token in ApiToken.objects.select_related("user").order_by("-created_at"):
                state = "revoked" if token.revoked_at else "active"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "-"
                self.stdout.write(
                    f"{token.prefix}\t{token.name}\t{token.user.username}\t{state}"
                    f"\t{token.expires_at:%Y-%m-%d}\t{used}"
                )
