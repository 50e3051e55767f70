"""The Chinese font of every PDF the system prints (ledgers, legal-aid decisions, case files).

``settings.PDF_FONT`` if set, else the first usable file among well-known Debian / Fedora / Windows
paths, else what fontconfig lists for Chinese. ReportLab embeds TrueType outlines only
(``.ttf``/``.ttc``); OpenType/CFF fonts such as Noto Sans CJK ``.ttc`` are rejected, and every
candidate must actually contain Chinese glyphs. No usable font raises ``PdfFontUnavailable``, which
views turn into a message and the API into a 503 — never a 500.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from yizhan.core.errors import DomainError

logger = logging.getLogger(__name__)


class PdfFontUnavailable(DomainError):
    """No TrueType font with Chinese glyphs could be found or loaded."""

    status = 503
    code = "pdf_font_unavailable"


FONT_NAME = "YizhanCJK"
#: well-known TrueType files with Chinese glyphs: (path, sub-font index of a .ttc)
KNOWN_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # Debian/Ubuntu fonts-wqy-microhei
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # Debian/Ubuntu fonts-wqy-zenhei
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),  # Fedora
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc", 0),  # Arch, openSUSE
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # Debian fonts-arphic-uming
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
)
_PROBE = "公共法律服务台帐第页共"


def _load(path: str, index: int) -> TTFont | None:
    """The font at ``path`` if ReportLab can embed it and it has Chinese glyphs, else None."""
    if not Path(path).is_file():
        return None
    try:
        font = TTFont(FONT_NAME, path, subfontIndex=index)
    except (TTFError, OSError, ValueError, KeyError) as exc:  # CFF outlines, broken files
        logger.info("PDF font %s is not usable: %s", path, exc)
        return None
    glyphs = getattr(font.face, "charToGlyph", {})
    if not all(ord(ch) in glyphs for ch in _PROBE):
        logger.info("PDF font %s has no Chinese glyphs", path)
        return None
    return font


def _fontconfig_candidates() -> list[str]:
    """Font files fontconfig knows for Chinese: ``fc-match`` first, then ``fc-list``.

    ``fc-match`` always answers something (often DejaVu, without Chinese), hence the glyph check.
    """
    found: list[str] = []
    commands = (
        ["fc-match", "-f", "%{file}", ":lang=zh"],
        ["fc-list", "-f", "%{file}\n", ":lang=zh"],
    )
    for command in commands:
        executable = shutil.which(command[0])
        if executable is None:
            continue
        try:
            output = subprocess.run(  # noqa: S603 - fixed arguments, no shell
                [executable, *command[1:]], capture_output=True, text=True, timeout=10, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        for line in output.splitlines():
            path = line.strip()
            if path.lower().endswith((".ttf", ".ttc")) and path not in found:
                found.append(path)
    return found


@lru_cache(maxsize=1)
def pdf_font() -> str:
    """Register the Chinese font with ReportLab (once per process) and return its name."""
    configured = (getattr(settings, "PDF_FONT", "") or "").strip()
    if configured:
        font = _load(configured, 0)
        if font is None:
            raise PdfFontUnavailable(
                _("配置的PDF字体（YIZHAN_PDF_FONT=%(path)s）不存在或不是含中文字形的TrueType字体。")
                % {"path": configured}
            )
    else:
        font = next((f for f in (_load(p, i) for p, i in KNOWN_FONTS) if f is not None), None)
        if font is None:
            font = next((f for f in (_load(p, 0) for p in _fontconfig_candidates()) if f is not None), None)
    if font is None:
        raise PdfFontUnavailable(
            _(
                "服务器上没有可用的中文字体，暂时无法生成PDF，请先导出Excel。"
                "请管理员安装 fonts-wqy-microhei，或用 YIZHAN_PDF_FONT 指定字体文件。"
            )
        )
    logger.info("PDF font: %s", font.face.filename)
    pdfmetrics.registerFont(font)
    return FONT_NAME
