"""Pure functions about URLs as written in pages: what kind they are, whether an external one is
well formed or on a private network, and how a srcset splits into candidates.

Nothing here touches the file system or the network, so every rule is testable with strings.
"""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Unconverted source syntax: Pelican's intrasite markers, our cross-links and citations.
LEFTOVER_MARKERS = ("{filename}", "{static}", "{attach}", "[[", "[@")

# The ranges the issue names, plus the rest of "this machine / this LAN" that a public page
# can never usefully link to (0/8, IPv6 unique-local and unspecified).
_PRIVATE_NETS = [
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16",
        "0.0.0.0/8", "::1/128", "::/128", "fe80::/10", "fc00::/7",
    )
]
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


def is_private_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host in ("localhost", "local") or host.endswith((".localhost", ".local")):
        return True
    if _PLAIN_HOST.match(host):
        return False  # a name, not an address literal
    try:
        addr = ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return False
    if getattr(addr, "ipv4_mapped", None):
        addr = addr.ipv4_mapped
    return any(addr in net for net in _PRIVATE_NETS)


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
