"""Who holds which signing key now, as the custody log says (not the users table, which an insider can edit).

The key registry is rebuilt from the genesis entries and the account entries
(``casedesk.custody.keybook.build_registry``: only intact entries signed by an
administrator whose account is active and confirmed count), read inside the caller's database session through the
action index. Sign-in uses it to refuse a key slot whose signing key is no
longer the user's registered, unrevoked key (an older copy of a slot spliced
back into ``keyslots.json``) and an account the log says is disabled;
``user disable`` and an administrator's password reset use it to revoke, in the
log, the key the log holds.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as OrmSession

from casedesk.custody import chain, encoding, keybook

_COLUMNS = ", ".join(encoding.ROW_COLUMNS)
_ACTIONS = ", ".join(f"'{a}'" for a in sorted(chain.REGISTRY_ACTIONS))  # constants, not input
# Two indexed queries (an OR of both would scan the whole log).
_SELECT_ACCOUNTS = text(f"SELECT {_COLUMNS} FROM custody_entries WHERE action IN ({_ACTIONS}) ORDER BY seq")
_SELECT_GENESIS = text(
    f"SELECT {_COLUMNS} FROM custody_entries WHERE seq <= "
    f"(SELECT min(seq) FROM custody_entries WHERE action = '{chain.KEY_REGISTERED}' AND case_ref IS NULL) "
    "ORDER BY seq"
)
FAR = 1 << 62  # an entry number after every entry


def registry(db: OrmSession) -> chain.Registry | None:
    """The registry at the end of the log; None when the log cannot give one (no valid genesis, unreadable)."""
    try:
        rows = {r[0]: tuple(r) for r in db.execute(_SELECT_GENESIS)}
        for r in db.execute(_SELECT_ACCOUNTS):
            rows.setdefault(r[0], tuple(r))
    except SQLAlchemyError:  # text that is not UTF-8 (an edited entry): verify names it
        return None
    reg, problems = keybook.build_registry([rows[seq] for seq in sorted(rows)])
    if any(p.message in (chain.MSG_NO_GENESIS, chain.MSG_GENESIS_SELF) for _, p in problems):
        return None
    return reg


def current_key(reg: chain.Registry, user: str) -> str | None:
    """The user's key for the next entry: None when none is registered or the last one was revoked."""
    return reg.key_for(user, FAR) or None
