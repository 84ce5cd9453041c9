"""Enrolment with the unit, through the service layer (docs/unit-trust.md, "Enrolment").

An administrator writes the installation's enrolment request (its installation
key, its log's checkpoint and every active officer's signing key, signed with
the installation key), and imports the unit's answer as one signed custody
entry, ``installation.enrolled``, that carries the certificates: the log itself
then holds the proof that its keys belong to the unit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session as OrmSession

from casedesk.custody import keylog
from casedesk.errors import UsageError
from casedesk.outputs import NewFile, check_target, publish_all
from casedesk.security.roles import Permission
from casedesk.services.session import Session
from casedesk.store.models import User
from casedesk.trust import certs, enrolment, pinning
from casedesk.trust.logcheck import data_of, leaf
from casedesk.trust.unitkey import UnitKey, grouped, normalise_fingerprint

log = logging.getLogger("casedesk.enrolment")

ENROLLED = pinning.ENROLLED
_ENROLMENTS = text("SELECT seq, action, data FROM custody_entries WHERE action IN (:a, :b) AND case_ref IS NULL "
                   "ORDER BY seq")
_HASHES = text("SELECT entry_hash FROM custody_entries ORDER BY seq")
_TIME_OF = text("SELECT timestamp FROM custody_entries WHERE seq = :s")
_PREFIX_HASHES = text("SELECT entry_hash FROM custody_entries WHERE seq <= :n ORDER BY seq")


@dataclass
class EnrolmentStatus:
    enrolled: bool
    unit_name: str | None = None
    unit_fingerprint: str | None = None
    enrolled_at: int | None = None  # the first installation.enrolled entry
    certified: list[str] = field(default_factory=list)  # users whose current key the unit certified
    uncertified: list[str] = field(default_factory=list)  # active users whose current key it did not
    revoked: list[str] = field(default_factory=list)  # users whose current key's certificate was revoked


def checkpoint(db: OrmSession) -> certs.Checkpoint:
    merkle = pinning.MerkleStack()
    for (digest,) in db.execute(_HASHES):
        merkle.add(leaf(digest))
    return certs.Checkpoint(merkle.size, merkle.root().hex())


def prefix_root(db: OrmSession, size: int) -> str:
    merkle = pinning.MerkleStack()
    for (digest,) in db.execute(_PREFIX_HASHES, {"n": size}):
        merkle.add(leaf(digest))
    return merkle.root().hex()


def enrolments(db: OrmSession) -> list[tuple[int, str, Any]]:
    return [(seq, action, data_of(data))
            for seq, action, data in db.execute(_ENROLMENTS, {"a": pinning.INITIALISED, "b": ENROLLED})]


def enrolled_unit(rows: list[tuple[int, str, Any]]) -> tuple[UnitKey, int] | None:
    """The unit of the first intact-looking enrolment entry, and that entry's number."""
    for seq, action, data in rows:
        if action == ENROLLED and isinstance(data, dict):
            try:
                return UnitKey.from_vkey(str(data.get("unit"))), seq
            except ValueError:
                continue
    return None


MSG_UNCERTIFIED_KEY = ("your signing key is not certified by the unit key {name} this installation is enrolled with: "
                       "what you sign will fail a check against the unit's fingerprint until an administrator has "
                       "you certified (casedesk enrol request, then the unit's answer)")


def uncertified_notice(db: OrmSession, user: str, key: str) -> str | None:
    """At sign-in on an enrolled installation: a notice when the user's key has no certificate that holds."""
    rows = enrolments(db)
    found = enrolled_unit(rows)
    if found is None:
        return None
    check = pinning.UnitCheck(found[0].fingerprint, rows, pinning.installation_id_of(rows))
    certified = check.keys.get((user, key), [])
    serials = {c.serial for c in certified}
    if certified and not any(r.rev.serial in serials for r in check.revoked.get(key, [])):
        return None
    return MSG_UNCERTIFIED_KEY.format(name=found[0].name)


class Enrolment:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _officers(self, db: OrmSession) -> list[enrolment.Officer]:
        reg = keylog.registry(db)
        if reg is None:
            raise UsageError("the custody log gives no key registry; run `casedesk verify` before enrolling")
        out = []
        for user in db.scalars(select(User).where(User.disabled.is_(False)).order_by(User.username)):
            key = keylog.current_key(reg, user.username)
            if key:
                after = max((a for a, k in reg.keys.get(user.username, []) if k == key), default=0)
                at = db.execute(_TIME_OF, {"s": after or reg.genesis_seq}).scalar()
                out.append(enrolment.Officer(user.username, user.full_name, user.role, key, str(at)))
        return out

    def write_request(self, dest: Path) -> enrolment.Request:
        """The enrolment request, to a new file (mode 0600: it names every officer)."""
        self.s.require(Permission.USER_MANAGE)
        target = check_target(dest, self.s.datadir.root, "an enrolment request")
        with self.s.read() as db:
            req = enrolment.make_request(self.s.keys.installation_seed, installation_id=self.s.installation_id,
                                         made_by=self.s.user.username, checkpoint=checkpoint(db),
                                         officers=self._officers(db))
        with NewFile(target) as out:
            out.write(req.encode())
            publish_all([out])
        log.info("enrolment request written: %d officers, log size %d", len(req.officers), req.checkpoint.size)
        return req

    def unit(self) -> UnitKey | None:
        """The unit this installation's log says it is enrolled with (None: not enrolled)."""
        with self.s.read() as db:
            found = enrolled_unit(enrolments(db))
        return None if found is None else found[0]

    def status(self) -> EnrolmentStatus:
        with self.s.read() as db:
            rows = enrolments(db)
            found = enrolled_unit(rows)
            if found is None:
                return EnrolmentStatus(False)
            unit, first = found
            check = pinning.UnitCheck(unit.fingerprint, rows, pinning.installation_id_of(rows))
            reg = keylog.registry(db)
            users = list(db.scalars(select(User).where(User.disabled.is_(False)).order_by(User.username)))
        st = EnrolmentStatus(True, unit.name, unit.fingerprint, first)
        for user in users:
            key = keylog.current_key(reg, user.username) if reg is not None else None
            found_certs = check.keys.get((user.username, key or ""), [])
            serials = {c.serial for c in found_certs}
            if not found_certs:
                st.uncertified.append(user.username)
            elif any(r.rev.serial in serials for r in check.revoked.get(key or "", [])):
                st.revoked.append(user.username)
            else:
                st.certified.append(user.username)
        return st

    def import_answer(self, path: Path, fingerprint: str | None = None) -> tuple[int, enrolment.Answer]:
        """Record the unit's answer as one ``installation.enrolled`` entry; (entry number, what it carried)."""
        self.s.require(Permission.USER_MANAGE)
        pinned = normalise_fingerprint(fingerprint) if fingerprint else None
        with self.s.write() as db:
            rows = enrolments(db)
            found = enrolled_unit(rows)
            if found is not None:
                unit_fp = found[0].fingerprint
                if pinned is not None and pinned != unit_fp:
                    raise UsageError(f"this installation is enrolled with unit {unit_fp}; certificates of another "
                                     f"unit ({pinned}) cannot be imported")
                pinned = unit_fp
            if pinned is None:
                raise UsageError("give the unit's fingerprint, as the unit administrator told it to you, to import "
                                 "its first answer", cli_hint="--unit-fingerprint FP", field="unit_fingerprint")
            answer = enrolment.read_answer(path, pinned)
            self._check_answer(db, answer, rows, first=found is None)
            known = {c.get("serial") for _, action, data in rows if action == ENROLLED and isinstance(data, dict)
                     for c in (data.get("certificates") or []) if isinstance(c, dict)}
            known_rev = {(r.get("serial"), r.get("revoked_at")) for _, action, data in rows
                         if action == ENROLLED and isinstance(data, dict)
                         for r in (data.get("revocations") or []) if isinstance(r, dict)}
            new_c = [c.encode() for c in answer.certificates if c.serial not in known]
            new_r = [r.encode() for r in answer.revocations if (r.serial, r.revoked_at) not in known_rev]
            if not new_c and not new_r:
                raise UsageError(f"{path} holds nothing this installation has not imported already")
            entry = self.s.record(
                db, ENROLLED,
                text=f"certificates of unit {answer.unit.name} ({grouped(pinned)})",
                data={"unit": answer.unit.vkey, "unit_fingerprint": pinned, "certificates": new_c,
                      "revocations": new_r,
                      # The TLS client certificate for the unit service (docs/unit-trust.md, "TLS certificates").
                      **({"tls_certificate": answer.tls_certificate} if answer.tls_certificate else {})})
            seq = entry.seq
        log.info("unit certificates imported: %d certificates, %d revocations (entry %d)", len(new_c), len(new_r), seq)
        return seq, answer

    def _check_answer(self, db: OrmSession, answer: enrolment.Answer, rows: list[tuple[int, str, Any]],
                      first: bool) -> None:
        ours = self.s.installation_id
        if answer.installation_id != ours or any(c.installation_id != ours for c in answer.certificates):
            raise UsageError(f"the answer is for installation {answer.installation_id}, not this one ({ours})")
        installation_key = enrolment.installation_public(self.s.keys.installation_seed)
        inst = [c for c in answer.certificates if c.kind == certs.KIND_INSTALLATION]
        for c in inst:
            if c.public_key != installation_key:
                raise UsageError("the answer certifies another installation key than this installation's: it "
                                 "answers a request made elsewhere")
            assert c.checkpoint is not None  # decode() requires it
            if prefix_root(db, c.checkpoint.size) != c.checkpoint.root:
                raise UsageError(f"the answer vouches for the first {c.checkpoint.size} entries with a Merkle root "
                                 "that is not this log's: it answers a request made from another log")
        if first and not inst:
            raise UsageError("the answer holds no certificate of this installation, which a first enrolment needs")
        reg = keylog.registry(db)
        for c in answer.certificates:
            if c.kind != certs.KIND_OFFICER:
                continue
            current = keylog.current_key(reg, c.subject) if reg is not None else None
            if current != c.public_key:
                raise UsageError(f"the certificate for {c.subject} certifies a key that is not {c.subject}'s signing "
                                 "key in the custody log now (a password reset since the request?): write a new "
                                 "request and ask the unit again")
