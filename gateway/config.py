"""Configuration: a YAML file -> validated, frozen Settings (or a ConfigError naming file and key)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, PositiveFloat, PositiveInt, ValidationError

from detectors.settings import DetectorSettings
from gateway.audit.settings import AuditSettings
from gateway.config_paths import STRICT, ConfigPath
from gateway.mime.settings import ExtractionSettings
from gateway.routing.settings import RoutingSettings


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and what is expected."""


class HostPort(BaseModel):
    model_config = STRICT

    host: str = "127.0.0.1"
    port: int = Field(default=10025, ge=0, le=65535)


def parse_host_port(text: str) -> HostPort:
    """Parse ``HOST:PORT`` (``[::1]:25`` for IPv6) as given on the command line."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise ConfigError(f"expected HOST:PORT, got {text!r}")
    return HostPort(host=host.strip("[]") or "127.0.0.1", port=int(port))


class TLSServerSettings(BaseModel):
    model_config = STRICT

    cert_file: ConfigPath | None = None
    key_file: ConfigPath | None = None
    require: bool = False


class AuthSettings(BaseModel):
    model_config = STRICT

    enabled: bool = False
    users_file: ConfigPath | None = None


class ServerSettings(BaseModel):
    model_config = STRICT

    listen: HostPort = HostPort()
    hostname: str = "mailvagt.localdomain"
    processes: int = Field(default=0, ge=0, description="0 = number of CPUs")
    client_networks: tuple[str, ...] = ("127.0.0.0/8", "::1/128")
    tls: TLSServerSettings = TLSServerSettings()
    auth: AuthSettings = AuthSettings()
    trace_header: str = "X-Mailvagt-Trace"
    max_loops: PositiveInt = Field(default=3, description="refuse (554 5.4.6) when more trace headers")
    drain_timeout: PositiveFloat = Field(default=120.0, description="seconds to finish mail on SIGTERM")
    handed_on_dir: ConfigPath | None = Field(
        default=None, description="copies a deferred message already handed on; null = in memory"
    )

    def client_allowed(self, address: str) -> bool:
        ip = ipaddress.ip_address(address)
        return any(ip in ipaddress.ip_network(net, strict=False) for net in self.client_networks)


class NextHopSettings(BaseModel):
    model_config = STRICT

    host: str = "127.0.0.1"
    port: int = Field(default=10026, ge=1, le=65535)
    tls: Literal["none", "starttls", "implicit"] = "none"
    ca_file: ConfigPath | None = None
    username: str | None = None
    password: str | None = None
    timeout: PositiveFloat = 60.0
    pool_size: PositiveInt = 20


class LimitsSettings(BaseModel):
    model_config = STRICT

    max_message_bytes: PositiveInt = 36_700_160
    max_inflight_bytes: PositiveInt = Field(
        default=536_870_912, description="message bytes held at once per process; beyond: 452 4.3.1"
    )
    max_recipients: PositiveInt = 100
    command_timeout: PositiveFloat = 300.0
    data_deadline: PositiveFloat = 600.0
    min_data_rate: float = Field(default=1024.0, ge=0, description="bytes/s over DATA")
    max_sessions: PositiveInt = 500
    max_sessions_per_client: PositiveInt = 100
    max_bad_commands: PositiveInt = 20
    min_data_rate_grace: PositiveFloat = Field(default=30.0, description="s before min_data_rate")


class ScanSettings(BaseModel):
    model_config = STRICT

    mode: Literal["full", "noop"] = "full"
    workers: int = Field(default=0, ge=0, description="per gateway process; 0 = CPUs / processes")
    deadline: PositiveFloat = 60.0
    express_max_bytes: int = Field(
        default=262144, ge=0, description="messages up to this size also have a worker of their own; 0 = none"
    )


class LoggingSettings(BaseModel):
    model_config = STRICT

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class MetricsSettings(BaseModel):
    model_config = STRICT

    listen: HostPort | None = Field(default=None, description="Prometheus /metrics over HTTP; null = off")


class Settings(BaseModel):
    """The whole configuration of one gateway."""

    model_config = STRICT

    server: ServerSettings = ServerSettings()
    next_hop: NextHopSettings = NextHopSettings()
    limits: LimitsSettings = LimitsSettings()
    scan: ScanSettings = ScanSettings()
    logging: LoggingSettings = LoggingSettings()
    metrics: MetricsSettings = MetricsSettings()
    extraction: ExtractionSettings = ExtractionSettings()
    detectors: DetectorSettings = DetectorSettings()
    routing: RoutingSettings = RoutingSettings()
    audit: AuditSettings = AuditSettings()
    source: str = Field(default="<defaults>", exclude=True)


def describe_errors(path: Path, error: ValidationError) -> str:
    """One line per problem: file, dotted key, what was expected."""
    lines = [f"{path}: invalid configuration"]
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(top level)"
        if item["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key")
        else:
            lines.append(f"  {key}: {item['msg']} (got {item.get('input')!r:.60})")
    return "\n".join(lines)


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of sections at the top level")
    return data


def load_settings(path: Path | str) -> Settings:
    """Read and validate a config file; raise ConfigError with a readable message."""
    path = Path(path)
    data = read_yaml(path)
    try:
        settings = Settings.model_validate(data, context={"base_dir": path.parent.resolve()})
    except ValidationError as exc:
        raise ConfigError(describe_errors(path, exc)) from None
    return settings.model_copy(update={"source": str(path)})


def default_config_path() -> Path:
    """MAILVAGT_CONFIG, else config/mailvagt.yaml in the working directory."""
    return Path(os.environ.get("MAILVAGT_CONFIG", "config/mailvagt.yaml"))
