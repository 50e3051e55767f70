"""``yizhan init``: everything `make run` needs before serving — idempotent, safe to re-run."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from yizhan.demo.management.commands.demo import accounts_path
from yizhan.orgs.models import Organization


class Command(BaseCommand):
    help = "初始化：数据库迁移、静态文件、法律法规库导入；首次运行时生成演示数据"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--demo-matters", type=int, default=2000, help="首次运行时生成的演示事项数量（0 为不生成）"
        )
        parser.add_argument("--no-demo", action="store_true", help="不生成演示数据")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库已迁移")
        call_command("collectstatic", interactive=False, verbosity=0)
        if "laws_import" in get_commands():
            call_command("laws_import")
        if not options["no_demo"] and not Organization.objects.exists():
            call_command("demo", matters=options["demo_matters"])
        path = accounts_path()
        if path.exists():
            self.stdout.write("\n演示账号（用户名  密码  角色  单位）：")
            for line in path.read_text(encoding="utf-8").splitlines()[1:]:
                self.stdout.write("  " + line.replace("\t", "  "))
        self.stdout.write(
            "\n网站地址：http://127.0.0.1:8000/staff/ （工作台）  http://127.0.0.1:8000/ （公众查询）"
        )
