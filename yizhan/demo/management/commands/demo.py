"""``yizhan demo --matters N``: the demo district (once) and N matters over 24 months."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yizhan.demo.district import ROLE_ACCOUNTS, build_district
from yizhan.demo.matters import generate_matters
from yizhan.matters.services import do_sweep_deadlines
from yizhan.orgs.models import Organization

ACCOUNTS_FILE = "demo-accounts.txt"


def accounts_path() -> Path:
    return Path(settings.DATA_DIR) / ACCOUNTS_FILE


class Command(BaseCommand):
    help = "生成演示区县（13个乡镇街道、110个村社区、机构、人员、各角色账号）和演示事项"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--matters", type=int, default=2000, help="生成的事项数量")
        parser.add_argument("--small", action="store_true", help="小规模（测试用：2个乡镇）")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--password", default=None, help="所有演示账号的密码（默认随机生成）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["matters"] < 0:
            raise CommandError("--matters 不能为负数")
        if not Organization.objects.exists():
            started = time.monotonic()
            district = build_district(small=options["small"], password=options["password"])
            lines = [
                f"{name}\t{district.passwords[name]}\t{role}\t{district.users[name].unit}"
                for name, role, _full, _unit in ROLE_ACCOUNTS
            ]
            path = accounts_path()
            path.write_text(
                "# 演示账号（用户名\t密码\t角色\t单位）\n" + "\n".join(lines) + "\n", encoding="utf-8"
            )
            path.chmod(0o600)
            self.stdout.write(f"演示区县已建立（{time.monotonic() - started:.1f} 秒），账号见 {path}")
        if options["matters"]:
            started = time.monotonic()
            total = 0
            for total in generate_matters(options["matters"], seed=options["seed"]):
                if total % 20000 == 0 or total == options["matters"]:
                    self.stdout.write(f"  已生成 {total} 件事项")
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"生成 {total} 件演示事项，用时 {elapsed:.1f} 秒（{total / max(elapsed, 0.001):.0f} 件/秒）"
            )
            # the deadline sweep runs once, as the worker's scheduler would: late matters are escalated
            swept = do_sweep_deadlines()
            self.stdout.write(f"超期督办 {swept.newly_overdue} 件")
