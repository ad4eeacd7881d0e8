"""SMTP replies: the named status lines the handler writes (input: a reason; output: one reply line)."""

from __future__ import annotations

GREETING_BUSY = "421 4.3.2 Service shutting down, try again later"
SHUTTING_DOWN = GREETING_BUSY
TOO_MANY_SESSIONS = "421 4.7.0 Too many connections, try again later"
TOO_MANY_FROM_CLIENT = "421 4.7.0 Too many connections from your address, try again later"
TOO_MANY_ERRORS = "421 4.7.0 Too many errors in this session, goodbye"
IDLE_TIMEOUT = "421 4.4.2 Timeout waiting for a command, closing"
DATA_TIMEOUT = "421 4.4.2 Timeout receiving message data, closing"
DATA_TOO_SLOW = "421 4.4.2 Message data arriving below the minimum rate, closing"

OK = "250 2.0.0 OK"
SENDER_OK = "250 2.1.0 Sender OK"
RECIPIENT_OK = "250 2.1.5 Recipient OK"
START_DATA = "354 End data with <CR><LF>.<CR><LF>"
NEED_RECIPIENTS = "503 5.5.1 Error: need RCPT command"
DATA_SYNTAX = "501 5.5.4 Syntax: DATA"

RELAY_DENIED = "554 5.7.1 Relay access denied: your address is not a permitted client of this gateway"
SENDER_DENIED = "554 5.7.1 Relay access denied"
AUTH_REQUIRED_FOR_RELAY = "530 5.7.0 Authentication required"
BAD_RECIPIENT = "501 5.1.3 Bad recipient address syntax"
BAD_SENDER = "501 5.1.7 Bad sender address syntax"
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"
MESSAGE_TOO_BIG = "552 5.3.4 Message size exceeds fixed maximum message size"
INSUFFICIENT_STORAGE = "452 4.3.1 Insufficient system storage, try again later"
LOOP_DETECTED = "554 5.4.6 Mail loop detected: this message has passed this gateway too many times"
SMTPUTF8_REQUIRED = "553 5.6.7 Non-ASCII address needs SMTPUTF8"


def accepted(ref: str) -> str:
    return f"250 2.0.0 Ok: queued as {ref}"


def internal_error(ref: str) -> str:
    """Any unexpected failure: temporary, so the client keeps the message; never internals."""
    return f"451 4.3.0 Temporary local problem, try again later (ref {ref})"


def scan_timeout(ref: str) -> str:
    return f"451 4.3.0 Message could not be checked in time, try again later (ref {ref})"


def deferred(ref: str, enhanced: str = "4.4.1") -> str:
    """The next stage did not take the message for every recipient; the client must retry."""
    return f"451 {enhanced} Next hop did not accept the message, try again later (ref {ref})"


def refused(reply: str, ref: str) -> str:
    """Pass a permanent refusal on; keep its code and text, add our reference."""
    code, _, text = reply.partition(" ")
    if len(code) != 3 or not code.startswith("5"):
        return f"554 5.0.0 Message refused (ref {ref})"
    return f"{code} {text.strip()} (ref {ref})"
