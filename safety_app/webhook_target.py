"""Where a webhook may point: http(s) only, and never at the park server's own network.

A webhook URL is set by the admin, but the server makes the request: pointed at
``127.0.0.1``, ``10.x``, ``169.254.169.254`` (cloud metadata) and the like it would
reach services that are not meant to be reachable (SSRF). So the host is resolved
and EVERY address it resolves to must be public (``ipaddress``: global and not
multicast; IPv4-mapped IPv6 addresses are judged by their IPv4 address), unless
the admin has explicitly allowed internal targets (setting
``webhook_allow_internal``, off by default). The check runs when the setting is
saved and again at delivery, where the connection is opened to the very
addresses that were checked (a DNS answer that changes in between cannot slip
through).
"""
import ipaddress
import socket
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

SCHEMES = {"http": 80, "https": 443}


class TargetRefused(ValueError):
    """The URL may not be used; ``message`` says why (translatable); ``transient`` when only the
    name lookup failed (trying again later can help)."""

    def __init__(self, message, transient=False):
        super().__init__(str(message))
        self.message = message
        self.transient = transient


def is_public(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone index
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host, port):
    """Every address ``host`` resolves to (the system resolver), as strings."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(_l("The host name of the address cannot be resolved."), transient=True) from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def split(url):
    """(host, port) of an http(s) URL, or TargetRefused."""
    value = (url or "").strip()
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in SCHEMES or not parts.hostname or any(c.isspace() for c in value):
        raise TargetRefused(_l("The address must start with https:// or http:// and name a host."))
    return parts.hostname, port or SCHEMES[parts.scheme]


def check_addresses(addresses):
    if not addresses or not all(is_public(a) for a in addresses):
        raise TargetRefused(_l("The webhook address points into an internal network (loopback, private, "
                               "link-local or reserved addresses). Use the robot's public address, or allow "
                               "internal targets explicitly."))


def check_url(url, allow_internal=False):
    """Refuse (TargetRefused) a URL that is not http(s) or, unless ``allow_internal``, whose host
    resolves to any non-public address. Returns the checked addresses (empty when not resolved)."""
    host, port = split(url)
    if allow_internal:
        return []
    addresses = resolve(host, port)
    check_addresses(addresses)
    return addresses


def guarded_connection(allow_internal):
    """A replacement for ``socket.create_connection`` (what ``http.client`` connects with) that
    resolves once, checks every address and connects only to those addresses."""

    def create_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, **kwargs):
        host, port = address
        if allow_internal:
            return socket.create_connection(address, timeout, source_address, **kwargs)
        addresses = resolve(host, port)
        check_addresses(addresses)
        error = None
        for ip in addresses:
            try:
                return socket.create_connection((ip, port), timeout, source_address, **kwargs)
            except OSError as exc:
                error = exc
        raise error

    return create_connection
