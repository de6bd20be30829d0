"""Settings: the TOML file of DATA_CONTRACT.md section 2, every key optional."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from unitload.roles import ACCESS_ROLES, BY_NAME
from unitload.tomlfile import load_model

RISK_GRADES = ("very_high", "high", "medium", "low")
COMPLEXITIES = (1, 2, 3)
ACTION_TYPES = (
    "enquiry",
    "interview",
    "arrest",
    "search",
    "forensic_submission",
    "safeguarding",
    "file_to_cps",
    "victim_update",
    "supervisory_review",
    "admin_note",
)

ABSENCE_KINDS = (
    "annual_leave",
    "sickness",
    "long_term_sickness",
    "parental",
    "training",
    "secondment",
    "restricted_duties",
    "other",
)
DEFAULT_RISK = {"very_high": 2.0, "high": 1.5, "medium": 1.0, "low": 0.5}
DEFAULT_COMPLEXITY = {1: 1.0, 2: 1.5, 3: 2.0}
DEFAULT_PROGRESSING = ACTION_TYPES[:7]  # enquiry ... file_to_cps: every type but updates, reviews and notes

PositiveFloat = Annotated[float, Field(gt=0)]
PositiveInt = Annotated[int, Field(gt=0)]


class SettingsError(ValueError):
    """A settings file that cannot be read or breaks a rule; the message names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


DEFAULT_REDUCING = ("long_term_sickness", "parental", "secondment", "restricted_duties")


class Capacity(_Section):
    full_time_hours: PositiveFloat = 40
    points_per_fte: PositiveFloat = 12.0
    overload_pct: PositiveFloat = 110
    sustained_months: PositiveInt = 2
    long_absence_days: PositiveInt = 28  # an absence spell this many calendar days long, or longer, is long-term
    reducing_kinds: list[str] = Field(default_factory=lambda: list(DEFAULT_REDUCING))  # reduce from day one

    @field_validator("reducing_kinds")
    @classmethod
    def _known_kinds(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(ABSENCE_KINDS))
        if unknown:
            raise ValueError(f"unknown absence kind(s) {unknown}; expected some of {list(ABSENCE_KINDS)}")
        return value


class Weights(_Section):
    risk: dict[str, PositiveFloat] = Field(default_factory=lambda: dict(DEFAULT_RISK))
    complexity: dict[int, PositiveFloat] = Field(default_factory=lambda: dict(DEFAULT_COMPLEXITY))

    @field_validator("risk")
    @classmethod
    def _every_risk_grade(cls, value: dict[str, float]) -> dict[str, float]:
        return _merge(DEFAULT_RISK, value, "risk grade")

    @field_validator("complexity")
    @classmethod
    def _every_complexity(cls, value: dict[int, float]) -> dict[int, float]:
        return _merge(DEFAULT_COMPLEXITY, value, "complexity level")


def _merge(defaults: dict, value: dict, what: str) -> dict:
    """A partial table overrides only the entries it names; unknown entries are refused."""
    unknown = sorted(set(value) - set(defaults))
    if unknown:
        raise ValueError(f"unknown {what}(s) {unknown}; expected {list(defaults)}")
    return defaults | value


def _increasing(value: list[int]) -> list[int]:
    if not value or any(b <= a for a, b in zip(value, value[1:], strict=False)):
        raise ValueError("age bands must be a non-empty list of increasing day counts")
    return value


class Progress(_Section):
    progressing_actions: list[str] = Field(default_factory=lambda: list(DEFAULT_PROGRESSING))
    stale_days: PositiveInt = 28
    review_days: PositiveInt = 28
    age_bands: list[PositiveInt] = Field(default_factory=lambda: [28, 90, 180, 365])
    # Addition to the contract (issue 4): days within which a new case needs a progressing action.
    first_action_days: dict[str, PositiveInt] = Field(
        default_factory=lambda: {"very_high": 1, "high": 7, "medium": 14, "low": 30}
    )

    @field_validator("progressing_actions")
    @classmethod
    def _known_actions(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(ACTION_TYPES))
        if unknown:
            raise ValueError(f"unknown action type(s) {unknown}")
        return value

    @field_validator("age_bands")
    @classmethod
    def _bands(cls, value: list[int]) -> list[int]:
        return _increasing(value)


class Forensics(_Section):
    age_bands: list[PositiveInt] = Field(default_factory=lambda: [30, 90, 180, 365])
    throughput_weeks: PositiveInt = 12

    @field_validator("age_bands")
    @classmethod
    def _bands(cls, value: list[int]) -> list[int]:
        return _increasing(value)


class Supervision(_Section):
    monthly_supervision_days: PositiveInt = 35
    psychological_assessment_days: PositiveInt = 365
    welfare_contact_days: PositiveInt = 28  # a long-term absent officer should have a welfare_check this often


class Engine(_Section):
    """Addition to the contract: limits of the DuckDB engine (not metric settings)."""

    threads: PositiveInt = 2
    memory_limit: str = "2GB"
    query_seconds: PositiveFloat = 30  # a query running longer is interrupted, with a message saying so
    snapshot_months: int = Field(default=37, ge=0)  # month ends the app precomputes per extract (0: none)
    # an unpromoted extract with at least this many cases is served while its snapshots are made behind it
    background_snapshots_from: int = Field(default=20_000, ge=0)


class Validation(_Section):
    """Addition to the contract: how strict validation is about the manifest."""

    # a file with no SHA-256 in manifest.json cannot be checked for changes or truncation: an error, unless
    # lowered to a warning (which says that the file's integrity is not verified)
    missing_checksums: Literal["error", "warning"] = "error"


def _access_role(value: str) -> str:
    if value not in ACCESS_ROLES:
        raise ValueError(f"unknown role {value!r}; expected {list(ACCESS_ROLES)}")
    return value


AccessRoleName = Annotated[str, AfterValidator(_access_role)]


def _a(role: str) -> str:
    return ("an " if role[0] in "aeiou" else "a ") + role


class Access(_Section):
    """Addition to the contract (issue 8): who may see what, from the identity provider's claims."""

    role_claim: str = "groups"  # claim holding the user's groups (a string or a list)
    team_claim: str = "teams"  # claim holding the team codes an inspector or sergeant leads
    roles: dict[str, str] = Field(default_factory=dict)  # claim value -> role
    local_role: AccessRoleName = "superintendent"  # the role of local mode (no [auth] in the secrets)
    local_any_data: bool = False  # local mode on data other than the bundled sample: only when set

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value.values()) - set(ACCESS_ROLES))
        if unknown:
            raise ValueError(f"unknown role(s) {unknown}; expected {list(ACCESS_ROLES)}")
        return value


class Audit(_Section):
    """Addition to the contract (issue 8): the append-only audit trail of views and disclosures."""

    path: str = "audit/unitload-audit.jsonl"  # relative paths are below the working folder
    keep_days: PositiveInt = 400  # a file a day (UTC); the files of this many days before today are kept


class Recipient(_Section):
    """Who a message goes to: an access role with its teams, as the dashboard would scope them."""

    role: AccessRoleName
    teams: list[str] = Field(default_factory=list)  # an inspector's teams, a sergeant's one team
    officer_id: str | None = None  # their own officer id: alerts only for officers in their supervisor chain

    @model_validator(mode="after")
    def _teams_of_the_role(self) -> Recipient:
        leads = BY_NAME[self.role].leads
        if leads is None and self.teams:
            raise ValueError(f"{_a(self.role)} sees every team: give no teams")
        if leads == "one team" and len(self.teams) != 1:
            raise ValueError(f"{_a(self.role)} leads one team: give exactly one in teams")
        if leads == "teams" and not self.teams:
            raise ValueError(f"{_a(self.role)} needs the teams they lead in teams")
        return self


class AlertRules(_Section):
    """When an item first meets one of these, the people responsible get one message (0 or false: off)."""

    case_unprogressed_days: int = Field(default=180, ge=0)  # an open case with no progress for longer
    inherited_unprogressed_days: int = Field(default=90, ge=0)  # an inherited case with no progress for longer
    long_term_absent_holding_cases: bool = True  # a long-term absent officer still holding cases
    welfare_contact_overdue: bool = True  # a long-term absent officer without a welfare contact in time
    urgent_forensic_days: int = Field(default=90, ge=0)  # an urgent forensic item waiting longer
    decision_overdue: bool = True  # a decision past its due day: its owner's line manager and the inspector above


class Notify(_Section):
    """Addition to the contract (issue 25): digests and alerts by email (`unitload notify`).

    SMTP credentials never live here: UNITLOAD_SMTP_USER and UNITLOAD_SMTP_PASSWORD, or [smtp] user and
    password in Streamlit's secrets file."""

    # the dashboard's address: links in messages, and in exported tables (unset: the address the user's browser has)
    dashboard_url: str = "http://localhost:8501"
    sender: str = "unitload@localhost"
    smtp_host: str = "localhost"
    smtp_port: PositiveInt = 587
    starttls: bool = True
    ca_file: str = ""  # the certificate authority of the mail server's certificate; empty: the system's
    attempts: PositiveInt = 3  # tries of one message in one run, waiting backoff_seconds x 2^n between
    backoff_seconds: float = Field(default=2.0, ge=0)
    allow_plain_auth: bool = False  # send the SMTP password without TLS (a server on this machine only)
    digest_items: PositiveInt = 10  # items a digest leads with (more when the first group is larger)
    recipients: dict[str, Recipient] = Field(default_factory=dict)  # email address -> role and teams
    rules: AlertRules = Field(default_factory=AlertRules)


class Decisions(_Section):
    """DATA_CONTRACT.md section 6: where decisions (and what notify sent) are kept."""

    # an SQLAlchemy URL: sqlite:///path/file.sqlite or postgresql+psycopg://user@host/db (the password from
    # the URL, or PGPASSWORD and ~/.pgpass); empty: unitload-records.sqlite beside the extracts
    url: str = ""


class Importing(_Section):
    """Addition to the contract (issue 43): the databases a mapping's `query` may run on (`unitload import`).

    Each is an SQLAlchemy URL by name, as a mapping's `database` names it; UNITLOAD_DATABASE_<NAME> in the
    environment comes first. A password belongs in the environment or the driver's own file (~/.pgpass),
    not here."""

    databases: dict[str, str] = Field(default_factory=dict)
    query_timeout_seconds: float = Field(default=600.0, gt=0)  # one query's longest run; then the import stops

    @field_validator("databases")
    @classmethod
    def _no_password(cls, databases: dict[str, str]) -> dict[str, str]:
        for name, url in databases.items():
            if re.match(r"^[^:/]+(\+[^:/]+)?://[^/@]*:[^/@]*@", url):
                raise ValueError(
                    f"{name}: the URL holds a password; give it in UNITLOAD_DATABASE_{name.upper()} or ~/.pgpass"
                )
        return databases


# The sections an opened extract depends on: the values its queries bind (its figures and month-end snapshots),
# its engine and its validation. Not who may see it, the audit trail, messages or decisions, which the app
# reads from the settings file as they are when it needs them.
OPENING = ("capacity", "weights", "progress", "forensics", "supervision", "engine", "validation")


class Settings(_Section):
    capacity: Capacity = Field(default_factory=Capacity)
    weights: Weights = Field(default_factory=Weights)
    progress: Progress = Field(default_factory=Progress)
    forensics: Forensics = Field(default_factory=Forensics)
    supervision: Supervision = Field(default_factory=Supervision)
    engine: Engine = Field(default_factory=Engine)
    validation: Validation = Field(default_factory=Validation)
    access: Access = Field(default_factory=Access)
    audit: Audit = Field(default_factory=Audit)
    notify: Notify = Field(default_factory=Notify)
    decisions: Decisions = Field(default_factory=Decisions)
    importing: Importing = Field(default_factory=Importing)

    def fingerprint(self) -> str:
        """A short stable hash of every value, for cache keys."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]

    def opening_fingerprint(self) -> str:
        """A short stable hash of the values an opened extract depends on (OPENING)."""
        return hashlib.sha256(self.model_dump_json(include=set(OPENING)).encode()).hexdigest()[:16]

    def sql_params(self) -> dict[str, object]:
        """Every setting a query may bind, by its `$name` in queries/*.sql."""
        weights = self.weights
        return {
            "full_time_hours": float(self.capacity.full_time_hours),
            "points_per_fte": float(self.capacity.points_per_fte),
            "overload_pct": float(self.capacity.overload_pct),
            "sustained_months": self.capacity.sustained_months,
            "long_absence_days": self.capacity.long_absence_days,
            "reducing_kinds": list(self.capacity.reducing_kinds),
            "risk_grades": list(RISK_GRADES),
            "risk_weights": [float(weights.risk[g]) for g in RISK_GRADES],
            "complexity_levels": list(COMPLEXITIES),
            "complexity_factors": [float(weights.complexity[c]) for c in COMPLEXITIES],
            "progressing_actions": list(self.progress.progressing_actions),
            "stale_days": self.progress.stale_days,
            "review_days": self.progress.review_days,
            "age_bands": list(self.progress.age_bands),
            "first_action_days": [self.progress.first_action_days.get(g, 0) for g in RISK_GRADES],
            "forensic_age_bands": list(self.forensics.age_bands),
            "throughput_weeks": self.forensics.throughput_weeks,
            "monthly_supervision_days": self.supervision.monthly_supervision_days,
            "psychological_assessment_days": self.supervision.psychological_assessment_days,
            "welfare_contact_days": self.supervision.welfare_contact_days,
        }


def load_settings(path: str | Path | None = None) -> Settings:
    """Read a settings TOML file (None gives the defaults); errors name the file and key."""
    if path is None:
        return Settings()
    return load_model(Path(path), Settings, SettingsError, "settings file", key="setting ")
