"""Logging: records -> JSON lines on stdout; one line per message, never message content."""

from __future__ import annotations

import json
import logging
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from gateway.types import RecipientOutcome, Verdict

MESSAGE_LOGGER = "mailvagt.message"
MESSAGES = logging.getLogger(MESSAGE_LOGGER)


class JSONFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, event and any ``fields`` given in ``extra``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            # The type only: exception text may quote message content or addresses.
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(level: str) -> None:
    """Send every record to stdout as JSON lines, replacing earlier handlers."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JSONFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # aiosmtpd logs every command line (addresses included) at INFO: keep it to warnings.
    logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass
class MessageLog:
    """What one message's log line says; filled in as the message moves through the stages."""

    ref: str
    client: str
    started: float = field(default_factory=time.monotonic)
    sender_domain: str = ""
    recipients: int = 0
    size: int = 0
    decision: str = ""
    reply: str = ""
    next_hop: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    verdict: Verdict | None = None  # for the metrics; the line itself carries level and categories
    outcomes: list[RecipientOutcome] = field(default_factory=list)
    _mark: float = field(default_factory=time.monotonic)

    def lap(self, stage: str) -> None:
        """Record how long the stage that just ended took, in milliseconds."""
        now = time.monotonic()
        self.timings[stage] = round((now - self._mark) * 1000, 2)
        self._mark = now

    def emit(self) -> None:
        self.timings["total"] = round((time.monotonic() - self.started) * 1000, 2)
        if not MESSAGES.isEnabledFor(logging.INFO):
            return
        fields = {
            "ref": self.ref,
            "client": self.client,
            "sender_domain": self.sender_domain,
            "recipients": self.recipients,
            "size": self.size,
            "decision": self.decision,
            "data_level": self.verdict.classification.level.label if self.verdict else None,
            "categories": list(self.verdict.classification.categories) if self.verdict else [],
            "reply": self.reply,
            "next_hop": self.next_hop,
            "timings_ms": self.timings,
        }
        MESSAGES.info("message", extra={"fields": fields})
