"""Where a request came from: the one rule for the source address (the audit trail records it).

Behind the reverse proxy (nginx, deploy/nginx-fsp.conf) every request reaches Django from the
proxy's own address; nginx appends the address it was connected from to X-Forwarded-For
(`$proxy_add_x_forwarded_for`). Only when the direct peer is a trusted proxy
(settings.FORWARDED_ALLOW_IPS, the same variable gunicorn reads) is that header believed, and then
only its last entry: the ones before it were written by the client and prove nothing."""

import ipaddress

from django.conf import settings


def client_address(request):
    """The client's IP address as text, or None when the request carries none that is valid."""
    meta = getattr(request, "META", {}) or {}
    peer = _valid(meta.get("REMOTE_ADDR"))
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if peer is not None and forwarded and _trusted(peer):
        nearest = _valid(forwarded.split(",")[-1])
        if nearest is not None:
            return nearest
    return peer


def _trusted(address):
    trusted = settings.FORWARDED_ALLOW_IPS
    return "*" in trusted or address in trusted


def _valid(text):
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None
