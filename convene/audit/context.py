"""Where a change came from, as the audit log records it: the value services take.

A service never sees an ``HttpRequest``: the page or API operation that calls it
builds an ``AuditContext`` once, with ``AuditContext.from_request``, and passes
``context=``. The CLI and the worker pass ``AuditContext.system()``. So a page,
the API, a command and the worker call every service the same way
(tests/test_no_request_in_services.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from convene.core.net import client_ip


@dataclass(frozen=True, slots=True)
class AuditContext:
    """What an audit entry records of how a change came, besides who made it.

    ``remote_addr`` is the client's address (``core.net.client_ip``), empty when
    the change did not come over the network. ``api_token`` names the bearer
    token of an API request, and is None for a page, a command or the worker.
    The actor is not here: every service already takes who acts (``by``), and a
    system change has none.
    """

    remote_addr: str = ""
    api_token: str | None = None

    @classmethod
    def from_request(cls, request: HttpRequest) -> AuditContext:
        """The one place a request is read for the audit log (``BearerToken`` sets the token)."""
        token = getattr(request, "api_token", None)
        return cls(
            remote_addr=client_ip(request),
            api_token=str(token.name) if token is not None else None,
        )

    @classmethod
    def system(cls) -> AuditContext:
        """A change made by Convene itself (a command, the sweep, the worker): no address."""
        return cls()

    @property
    def channel(self) -> str:
        """The words an entry's summary ends with: an API request names the token used."""
        return f" through the API (token ‘{self.api_token}’)" if self.api_token is not None else ""
