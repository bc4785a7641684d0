"""The pure URL rules: what is private, what is malformed, how srcset splits."""
from __future__ import annotations

import pytest

from tools.linkcheck.urls import (external_problem, has_leftover, host_of, is_private_host,
                                  scheme_of, srcset_candidates)


@pytest.mark.parametrize("host", [
    "localhost", "LOCALHOST", "api.localhost", "printer.local", "10.0.0.1", "10.255.255.255",
    "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1", "127.1.2.3", "::1", "[::1]",
    "169.254.1.1", "fe80::1", "fd00::1", "0.0.0.0", "::ffff:192.168.0.1", "localhost.",
    # other spellings of 127.0.0.1 that browsers and inet_aton accept
    "127.1", "0", "2130706433", "0x7f000001", "0177.0.0.1", "0x7f.1", "0177.1", "127.0.0.1.",
    "[::ffff:7f00:1]", "[2002:7f00:1::1]", "[64:ff9b::a00:1]",
    # shared (CGNAT), documentation, multicast and reserved ranges
    "100.64.0.1", "192.0.2.1", "2001:db8::1", "224.0.0.1", "240.0.0.1", "255.255.255.255",
])
def test_private_hosts(host):
    assert is_private_host(host)


@pytest.mark.parametrize("host", [
    "example.org", "172.15.255.255", "172.32.0.1", "192.169.0.1", "11.0.0.1", "8.8.8.8",
    "2606:4700::1111", "local.example.org", "face.bad", "1e100.net", "0x.example.org", "localhost.example.org", "bbc.co.uk",
])
def test_public_hosts(host):
    assert not is_private_host(host)


@pytest.mark.parametrize("url", [
    "https://example.org", "http://example.org/a/b?c=d#e", "https://EXAMPLE.org/",
    "//cdn.example.org/x.js", "https://example.org:8443/x", "https://user@example.org/",
    "https://xn--80ak6aa92e.com/", "https://пример.рф/путь", "http://8.8.8.8/",
    "https://[2001:db8::1]/x", "https://example.org/a%20b", "https://example.org./",
    "https://my_host.example.org/",
])
def test_well_formed(url):
    assert external_problem(url) is None


@pytest.mark.parametrize("url, why", [
    ("http:/example.org", "needs '//' after 'http:'"),
    ("https:example.org", "needs '//' after 'https:'"),
    ("https://", "has no host"),
    ("https:///path", "has no host"),
    ("https://exa mple.org/", "contains whitespace"),
    ("https://example.org/a\tb", "contains whitespace"),
    ("https:\\\\example.org", "contains a backslash"),
    ("https://example.org:99999/", "has an invalid port"),
    ("https://example.org:0/", "has port 0"),
    ("https://-bad-.example.org/", "has an invalid host name '-bad-.example.org'"),
    ("https://exa$mple.org/", "has an invalid host name 'exa$mple.org'"),
    ("https://a..b.org/", "has an invalid host name 'a..b.org'"),
])
def test_malformed(url, why):
    assert external_problem(url) == why


def test_scheme_and_host():
    assert scheme_of("HTTPS://x") == "https"
    assert scheme_of("mailto:a@b") == "mailto"
    assert scheme_of("../a:b") is None and scheme_of("#x") is None
    assert host_of("https://user:pw@Example.ORG:8080/x") == "example.org"
    assert host_of("//cdn.example.org/x") == "cdn.example.org"
    assert host_of("http://[::1]:8000/") == "::1"


def test_leftover_markers():
    assert has_leftover("{filename}/briefs/x.md") == "{filename}"
    assert has_leftover("{static}/img/a.png") == "{static}"
    assert has_leftover("see [[slug]]") == "[["
    assert has_leftover("[@key]") == "[@"
    assert has_leftover("../x/#y") is None


@pytest.mark.parametrize("value, expected", [
    ("a.png", [("a.png", 0)]),
    ("a.png 1x, b.png 2x", [("a.png", 0), ("b.png", 10)]),
    ("a.png 100w,b.png 200w", [("a.png", 0), ("b.png", 11)]),
    ("  a.png  1x ,  b.png ", [("a.png", 2), ("b.png", 15)]),
    ("a,b.png 1x, c.png", [("a,b.png", 0), ("c.png", 12)]),  # a comma inside a URL
    ("a.png, b.png", [("a.png", 0), ("b.png", 7)]),  # a comma right after a URL ends it
    ("data:image/png;base64,AAA= 1x, b.png 2x", [("data:image/png;base64,AAA=", 0),
                                                  ("b.png", 31)]),
    ("", []),
])
def test_srcset_candidates(value, expected):
    assert srcset_candidates(value) == expected
