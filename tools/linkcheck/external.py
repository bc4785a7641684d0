"""Checks external URLs over HTTP(S): each URL once, a few at a time per host, with retries,
exponential backoff, Retry-After, a persistent cache of successes and a bound on the total time.

Why our own Python and not lychee (see docs/linkcheck.md): the verdicts this site needs depend on
the response *body* (a 403 that is a Cloudflare/captcha challenge is "unverifiable", not
"broken"), on a total time budget that still returns every answer found so far, and on
sources.yaml's archive copies; lychee reports only statuses and is all-or-nothing on time.

Verdicts: "ok", "broken", "unverifiable" (we could not tell: rate limits, bot walls, LinkedIn's
999, login walls, timeouts, the time budget) and "redirect-loop".
"""
from __future__ import annotations

import email.utils
import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Optional
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from .cache import LinkCache
from .urls import address_of, is_private_address, is_private_host

OK, BROKEN, UNVERIFIABLE, LOOP = "ok", "broken", "unverifiable", "redirect-loop"

# Lower-case substrings of a response body (or header values) that mark a bot wall rather than a
# real "forbidden": Cloudflare, hCaptcha/reCAPTCHA, DataDome, PerimeterX, Imperva, DDoS-Guard,
# Akamai's edge error page.
CHALLENGE_MARKERS = (
    "just a moment...", "cf-chl", "challenge-platform", "attention required! | cloudflare",
    "captcha", "_incapsula_resource", "ddos-guard", "verify you are human", "are you a robot",
    "errors.edgesuite.net", "px-captcha", "datadome",
)
_REDIRECTS = {301, 302, 303, 307, 308}
_BODY_SAMPLE = 64 * 1024  # enough to see a challenge page's markers, never a whole PDF


@dataclass(frozen=True)
class ExternalConfig:
    timeout: float = 10.0  # seconds per request (connect, and each read)
    retries: int = 3  # further attempts after the first, for failures that may pass
    backoff: float = 1.0  # first wait between attempts; doubles on each retry
    max_retry_after: float = 30.0  # longest Retry-After we are willing to wait
    max_time: float = 600.0  # bound on the whole run; unfinished URLs become "unverifiable"
    per_host: int = 2  # requests in flight to one host at a time (politeness, fewer 429s)
    workers: int = 16
    max_redirects: int = 10
    allow_hosts: frozenset = frozenset()  # private hosts we may request (tests use 127.0.0.1)
    # "Mozilla/5.0 (compatible; ...)" is what well-behaved crawlers send; a bare library name
    # is refused outright by many news sites.
    user_agent: str = "Mozilla/5.0 (compatible; linkcheck/1.0; static site link checker)"


@dataclass(frozen=True)
class Result:
    status: str
    detail: str
    final_url: str = ""
    attempts: int = 1
    from_cache: bool = False


class _Watch:
    """A request's total deadline. The socket's own timeout restarts with every byte, so a
    server trickling one byte a second would hold a request for ever: a timer closes the
    socket when the whole request (connect, status line, headers, body sample) has taken
    longer than its budget."""

    local = threading.local()  # the watch of the request this thread is making

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self.timers: list = []

    def guard(self, sock: socket.socket) -> socket.socket:
        def expire():
            self.expired = True
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        timer = threading.Timer(self.seconds, expire)
        timer.daemon = True
        timer.start()
        self.timers.append(timer)
        return sock

    def cancel(self) -> None:
        for timer in self.timers:
            timer.cancel()


def _watched(sock: socket.socket) -> socket.socket:
    watch = getattr(_Watch.local, "watch", None)
    return watch.guard(sock) if watch is not None else sock


class PrivateAddress(OSError):
    """A host name that resolves to a private or local address: never connected to."""


def guarded_connect(allow_hosts: frozenset):
    """socket.create_connection for http.client that resolves the host itself, refuses it when
    any of its addresses is private (PrivateAddress), and connects to an address it checked:
    a name that resolves elsewhere on a second lookup (DNS rebinding) cannot slip through.
    Every request goes through it, so every redirect hop is checked too."""

    def connect(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, **kwargs):
        # allow_hosts names hosts as written in URLs (--allow-host): a name allowed by the user
        # may resolve anywhere; an allowed address does not allow names resolving to it.
        host, port = address
        if host.lower() in allow_hosts:
            return _watched(socket.create_connection(address, timeout, source_address, **kwargs))
        literal = address_of(host)
        infos = ([(socket.AF_INET6 if literal.version == 6 else socket.AF_INET, None, None, None, (str(literal), port))]
                 if literal is not None else socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        for family, _, _, _, sockaddr in infos:
            ip = address_of(sockaddr[0])
            if ip is not None and is_private_address(ip):
                raise PrivateAddress(f"{host} resolves to {sockaddr[0]}, a private or local address")
        error: OSError = OSError(f"no address for {host}")
        for family, _, _, _, sockaddr in infos:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                    sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)
                return _watched(sock)
            except OSError as e:
                sock.close()
                error = e
        raise error

    return connect


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allow_hosts: frozenset):
        super().__init__()
        self.connect = guarded_connect(allow_hosts)

    def http_open(self, req):
        return self.do_open(self._connection, req)

    def _connection(self, host, **kwargs):
        conn = http.client.HTTPConnection(host, **kwargs)
        conn._create_connection = self.connect  # http.client's own hook for making the socket
        return conn


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allow_hosts: frozenset):
        super().__init__()
        self.connect = guarded_connect(allow_hosts)

    def https_open(self, req):
        return self.do_open(self._connection, req, context=self._context)

    def _connection(self, host, **kwargs):
        conn = http.client.HTTPSConnection(host, **kwargs)
        conn._create_connection = self.connect  # TLS still verifies the name, not the address
        return conn


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are followed by hand, to see loops and count hops."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass
class _Response:
    code: int
    reason: str
    headers: object
    body: bytes = b""


class _Final(Exception):
    def __init__(self, result: Result):
        self.result = result


class _Retry(Exception):
    def __init__(self, result: Result, wait: Optional[float] = None):
        self.result = result
        self.wait = wait  # seconds the server asked for (Retry-After), if any


class ExternalChecker:
    def __init__(self, config: ExternalConfig = ExternalConfig(), cache: Optional[LinkCache] = None,
                 clock=time.monotonic, sleep=time.sleep):
        self.config = config
        self.cache = cache or LinkCache(None, 0)
        self._clock = clock
        self._sleep = sleep
        self._opener = urllib.request.build_opener(
            _NoRedirect(), _GuardedHTTPHandler(config.allow_hosts), _GuardedHTTPSHandler(config.allow_hosts))
        self._host_locks: dict = {}
        self._host_not_before: dict = {}  # host -> clock time before which we do not ask it
        self._host_refused: dict = {}  # host -> the too-long Retry-After it sent
        self._lock = threading.Lock()
        self._deadline = float("inf")

    # -- the run ----------------------------------------------------------------------------

    def check_all(self, urls) -> dict:
        """{url: Result} for each distinct URL."""
        urls = sorted(set(urls))
        results: dict = {}
        todo = []
        for url in urls:
            hit = self.cache.get(url)
            if hit is not None:
                results[url] = Result(OK, hit.get("detail", "ok"), hit.get("final_url", ""),
                                      0, from_cache=True)
            else:
                todo.append(url)
        self._deadline = self._clock() + self.config.max_time
        if todo:
            with ThreadPoolExecutor(min(self.config.workers, len(todo))) as pool:
                for url, result in zip(todo, pool.map(self.check, todo)):
                    results[url] = result
                    if result.status == OK:
                        self.cache.put_ok(url, result.detail, result.final_url)
        self.cache.save()
        return results

    def check(self, url: str) -> Result:
        """One URL, with retries; never raises."""
        attempt = 0
        while True:
            attempt += 1
            if self._clock() >= self._deadline:
                return Result(UNVERIFIABLE, "not checked: the time budget "
                              f"({self.config.max_time:g}s) ran out", attempts=attempt - 1)
            try:
                result = self._follow(url)
                return Result(result.status, result.detail, result.final_url, attempt)
            except _Final as final:
                return Result(final.result.status, final.result.detail, attempts=attempt)
            except _Retry as retry:
                last = retry.result
                if attempt > self.config.retries:
                    tries = f" ({attempt} attempts)" if attempt > 1 else ""
                    return Result(last.status, last.detail + tries, last.final_url, attempt)
                wait = self.config.backoff * 2 ** (attempt - 1)
                if retry.wait is not None:
                    if retry.wait > self.config.max_retry_after:
                        return Result(last.status, f"{last.detail}; Retry-After {retry.wait:g}s is "
                                      f"longer than the {self.config.max_retry_after:g}s we wait",
                                      last.final_url, attempt)
                    wait = max(wait, retry.wait)
                self._pause(wait)

    def _pause(self, seconds: float) -> None:
        remaining = self._deadline - self._clock()
        if remaining > 0:
            self._sleep(min(seconds, remaining))

    # -- one attempt: a chain of requests ---------------------------------------------------

    def _follow(self, url: str) -> Result:
        seen = {url}
        current = url
        for hops in range(self.config.max_redirects + 1):
            resp = self._request(current)
            if resp.code in _REDIRECTS:
                location = resp.headers.get("Location")
                if not location:
                    return Result(BROKEN, f"{resp.code} redirect without a Location header")
                nxt = urljoin(current, location.strip())
                if nxt in seen:
                    return Result(LOOP, f"redirect loop: {current} -> {nxt}")
                seen.add(nxt)
                host = urlsplit(nxt).hostname or ""
                if urlsplit(nxt).scheme not in ("http", "https"):
                    return Result(BROKEN, f"redirects to a non-http URL {nxt}")
                if is_private_host(host) and host not in self.config.allow_hosts:
                    return Result(BROKEN, f"redirects to {host}, a private or local address")
                current = nxt
                continue
            return self._verdict(resp, current, hops)
        return Result(LOOP, f"more than {self.config.max_redirects} redirects")

    def _verdict(self, resp: _Response, final: str, hops: int) -> Result:
        code = resp.code
        moved = f" (after {hops} redirect{'s' * (hops != 1)} to {final})" if hops else ""
        status_text = f"{code} {resp.reason}".strip()
        if 200 <= code < 300:
            return Result(OK, status_text + moved, final if hops else "")
        if code == 999:  # LinkedIn's answer to every non-browser client
            return Result(UNVERIFIABLE, f"{code} (the site refuses automated requests)")
        if self._is_challenge(resp):
            return Result(UNVERIFIABLE, f"{status_text}: a bot-protection challenge page")
        if code == 429:
            raise _Retry(Result(UNVERIFIABLE, f"{status_text}: rate limited"), _retry_after(resp))
        if code == 401:
            return Result(UNVERIFIABLE, f"{status_text}: the page needs a login")
        if code >= 500:
            raise _Retry(Result(BROKEN, status_text + moved), _retry_after(resp))
        return Result(BROKEN, status_text + moved)

    @staticmethod
    def _is_challenge(resp: _Response) -> bool:
        if resp.code not in (403, 429, 503):
            return False
        if (resp.headers.get("cf-mitigated") or "").lower() == "challenge":
            return True
        body = resp.body.decode("utf-8", "replace").lower()
        return any(marker in body for marker in CHALLENGE_MARKERS)

    def _host_slot(self, host: str) -> threading.Semaphore:
        with self._lock:
            if host not in self._host_locks:
                self._host_locks[host] = threading.Semaphore(self.config.per_host)
            return self._host_locks[host]

    def _request(self, url: str) -> _Response:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        slot = self._host_slot(host)
        # Waiting for a host's slot counts against the time budget too.
        if not slot.acquire(timeout=max(0.0, min(self._deadline - self._clock(), 1e6))):
            raise _Retry(Result(UNVERIFIABLE, "the time budget ran out"))
        try:
            return self._send(url, host)
        finally:
            slot.release()

    def _send(self, url: str, host: str) -> _Response:
        refused = self._host_refused.get(host)
        if refused is not None:  # it asked for a longer pause than we are willing to make
            raise _Final(Result(UNVERIFIABLE, f"not asked: {host} sent Retry-After {refused:g}s, "
                                              f"longer than the {self.config.max_retry_after:g}s "
                                              "we wait"))
        # A host that sent Retry-After is left alone by every thread until then.
        wait = self._host_not_before.get(host, 0) - self._clock()
        if wait > 0:
            self._pause(wait)
        remaining = self._deadline - self._clock()
        if remaining <= 0:
            raise _Retry(Result(UNVERIFIABLE, "the time budget ran out"))
        timeout = min(self.config.timeout, max(remaining, 0.1))
        try:
            url = to_ascii_url(url)
        except (UnicodeError, ValueError):
            raise _Final(Result(BROKEN, "the URL cannot be encoded for a request"))
        watch = _Watch.local.watch = _Watch(timeout)
        try:
            return self._open(url, host, timeout)
        except _Retry as retry:
            if watch.expired:
                raise _Retry(Result(UNVERIFIABLE, f"timed out after {timeout:g}s"))
            raise retry
        finally:
            watch.cancel()
            _Watch.local.watch = None

    def _open(self, url: str, host: str, timeout: float) -> _Response:
        req = urllib.request.Request(url, headers={
            "User-Agent": self.config.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "en",
        })
        try:
            with self._opener.open(req, timeout=timeout) as fh:
                return _Response(fh.status, fh.reason or "", fh.headers)  # body not needed
        except urllib.error.HTTPError as err:
            body = b""
            try:
                body = err.read(_BODY_SAMPLE) if err.fp is not None else b""
            except (OSError, http.client.HTTPException):
                pass
            finally:
                err.close()
            resp = _Response(err.code, err.reason if isinstance(err.reason, str) else "",
                             err.headers, body)
            after = _retry_after(resp)
            if after is not None and resp.code in (429, 503):
                with self._lock:
                    if after > self.config.max_retry_after:
                        self._host_refused[host] = after
                    else:
                        self._host_not_before[host] = self._clock() + after
            return resp
        except (socket.timeout, TimeoutError):
            raise _Retry(Result(UNVERIFIABLE, f"timed out after {timeout:g}s"))
        except urllib.error.URLError as err:
            raise _classify_oserror(err.reason, timeout)
        except (ConnectionError, http.client.HTTPException, OSError) as err:
            raise _classify_oserror(err, timeout)


def _classify_oserror(reason, timeout: float) -> Exception:
    """A network failure as a retryable verdict (or a final one, for TLS problems)."""
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return _Retry(Result(UNVERIFIABLE, f"timed out after {timeout:g}s"))
    if isinstance(reason, PrivateAddress):
        return _Final(Result(BROKEN, str(reason)))
    if isinstance(reason, ssl.SSLCertVerificationError):
        return _Final(Result(BROKEN, f"TLS certificate problem: {reason.verify_message}"))
    if isinstance(reason, ssl.SSLError):
        return _Final(Result(BROKEN, f"TLS error: {reason.reason or reason}"))
    if isinstance(reason, socket.gaierror):
        return _Retry(Result(BROKEN, "host name not found (DNS)"))
    if isinstance(reason, ConnectionRefusedError):
        return _Retry(Result(BROKEN, "connection refused"))
    if isinstance(reason, (ConnectionResetError, http.client.RemoteDisconnected,
                           ConnectionAbortedError, BrokenPipeError)):
        return _Retry(Result(BROKEN, "connection reset by the server"))
    if isinstance(reason, http.client.HTTPException):
        return _Retry(Result(BROKEN, f"bad HTTP response ({type(reason).__name__})"))
    return _Retry(Result(BROKEN, f"network error: {reason}"))


def to_ascii_url(url: str) -> str:
    """An IRI as a URI: IDNA host, percent-encoded path and query (http.client wants ASCII)."""
    if url.isascii():
        return url
    parts = urlsplit(url)
    host = parts.hostname.encode("idna").decode("ascii") if parts.hostname else ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    if parts.username:
        netloc = quote(parts.username) + (":" + quote(parts.password) if parts.password else "") \
            + "@" + netloc
    keep = "/%:@!$&'()*+,;=-._~?"
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=keep),
                       quote(parts.query, safe=keep), quote(parts.fragment, safe=keep)))


def _retry_after(resp: _Response) -> Optional[float]:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if any."""
    value = (resp.headers.get("Retry-After") or "").strip() if resp.headers else ""
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
