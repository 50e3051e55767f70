"""``yizhan audit verify``: check the hash chains and the append-only triggers.

Walks every hash-chained table (``core.chain.ChainedModel``) in id order and names the first broken
link; checks that every table a migration made append-only still has its triggers, enabled and
unchanged. Prints each chain's length and last hash: record them elsewhere (a ticket, a log server)
so that a later run can show the chain did not lose its newest rows. Exits with status 1 on any
finding.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yizhan.core import append_only
from yizhan.core.chain import ChainedModel


class Command(BaseCommand):
    help = "审计日志：校验哈希链和防篡改触发器（yizhan audit verify）"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="校验哈希链和触发器，报告第一处断链")
        verify.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        findings: list[str] = []
        for model in ChainedModel.chained_models():
            broken = model.verify(using)
            head = model.head(using)
            if broken is not None:
                findings.append(f"断链：{broken}")
                self.stdout.write(f"✗ {head.table}：{broken}")
            else:
                self.stdout.write(
                    f"✓ {head.table}：{head.count} 条，链完整；最后一条 #{head.last_id} 哈希 {head.last_hash}"
                )
        for table in append_only.protected_tables(using):
            table_problems = append_only.problems(table, using)
            findings += table_problems
            for problem in table_problems:
                self.stdout.write(f"✗ {problem}")
            if not table_problems:
                self.stdout.write(f"✓ {table}：禁止修改和删除的触发器完好")
        if findings:
            raise CommandError(f"发现 {len(findings)} 处问题，第一处：{findings[0]}")
