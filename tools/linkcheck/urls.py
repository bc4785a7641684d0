"""Pure functions about URLs as written in pages: what kind they are, whether an external one is
well formed or on a private network, and how a srcset splits into candidates.

Nothing here touches the file system or the network, so every rule is testable with strings.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Unconverted source syntax: Pelican's intrasite markers, our cross-links and citations.
LEFTOVER_MARKERS = ("{filename}", "{static}", "{attach}", "[[", "[@")

_LABEL = re.compile(r"^(?!-)[a-z0-9_\-]{1,63}(?<!-)$")
# The everyday case, matched in one go: http(s) (or //), an ASCII host name with a letter TLD,
# an optional port, then anything without whitespace or backslashes.
_PLAIN_URL = re.compile(
    r"^(?:https?:)?//(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?"
    r"(?::[1-9][0-9]{0,3})?(?:[/?#][^\s\\]*)?$", re.I)
_PLAIN_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)*[a-z]{2,63}\.?$", re.I)


_AUTHORITY_HOST = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:)?//(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)", re.I)


def host_of(url: str) -> str:
    """The lower-case host of an absolute or protocol-relative URL ("" if none)."""
    m = _AUTHORITY_HOST.match(url)
    return m.group(1).lower().strip("[]") if m else ""


def scheme_of(url: str) -> str | None:
    m = _SCHEME.match(url)
    return m.group(1).lower() if m else None


def has_leftover(value: str) -> str | None:
    """The first unconverted-syntax marker in value, if any."""
    for marker in LEFTOVER_MARKERS:
        if marker in value:
            return marker
    return None


_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$", re.I)


def address_of(host: str):
    """The IP address a host written in a URL stands for, or None for a name. Browsers read
    IPv4 in every form inet_aton knows (WHATWG URL: "ends in a number"): 2130706433,
    0x7f000001, 0177.0.0.1 and 127.1 are all 127.0.0.1, and so is every spelling here."""
    host = host.strip("[]").split("%")[0].rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):  # inet_aton itself refuses names such as "face.bad"
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def is_private_address(addr) -> bool:
    """Not on the public internet: loopback, private, link-local, shared (CGNAT), reserved,
    documentation, unspecified, multicast, and IPv6 forms that embed one of those."""
    for embedded in ("ipv4_mapped", "sixtofour"):
        inner = getattr(addr, embedded, None)
        if inner is not None:
            addr = inner
    teredo = getattr(addr, "teredo", None)
    if teredo is not None:
        addr = teredo[1]
    if addr.version == 6 and addr in _NAT64:
        addr = ipaddress.IPv4Address(addr.packed[-4:])
    return addr.is_multicast or not addr.is_global


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_private_host(host: str) -> bool:
    """A host written in a URL that names this machine or a private network, in any spelling
    of an address. Names are not resolved here (see external.py for what a name resolves to)."""
    host = host.lower().rstrip(".")
    if host in ("localhost", "local") or host.endswith((".localhost", ".local")):
        return True
    addr = address_of(host)
    return addr is not None and is_private_address(addr)


def external_problem(url: str) -> str | None:
    """Why an http(s) or protocol-relative URL is malformed, or None if it is fine.

    Strict enough to catch typos that browsers would send nowhere useful (a missing host, a
    space, a single slash), lenient about everything browsers accept (IDNs, ports, userinfo).
    """
    if _PLAIN_URL.match(url):
        return None
    if re.search(r"\s", url):
        return "contains whitespace"
    if "\\" in url:
        return "contains a backslash"
    scheme = scheme_of(url)
    if scheme is not None and not url[len(scheme) + 1:].startswith("//"):
        return f"needs '//' after '{scheme}:'"
    try:
        parts = urlsplit(url if scheme else "https:" + url)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        return "has an invalid port"
    host = parts.hostname
    if not host:
        return "has no host"
    if port == 0:
        return "has port 0"
    if host.startswith("[") or ":" in host:
        return None  # IPv6 literal; urlsplit has validated it
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return f"has an invalid host name '{host}'"
    labels = ascii_host.rstrip(".").split(".")
    if not all(_LABEL.match(label) for label in labels):
        return f"has an invalid host name '{host}'"
    return None


def srcset_candidates(value: str) -> list[tuple[str, int]]:
    """(url, offset in value) for each image candidate (WHATWG srcset parsing, simplified).

    URLs may contain commas (only a comma *after* the URL ends a candidate), so this walks the
    string instead of splitting on ','.
    """
    out: list[tuple[str, int]] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        if i >= n:
            break
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        ended = url.endswith(",")
        url = url.rstrip(",")
        if url:
            out.append((url, start))
        if not ended:  # skip the descriptors up to the next comma outside parentheses
            depth = 0
            while i < n and (value[i] != "," or depth):
                depth += value[i] == "("
                depth -= value[i] == ")" and depth > 0
                i += 1
    return out
