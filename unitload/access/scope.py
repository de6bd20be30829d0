"""Who may see what: roles from identity claims, the pages each role opens, and its row scope.

A role comes only from the identity provider's claims, through the `[access]` mapping of the
settings; never from a widget, the session or the URL. The scope it gives (teams, names) is
applied below the named queries, in views over the extract (`unitload.access.views`), so no query and
no page can read past it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from unitload.roles import ACCESS_ROLES, BY_NAME
from unitload.settings import Access


class AccessDenied(Exception):
    """Claims that give no role, or a role without the teams it needs; the message says which."""


@dataclass(frozen=True)
class Scope:
    """What one user may see: every page query runs inside it."""

    role: str
    subject: str  # the identity's `sub` claim (an opaque id, never a name), or "local"
    teams: tuple[str, ...] | None = None  # None: every unit and team
    names: bool = False  # officers' names may be shown; otherwise display_name is the officer id

    @property
    def pages(self) -> frozenset[str]:
        return BY_NAME[self.role].pages

    @property
    def key(self) -> str:
        """Short hash of what limits the rows (not who asks): equal scopes share views and cache."""
        text = f"{self.teams}|{self.names}"
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    @property
    def label(self) -> str:
        where = "all units" if self.teams is None else ", ".join(self.teams)
        return f"{self.role} · {where}" + ("" if self.names else " · names pseudonymised")


def role_scope(role: str, subject: str, teams: tuple[str, ...] | None = None) -> Scope:
    """The scope of a role: team roles need their teams; names follow the role."""
    if role not in BY_NAME:
        raise AccessDenied(f"unknown role {role!r}")
    row = BY_NAME[role]
    if row.leads is None:
        return Scope(role, subject, None, row.names)
    if not teams:
        raise AccessDenied(f"the {role} role needs the teams it leads in the identity's team claim")
    if row.leads == "one team" and len(teams) != 1:
        raise AccessDenied(f"a {role} leads one team; the team claim names {len(teams)}")
    return Scope(role, subject, tuple(sorted(teams)), row.names)


def _values(claim: object) -> list[str]:
    if claim is None:
        return []
    if isinstance(claim, str):
        return [claim]
    if isinstance(claim, list | tuple):
        return [str(v) for v in claim]
    return []


def scope_from_claims(claims: Mapping[str, object], access: Access) -> Scope:
    """The scope of a signed-in user, from their identity token's claims and the settings' mapping."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise AccessDenied("the identity has no subject (sub) claim")
    mapped = {access.roles[g] for g in _values(claims.get(access.role_claim)) if g in access.roles}
    if not mapped:
        raise AccessDenied(f"none of the identity's {access.role_claim!r} values is mapped to a role")
    role = next(r for r in ACCESS_ROLES if r in mapped)
    teams = tuple(dict.fromkeys(_values(claims.get(access.team_claim))))
    return role_scope(role, subject, teams or None)


def local_scope(access: Access) -> Scope:
    """Local mode (no sign-in configured): the settings' local role over the whole extract."""
    return Scope(access.local_role, "local", None, BY_NAME[access.local_role].names)


# settings every role may read: they word the definitions of the figures it sees
METRIC_SECTIONS = ("capacity", "weights", "progress", "forensics", "supervision", "validation")


def visible_settings(settings, scope: Scope) -> dict[str, object]:
    """The settings in force as `scope` may read them: the metric settings for every role; the service's own
    (engine, sign-in, audit, notify) only for a role seeing the whole extract with names; the recipients of
    notify (addresses beside officer ids, which would re-identify a pseudonymised id) for nobody."""
    shown = settings.model_dump(mode="json")
    if scope.teams is not None or not scope.names:
        return {k: v for k, v in shown.items() if k in METRIC_SECTIONS}
    shown["notify"] = {k: v for k, v in shown["notify"].items() if k != "recipients"}
    shown["decisions"] = {"url": _without_password(shown["decisions"]["url"])}
    return shown


def _without_password(url: str) -> str:
    """A database URL as it may be shown: its password replaced by ***."""
    return re.sub(r"^([a-z0-9+]+://[^:/@]*):[^@]*@", r"\1:***@", url)
