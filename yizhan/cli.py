"""The ``yizhan`` console command: Django's management commands with Yizhan's settings.

yizhan init                 generate var/secrets.env (once), migrate, load reference data
yizhan demo --matters N     build the demo district with N matters
yizhan serve                web server + background worker (what `make run` starts)
yizhan worker               background worker with the periodic scheduler
yizhan laws import          import the statute corpus (idempotent)
yizhan audit verify         check the audit's hash chain and append-only triggers
yizhan token issue|revoke|list   integration tokens
yizhan <any Django command>
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizhan.settings")
    args = list(sys.argv if argv is None else argv)
    if len(args) >= 2 and args[1] == "init":
        from yizhan.core.secrets import ensure_secrets_file

        ensure_secrets_file()
    if len(args) >= 3 and args[1] == "laws":  # `yizhan laws import` → `laws_import`
        args = [args[0], f"laws_{args[2]}", *args[3:]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
