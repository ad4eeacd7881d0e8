"""Transport seam: one base class with one method, the way a message leaves for some recipients."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from gateway.types import Envelope, RecipientOutcome, Verdict


class Transport(abc.ABC):
    """Hands one message to some of its recipients; reports an outcome per recipient.

    A transport never raises for a failed delivery: it reports DEFERRED (the client keeps the
    message and retries) or REFUSED (permanent) per recipient. An exception is an internal error
    and makes the handler answer 451.
    """

    @abc.abstractmethod
    async def send(
        self, envelope: Envelope, recipients: Sequence[str], message: bytes, verdict: Verdict
    ) -> list[RecipientOutcome]:
        """Deliver ``message`` to ``recipients``; one outcome for each of them."""

    async def close(self) -> None:  # noqa: B027 - optional hook, most transports hold nothing
        """Release pooled connections."""
