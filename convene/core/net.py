"""The client's network address, read the same way by the audit log and the lock-out."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(text: str) -> str:
    try:
        return ipaddress.ip_address(text.strip()).compressed
    except ValueError:
        return ""


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost one saw.

    X-Forwarded-For is read from the right: the last N entries were added by our own
    proxies, anything to their left was written by the client and can be forged.
    """
    proxies: int = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxies:
            return _valid(forwarded[-proxies])
        return ""
    return _valid(request.META.get("REMOTE_ADDR", ""))
