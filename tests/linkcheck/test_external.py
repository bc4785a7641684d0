"""The external checker against a local HTTP server (127.0.0.1 only, never the internet):
every answer a real site gives -- 200, redirect chains and loops, 404/410, 429 with Retry-After,
a 500 that recovers, timeouts, connection resets, bot walls, LinkedIn's 999 -- plus the cache,
the per-host limit and the total time bound.
"""
from __future__ import annotations

import threading
import time

import pytest
from werkzeug import Response

from tools.linkcheck.cache import LinkCache
from tools.linkcheck.external import (BROKEN, LOOP, OK, UNVERIFIABLE, ExternalChecker,
                                      ExternalConfig, to_ascii_url)

FAST = ExternalConfig(timeout=0.5, retries=2, backoff=0.01, max_retry_after=2.0, max_time=30.0,
                      per_host=2, max_redirects=5, allow_hosts=frozenset({"127.0.0.1"}))


def hits(server, path: str) -> int:
    """Requests the server answered for path (a slow handler of an earlier test may still log)."""
    return sum(1 for request, _ in server.log if request.path == path)


def check(url: str, config: ExternalConfig = FAST, cache=None):
    return ExternalChecker(config, cache).check_all([url])[url]


def redirect(to: str, code: int = 301) -> Response:
    return Response("", status=code, headers={"Location": to})


def test_200_is_ok(server):
    server.expect_request("/ok").respond_with_data("hello")
    result = check(server.url_for("/ok"))
    assert (result.status, result.detail, result.attempts) == (OK, "200 OK", 1)


def test_a_chain_of_301s_is_ok_and_names_the_final_url(server):
    for i in range(3):
        server.expect_request(f"/hop{i}").respond_with_response(redirect(f"/hop{i + 1}"))
    server.expect_request("/hop3").respond_with_data("arrived")
    result = check(server.url_for("/hop0"))
    assert result.status == OK
    assert result.final_url == server.url_for("/hop3")
    assert result.detail == f"200 OK (after 3 redirects to {server.url_for('/hop3')})"


def test_a_redirect_loop(server):
    server.expect_request("/a").respond_with_response(redirect("/b", 302))
    server.expect_request("/b").respond_with_response(redirect(server.url_for("/a"), 307))
    result = check(server.url_for("/a"))
    assert result.status == LOOP
    assert result.detail == f"redirect loop: {server.url_for('/b')} -> {server.url_for('/a')}"


def test_too_many_redirects_count_as_a_loop(server):
    for i in range(8):
        server.expect_request(f"/r{i}").respond_with_response(redirect(f"/r{i + 1}"))
    assert check(server.url_for("/r0")).detail == "more than 5 redirects"


@pytest.mark.parametrize("status, detail", [(404, "404 NOT FOUND"), (410, "410 GONE")])
def test_404_and_410_are_broken_at_once(server, status, detail):
    server.expect_request("/gone").respond_with_data("no", status=status)
    result = check(server.url_for("/gone"))
    assert (result.status, result.detail, result.attempts) == (BROKEN, detail, 1)
    assert hits(server, "/gone") == 1  # not retried: the answer is definite


def test_429_waits_for_retry_after_then_succeeds(server):
    server.expect_oneshot_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"})
    server.expect_request("/busy").respond_with_data("ok now")
    start = time.monotonic()
    result = check(server.url_for("/busy"))
    assert (result.status, result.attempts) == (OK, 2)
    assert time.monotonic() - start >= 1.0  # Retry-After honoured, not just the 10 ms backoff


def test_429_that_persists_is_unverifiable_not_broken(server):
    server.expect_request("/limited").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "0"})
    result = check(server.url_for("/limited"))
    assert result.status == UNVERIFIABLE
    assert result.detail == "429 TOO MANY REQUESTS: rate limited (3 attempts)"


def test_a_retry_after_beyond_the_bound_is_not_waited_for(server):
    server.expect_request("/later").respond_with_data(
        "come back tomorrow", status=429, headers={"Retry-After": "86400"})
    start = time.monotonic()
    result = check(server.url_for("/later"), ExternalConfig(**{**FAST.__dict__,
                                                               "max_retry_after": 30.0}))
    assert time.monotonic() - start < 10.0  # neither a day nor the 30 s bound
    assert result.status == UNVERIFIABLE
    assert result.detail == ("429 TOO MANY REQUESTS: rate limited; Retry-After 86400s is longer "
                             "than the 30s we wait")


def test_a_host_that_asks_for_too_long_a_pause_is_not_asked_again(server):
    for path in ("/first", "/second"):
        server.expect_request(path).respond_with_data(
            "come back tomorrow", status=429, headers={"Retry-After": "86400"})
    urls = [server.url_for("/first"), server.url_for("/second")]
    results = ExternalChecker(ExternalConfig(**{**FAST.__dict__, "per_host": 1})).check_all(urls)
    assert hits(server, "/first") + hits(server, "/second") == 1
    assert sorted(r.detail for r in results.values()) == [
        "429 TOO MANY REQUESTS: rate limited; Retry-After 86400s is longer than the 2s we wait",
        "not asked: 127.0.0.1 sent Retry-After 86400s, longer than the 2s we wait"]


def test_500_then_200_recovers_on_retry(server):
    server.expect_oneshot_request("/flaky").respond_with_data("oops", status=500)
    server.expect_request("/flaky").respond_with_data("fine")
    result = check(server.url_for("/flaky"))
    assert (result.status, result.attempts) == (OK, 2)


def test_a_500_that_persists_is_broken_after_the_retries(server):
    server.expect_request("/down").respond_with_data("oops", status=500)
    result = check(server.url_for("/down"))
    assert (result.status, result.detail) == (BROKEN, "500 INTERNAL SERVER ERROR (3 attempts)")
    assert hits(server, "/down") == 3


def test_a_slow_response_times_out_and_is_unverifiable(server):
    def slow(request):
        time.sleep(1.2)
        return Response("late")

    server.expect_request("/slow").respond_with_handler(slow)
    result = check(server.url_for("/slow"), ExternalConfig(**{**FAST.__dict__, "retries": 1}))
    assert (result.status, result.detail) == (UNVERIFIABLE, "timed out after 0.5s (2 attempts)")


def test_a_connection_reset_is_retried_then_broken(server, reset_connection):
    server.expect_request("/reset").respond_with_handler(reset_connection)
    result = check(server.url_for("/reset"))
    assert (result.status, result.detail) == (BROKEN,
                                              "connection reset by the server (3 attempts)")


def test_a_reset_that_recovers_is_ok(server, reset_connection):
    server.expect_oneshot_request("/blip").respond_with_handler(reset_connection)
    server.expect_request("/blip").respond_with_data("back")
    assert check(server.url_for("/blip")).status == OK


@pytest.mark.parametrize("status, body, headers", [
    (403, "<title>Just a moment...</title><script src='/cdn-cgi/challenge-platform/x'>", {}),
    (403, "", {"cf-mitigated": "challenge"}),
    (403, "<div class='g-recaptcha'>Please complete the captcha</div>", {}),
    (503, "<html><body>DDoS-Guard checking your browser</body></html>", {}),
])
def test_bot_walls_are_unverifiable(server, status, body, headers):
    server.expect_request("/wall").respond_with_data(body, status=status, headers=headers)
    result = check(server.url_for("/wall"))
    assert result.status == UNVERIFIABLE
    assert result.detail.endswith(": a bot-protection challenge page")
    assert hits(server, "/wall") == 1


def test_a_plain_403_is_broken(server):
    server.expect_request("/private").respond_with_data("Forbidden", status=403)
    assert check(server.url_for("/private")).status == BROKEN


def test_linkedin_999_is_unverifiable(server):
    server.expect_request("/in/someone").respond_with_data("", status=999)
    result = check(server.url_for("/in/someone"))
    assert (result.status, result.detail) == (UNVERIFIABLE,
                                              "999 (the site refuses automated requests)")


def test_401_is_unverifiable(server):
    server.expect_request("/paywall").respond_with_data("log in", status=401)
    assert check(server.url_for("/paywall")).status == UNVERIFIABLE


def test_a_redirect_to_a_private_address_is_not_followed(server):
    server.expect_request("/sneaky").respond_with_response(redirect("http://10.0.0.1/admin"))
    result = check(server.url_for("/sneaky"))
    assert (result.status, result.detail) == (BROKEN,
                                              "redirects to 10.0.0.1, a private or local address")
    assert hits(server, "/sneaky") == 1


@pytest.mark.parametrize("spelling", ["127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0"])
def test_a_redirect_to_another_spelling_of_loopback_is_not_followed(server, spelling):
    server.expect_request("/spelled").respond_with_response(redirect(f"http://{spelling}:{server.port}/x"))
    result = check(server.url_for("/spelled"))
    assert (result.status, result.detail) == (BROKEN, f"redirects to {spelling}, a private or local address")


@pytest.fixture
def dns(monkeypatch):
    """Names that resolve where a test says (the real resolver for everything else)."""
    import socket

    names: dict[str, str] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


def test_a_name_that_resolves_to_a_private_address_is_never_connected_to(server, dns):
    dns["intranet.example.org"] = "127.0.0.1"  # where the test server listens: a request would succeed
    server.expect_request("/secret").respond_with_data("internal")
    result = check(f"http://intranet.example.org:{server.port}/secret")
    assert (result.status, result.detail) == (
        BROKEN, "intranet.example.org resolves to 127.0.0.1, a private or local address")
    assert hits(server, "/secret") == 0


def test_a_redirect_to_a_name_that_resolves_privately_is_not_followed(server, dns):
    dns["rebind.example.org"] = "127.0.0.1"
    server.expect_request("/hop").respond_with_response(redirect(f"http://rebind.example.org:{server.port}/inside"))
    server.expect_request("/inside").respond_with_data("internal")
    result = check(server.url_for("/hop"))
    assert (result.status, result.detail) == (
        BROKEN, "rebind.example.org resolves to 127.0.0.1, a private or local address")
    assert hits(server, "/inside") == 0


def test_each_url_is_requested_once(server):
    server.expect_request("/once").respond_with_data("hi")
    url = server.url_for("/once")
    results = ExternalChecker(FAST).check_all([url, url, url])
    assert list(results) == [url] and hits(server, "/once") == 1


def test_no_more_than_per_host_requests_at_once(server):
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def counted(request):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.3)
        with lock:
            state["now"] -= 1
        return Response("ok")

    server.expect_request("/page").respond_with_handler(counted)
    urls = [server.url_for(f"/page?n={i}") for i in range(8)]
    results = ExternalChecker(FAST).check_all(urls)
    assert all(r.status == OK for r in results.values())
    assert state["max"] == 2  # workers=16, but per_host=2


def test_the_total_time_is_bounded(server):
    def slow(request):
        time.sleep(0.4)
        return Response("ok")

    server.expect_request("/queue").respond_with_handler(slow)
    config = ExternalConfig(**{**FAST.__dict__, "per_host": 1, "max_time": 1.0})
    urls = [server.url_for(f"/queue?n={i}") for i in range(10)]
    start = time.monotonic()
    results = ExternalChecker(config).check_all(urls)
    elapsed = time.monotonic() - start
    # the budget, plus at most one request timeout, plus slack for a busy machine
    assert elapsed < config.max_time + config.timeout + 2.0
    statuses = [r.status for r in results.values()]
    assert statuses.count(OK) <= 3  # 0.4 s each, one at a time, in a 1 s budget
    skipped = [r for r in results.values() if r.status == UNVERIFIABLE]
    assert len(skipped) == 10 - statuses.count(OK)
    assert all("time budget" in r.detail for r in skipped)


# -- the cache -------------------------------------------------------------------------------


def test_successes_are_cached_and_reused(server, tmp_path):
    server.expect_request("/cached").respond_with_data("hi")
    url = server.url_for("/cached")
    path = tmp_path / "cache" / "external.json"
    check(url, cache=LinkCache(path, ttl=3600))
    result = check(url, cache=LinkCache(path, ttl=3600))
    assert result.status == OK and result.from_cache
    assert hits(server, "/cached") == 1


def test_errors_are_never_cached(server, tmp_path):
    server.expect_request("/missing").respond_with_data("no", status=404)
    server.expect_request("/limited").respond_with_data("no", status=429)
    path = tmp_path / "external.json"
    urls = [server.url_for("/missing"), server.url_for("/limited")]
    for _ in range(2):
        ExternalChecker(FAST, LinkCache(path, ttl=3600)).check_all(urls)
    assert LinkCache(path, ttl=3600).entries == {}
    assert hits(server, "/missing") == 2  # once a run: a 404 is definite
    assert hits(server, "/limited") == 2 * 3  # three attempts a run


def test_cache_entries_expire(server, tmp_path):
    server.expect_request("/fresh").respond_with_data("hi")
    url = server.url_for("/fresh")
    path = tmp_path / "external.json"
    clock = {"t": 1_000_000.0}
    check(url, cache=LinkCache(path, ttl=60, now=lambda: clock["t"]))
    clock["t"] += 59
    assert check(url, cache=LinkCache(path, ttl=60, now=lambda: clock["t"])).from_cache
    clock["t"] += 2
    assert not check(url, cache=LinkCache(path, ttl=60, now=lambda: clock["t"])).from_cache
    assert hits(server, "/fresh") == 2


def test_a_corrupt_cache_is_ignored(server, tmp_path):
    path = tmp_path / "external.json"
    path.write_text("{not json")
    server.expect_request("/x").respond_with_data("hi")
    assert check(server.url_for("/x"), cache=LinkCache(path, ttl=60)).status == OK


def test_international_urls_are_encoded_for_the_request(server):
    assert to_ascii_url("https://пример.рф/путь?q=мир") == (
        "https://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C?q=%D0%BC%D0%B8%D1%80")
    assert to_ascii_url("https://example.org/a%20b?x=1") == "https://example.org/a%20b?x=1"
    server.expect_request("/café").respond_with_data("ok")
    assert check(server.url_for("/") + "café").status == OK


@pytest.fixture
def trickle():
    """A server that answers one byte every 0.1 s, for ever: each read is quick, the answer never
    ends. Yields its URL."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue

            def drip(conn=conn):
                try:
                    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"x" * 10_000:
                        if stop.is_set():
                            break
                        conn.sendall(bytes([byte]))
                        time.sleep(0.1)
                except OSError:
                    pass
                finally:
                    conn.close()

            threading.Thread(target=drip, daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    stop.set()
    thread.join()
    listener.close()


def test_a_server_trickling_bytes_cannot_outlast_the_request_budget(trickle):
    config = ExternalConfig(**{**FAST.__dict__, "timeout": 0.5, "retries": 1})
    start = time.monotonic()
    result = check(trickle, config)
    elapsed = time.monotonic() - start
    assert (result.status, result.detail) == (
        UNVERIFIABLE, "timed out after 0.5s (2 attempts)")
    assert elapsed < 10  # two 0.5 s attempts and a short backoff; without the watch: never


def test_the_run_budget_bounds_a_trickling_server_too(trickle):
    config = ExternalConfig(**{**FAST.__dict__, "timeout": 30.0, "retries": 0, "max_time": 1.0})
    start = time.monotonic()
    result = check(trickle, config)
    assert result.status == UNVERIFIABLE
    assert time.monotonic() - start < 10
