"""Outside text made safe to show: control, direction-override and invisible characters as ``[U+XXXX]``.

Ground floor: the CLI, the desktop app and the bundle typesetter all show file
names and descriptions that came from seized material, and import this alone
(not the typesetting package, which loads reportlab).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Format characters that scripts need (zero-width joiner and non-joiner) stay as they are.
KEEP_FORMAT = frozenset({0x200C, 0x200D})


def escape_char(ch: str) -> str:
    return f"[U+{ord(ch):04X}]"


@lru_cache(maxsize=4096)
def needs_escape(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs", "Zl", "Zp"):
        return True
    return category == "Cf" and ord(ch) not in KEEP_FORMAT


def visible(text: str, keep: str = "") -> str:
    """``text`` with every control, direction-override or invisible format character shown as ``[U+XXXX]``.

    Characters in ``keep`` (for example ``"\\n"``) are left alone.
    """
    if text.isprintable():  # no Cc, Cf, Cs, Zl or Zp character: nothing to escape
        return text
    return "".join(escape_char(ch) if ch not in keep and needs_escape(ch) else ch for ch in text)


def is_escaped(original: str) -> bool:
    """Whether ``visible`` changes ``original``."""
    return visible(original) != original
