"""Routing settings: recipient classes, the policy table, transports and explanation texts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, PositiveFloat, model_validator

from gateway.config_paths import STRICT, ConfigPath
from gateway.routing.directory import DirectoryError, read_directory
from gateway.types import Action, Level

RECIPIENT_CLASSES = ("internal", "partner", "external")


def must_exist(path: Path) -> Path:
    if not path.is_file():
        raise ValueError(f"file not found: {path}")
    return path


ExistingFile = Annotated[ConfigPath, AfterValidator(must_exist)]
"""A certificate, key or CA file: checked when the configuration is loaded, not at the first mail."""


class PolicyRule(BaseModel):
    """One row of the policy table: when it matches, and the action for each recipient class.

    A rule matches when the message has any of ``categories`` (if given) and its level is at
    least ``min_level`` (if given). The first matching row wins.
    """

    model_config = STRICT

    id: str
    categories: tuple[str, ...] = ()
    min_level: Literal["almindelig", "fortrolig", "semifoelsom", "foelsom"] | None = None
    internal: Action
    partner: Action
    external: Action
    reason: str = ""
    handbook: str = ""
    override_allowed: bool = True

    def matches(self, level: Level, categories: tuple[str, ...]) -> bool:
        if self.categories and not set(self.categories) & set(categories):
            return False
        return self.min_level is None or level >= Level.from_label(self.min_level)

    def action_for(self, recipient_class: str) -> Action:
        action: Action = getattr(self, recipient_class)
        return action


DEFAULT_POLICY: tuple[PolicyRule, ...] = (
    PolicyRule(
        id="wellbeing_survey",
        categories=("wellbeing_survey",),
        internal=Action.REJECT,
        partner=Action.REJECT,
        external=Action.REJECT,
        reason="individuelle svar fra trivselsmålingen må kun bruges statistisk",
        override_allowed=False,
    ),
    PolicyRule(
        id="fortrolig",
        min_level="fortrolig",
        internal=Action.DELIVER,
        partner=Action.SIKKER_MAIL,
        external=Action.DIGITAL_POST,
        reason="fortrolige eller følsomme personoplysninger må kun sendes sikkert",
    ),
    PolicyRule(
        id="almindelig",
        internal=Action.DELIVER,
        partner=Action.DELIVER,
        external=Action.DELIVER,
        reason="almindelige oplysninger",
    ),
)


class MarkerSettings(BaseModel):
    """Words a sender puts in the Subject; each is removed before the mail leaves."""

    model_config = STRICT

    secure: str = "[sikker]"
    public: str = "[offentlig]"
    override: str = "tilsidesæt"
    override_enabled: bool = False


class SikkerMailRoute(BaseModel):
    """Where one recipient domain's Sikker Mail goes, and the name its certificate must carry."""

    model_config = STRICT

    host: str
    port: int = Field(default=25, ge=1, le=65535)
    tls_name: str | None = Field(default=None, description="default: host")


class SikkerMailSettings(BaseModel):
    """SMTP with required STARTTLS (TLS >= 1.2, verified chain and host name)."""

    model_config = STRICT

    relay_host: str | None = Field(default=None, description="None = the recipient domain's host")
    relay_port: int = Field(default=25, ge=1, le=65535)
    tls_server_name: str | None = Field(default=None, description="name checked in the certificate")
    routes: dict[str, SikkerMailRoute] = Field(default_factory=dict, description="domain -> its own host")
    dns_servers: tuple[str, ...] = Field(default=(), description="HOST or HOST:PORT; empty = the system's")
    ca_file: ExistingFile | None = None
    min_tls: Literal["1.2", "1.3"] = "1.2"
    timeout: PositiveFloat = 30.0
    bounce_after: PositiveFloat = Field(default=86_400.0, description="seconds of 451s before a bounce")
    state_file: ConfigPath | None = None
    helo_name: str | None = None


def no_cpr(text: str) -> str:
    """Shown before a letter is opened, so it must not carry a CPR number."""
    if re.search(r"\d{6}\D?\d{4}", text):
        raise ValueError("must not contain a CPR number (it is shown before the letter is opened)")
    return text


class DigitalPostSettings(BaseModel):
    """The Digital Post REST API (MeMo 1.2 messages, mutual TLS with the school's certificate)."""

    model_config = STRICT

    base_url: str = "https://127.0.0.1:8443"
    client_cert: ExistingFile | None = None
    client_key: ExistingFile | None = None
    ca_file: ExistingFile | None = None
    sender_cvr: str = Field(default="12345678", pattern=r"^\d{8}$")
    sender_label: str = "Østervang Skole"
    label: Annotated[str, AfterValidator(no_cpr)] = Field(default="Besked fra skolen", max_length=128)
    notification: Annotated[str, AfterValidator(no_cpr)] = Field(
        default="Du har fået en besked fra skolen", max_length=128
    )
    contacts_path: str = "/apis/v1/contacts/lookup"
    memos_path: str = "/apis/v1/memos/"
    timeout: PositiveFloat = 20.0


class QuarantineSettings(BaseModel):
    """Where held messages are kept, and the optional key that encrypts them at rest."""

    model_config = STRICT

    directory: ConfigPath = Field(default=Path("var/quarantine"), validate_default=True)
    key_file: ExistingFile | None = None


class ExplainSettings(BaseModel):
    """How staff are told: ``notify`` (hold, 250, explanation mail) or ``reject`` (550 5.7.1)."""

    model_config = STRICT

    mode: Literal["notify", "reject"] = "notify"
    receipts: bool = True
    templates_dir: ConfigPath | None = None
    reporting_mta: str = "mailvagt.skole.example"
    from_address: str = "mailvagt@skole.example"
    dpo_contact: str = "Databeskyttelsesrådgiver, dpo@kommune.example, tlf. 70 10 20 30"


class RoutingSettings(BaseModel):
    model_config = STRICT

    internal_domains: tuple[str, ...] = ("skole.example",)
    partner_domains: tuple[str, ...] = ()
    directory: ConfigPath | None = None
    policy: tuple[PolicyRule, ...] = DEFAULT_POLICY
    markers: MarkerSettings = MarkerSettings()
    sikker_mail: SikkerMailSettings = SikkerMailSettings()
    digital_post: DigitalPostSettings = DigitalPostSettings()
    quarantine: QuarantineSettings = QuarantineSettings()
    explain: ExplainSettings = ExplainSettings()

    @model_validator(mode="after")
    def _directory_readable(self) -> RoutingSettings:
        if self.directory is not None:
            try:
                read_directory(self.directory)
            except DirectoryError as exc:
                raise ValueError(str(exc)) from None
        return self

    @model_validator(mode="after")
    def _last_rule_catches_all(self) -> RoutingSettings:
        last = self.policy[-1] if self.policy else None
        if last is None or last.categories or last.min_level not in (None, "almindelig"):
            raise ValueError("the last policy rule must match every message (no categories, no min_level)")
        return self
