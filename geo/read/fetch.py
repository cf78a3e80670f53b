"""A polite and careful HTTP client for article pages and feeds.

    fetcher = Fetcher(FetchSettings.from_settings(load_settings()))
    response = fetcher.fetch(url, etag=old_etag, last_modified=old_last_modified)
    if response.unchanged: ...            # 304: nothing new since the ETag / Last-Modified
    response.body, response.content_type, response.etag, response.fetched_at

Every failure is a `FetchError` whose `reason` is a short sentence for people ("refused:
10.0.0.5 is a private address", "too large: more than 5 MB", "not text: image/png",
"HTTP 404", "timed out after 20 s", "disallowed by robots.txt").

What it does, and why:

- Only http and https. The host of every request and of every redirect target (followed by
  hand, at most `max_redirects`) is resolved once and each address checked: private,
  loopback, link-local, multicast, reserved, unspecified and other non-global addresses are
  refused, so a page or a feed cannot make us reach the machine's own network (cloud
  metadata services at 169.254.169.254, a router, a database). The connection goes to the
  address that was checked (the Host header and TLS name stay the host's), so a second DNS
  answer cannot swap in another address (DNS rebinding); the peer is checked again after
  connecting. `allow_private` (settings) or GEO_ALLOW_PRIVATE_ADDRESSES ("1": all, or a
  comma-separated list of networks such as "127.0.0.0/8") lifts the refusal, for intranet
  use and for the tests' local server.
- A user agent naming the project and the contact of the settings.
- Timeouts: connecting, each read, and the whole request. A size cap (5 MB by default),
  checked against Content-Length and while the body is read (decompressed size for gzip).
  Only textual content types (text/*, XML, XHTML, RSS, Atom, JSON) are read.
- Conditional requests: If-None-Match / If-Modified-Since from a previous answer; a 304 is
  returned as `unchanged`.
- robots.txt of each host, read with this same client and cached (a day; ten minutes when
  it could not be read, which counts as "disallow all" meanwhile, as RFC 9309 asks); a
  disallowed URL is never requested. Its Crawl-delay raises the per-host interval.
- At most one request per `min_interval` seconds per host (1 s by default). `clock` and
  `sleep` are injectable so tests drive time; `polite=False` switches robots.txt and the
  interval off (benchmarks against one's own server only).
- Retries with exponential back-off on 429 and 5xx, honouring Retry-After (seconds or an
  HTTP date); a Retry-After longer than `max_retry_after` gives up instead of waiting.

Settings (geo.toml), all optional::

    [fetch]
    contact = "mailto:me@example.org"   # or a URL: put in the user agent
    allow_private = false               # true, or a list of networks ["10.1.0.0/16"]
    timeout = 20                        # seconds for each read; connect_timeout, total_timeout
    max_mb = 5
    min_interval = 1.0                  # seconds between two requests to one host
    retries = 3
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

PROJECT_AGENT = "geo-news-map/0.1"
ROBOTS_AGENT = "geo-news-map"  # the token robots.txt groups are matched against
ALLOW_PRIVATE_ENV = "GEO_ALLOW_PRIVATE_ADDRESSES"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/rdf+xml,application/xml;q=0.9,text/*;q=0.8"
)
# Content types we read. Anything else (images, PDF, octet-stream, archives, video) is
# refused before its body is read.
TEXT_TYPES = frozenset(
    {
        "application/xhtml+xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/json",
        "application/feed+json",
    }
)
ROBOTS_TTL = 24 * 3600.0
ROBOTS_ERROR_TTL = 600.0
_CHUNK = 65536

# Which address classes we name in a refusal, most telling first.
_ADDRESS_KINDS = (
    ("is_loopback", "a loopback"),
    ("is_link_local", "a link-local"),
    ("is_multicast", "a multicast"),
    ("is_unspecified", "an unspecified"),
    ("is_private", "a private"),
    ("is_reserved", "a reserved"),
)


class FetchError(Exception):
    """A URL that could not be fetched; `reason` says why, for people."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(reason)
        self.url = url
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class FetchSettings:
    """How the fetcher behaves; `from_settings` reads the [fetch] table of geo.toml."""

    contact: str | None = None
    # True: any address; a tuple of networks: those only (e.g. ("127.0.0.0/8",)).
    allow_private: bool | tuple[str, ...] = False
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    min_interval: float = 1.0
    polite: bool = True
    retries: int = 3
    backoff: float = 1.0  # first wait; doubled after each try
    max_retry_after: float = 120.0

    @property
    def user_agent(self) -> str:
        return f"{PROJECT_AGENT} (+{self.contact})" if self.contact else PROJECT_AGENT

    @classmethod
    def from_settings(cls, settings: dict[str, Any] | None) -> FetchSettings:
        table = (settings or {}).get("fetch") or {}
        if not isinstance(table, dict):
            raise ValueError("settings: [fetch] must be a table")
        values: dict[str, Any] = {}
        if table.get("contact"):
            values["contact"] = str(table["contact"])
        allow = table.get("allow_private", False)
        if isinstance(allow, list):
            for network in allow:
                _network(network, "settings: [fetch] allow_private")
            allow = tuple(str(n) for n in allow)
        elif not isinstance(allow, bool):
            raise ValueError("settings: [fetch] allow_private must be true, false or a list")
        values["allow_private"] = allow
        numbers = {
            "timeout": "read_timeout",
            "connect_timeout": "connect_timeout",
            "total_timeout": "total_timeout",
            "min_interval": "min_interval",
            "max_retry_after": "max_retry_after",
        }
        for key, name in numbers.items():
            if key in table:
                values[name] = _positive(table[key], f"settings: [fetch] {key}")
        if "max_mb" in table:
            megabytes = _positive(table["max_mb"], "settings: [fetch] max_mb")
            values["max_bytes"] = int(megabytes * 2**20)
        if "retries" in table:
            values["retries"] = int(_positive(table["retries"], "settings: [fetch] retries", 0))
        return cls(**values)


def _positive(value: Any, name: str, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ValueError(f"{name} must be a number >= {minimum:g}, got {value!r}")
    return float(value)


def _network(value: Any, name: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(str(value).strip(), strict=False)
    except ValueError as exc:
        raise ValueError(f"{name}: {value!r} is not a network") from exc


@dataclass(frozen=True)
class Response:
    """A fetched resource (or a 304). `url` is the final URL, after redirects."""

    url: str
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    fetched_at: datetime
    requested_url: str = ""

    @property
    def unchanged(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


def _size(n: int) -> str:
    if n >= 2**20:
        return f"{n / 2**20:.3g} MB"
    if n >= 1024:
        return f"{n / 1024:.3g} KB"
    return f"{n} bytes"


def _seconds(x: float) -> str:
    return f"{x:g} s"


def is_text_type(content_type: str) -> bool:
    return (
        not content_type
        or content_type.startswith("text/")
        or content_type in TEXT_TYPES
        or content_type.endswith(("+xml", "+json"))
    )


# --- connections to a checked address --------------------------------------------------------


def _open_socket(conn: http.client.HTTPConnection, address: str, read_timeout: float):
    sock = socket.create_connection((address, conn.port), conn.timeout)
    sock.settimeout(read_timeout)
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to `address` (already checked) while Host names the URL's host."""

    def __init__(self, host: str, port: int, address: str, timeout: float, read: float):
        super().__init__(host, port, timeout=timeout)
        self._address, self._read = address, read

    def connect(self) -> None:
        self.sock = _open_socket(self, self._address, self._read)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with TLS verified against the URL's host name (SNI too)."""

    def __init__(self, host: str, port: int, address: str, timeout: float, read: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address, self._read = address, read

    def connect(self) -> None:
        sock = _open_socket(self, self._address, self._read)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


# --- the client -------------------------------------------------------------------------------


@dataclass
class _Robots:
    parser: RobotFileParser | None  # None: could not be read, disallow all for a while
    expires: float


@dataclass
class Fetcher:
    """Fetch http(s) URLs politely and safely. Not shared between threads."""

    settings: FetchSettings = field(default_factory=FetchSettings)
    clock: Callable[[], float] = time.monotonic  # for politeness and back-off
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # wall clock
    resolver: Callable[..., list] = field(default=None)  # socket.getaddrinfo by default

    def __post_init__(self) -> None:
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, _Robots] = {}

    # -- public

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Response:
        """GET `url` following redirects; raises FetchError. A 304 comes back `unchanged`."""
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        current = url
        for _ in range(self.settings.max_redirects + 1):
            if self.settings.polite and not self.allowed_by_robots(current):
                raise FetchError(current, "disallowed by robots.txt")
            response = self._with_retries(current, conditional)
            if response.status in REDIRECT_STATUSES:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(current, f"HTTP {response.status} without a Location")
                current = urljoin(current, location.strip())
                continue
            if response.status == 304:
                return _replace_url(response, url)
            if response.status >= 400:
                raise FetchError(current, f"HTTP {response.status}")
            if not 200 <= response.status < 300:
                raise FetchError(current, f"unexpected HTTP {response.status}")
            return _replace_url(response, url)
        raise FetchError(url, f"too many redirects (more than {self.settings.max_redirects})")

    def allowed_by_robots(self, url: str) -> bool:
        """Whether robots.txt lets us fetch `url` (reading and caching it when needed)."""
        robots = self._robots_for(url)
        return robots.parser is not None and robots.parser.can_fetch(ROBOTS_AGENT, url)

    # -- politeness

    def _host_key(self, url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}"

    def _interval(self, host: str) -> float:
        interval = self.settings.min_interval
        robots = self._robots.get(host)
        if robots is not None and robots.parser is not None:
            delay = robots.parser.crawl_delay(ROBOTS_AGENT)
            if delay:
                interval = max(interval, float(delay))
        return interval

    def _wait_turn(self, url: str) -> None:
        if not self.settings.polite:
            return
        host = self._host_key(url)
        last = self._last_request.get(host)
        if last is not None:
            wait = last + self._interval(host) - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last_request[host] = self.clock()

    def _robots_for(self, url: str) -> _Robots:
        host = self._host_key(url)
        cached = self._robots.get(host)
        if cached is not None and cached.expires > self.clock():
            return cached
        robots_url = host + "/robots.txt"
        parser: RobotFileParser | None = RobotFileParser(robots_url)
        ttl = ROBOTS_TTL
        try:
            response = self._fetch_robots(robots_url)
        except FetchError as exc:
            # Refused addresses and bad URLs are the request's own problem, reported there.
            if exc.reason.startswith(("refused", "unsupported", "invalid")):
                raise
            parser, ttl = None, ROBOTS_ERROR_TTL
        else:
            if response.status in (401, 403):
                parser.disallow_all = True
            elif response.status >= 400:
                parser.allow_all = True
            else:
                text = response.body.decode(response.charset or "utf-8", errors="replace")
                parser.parse(text.splitlines())
        robots = _Robots(parser, self.clock() + ttl)
        self._robots[host] = robots
        return robots

    def _fetch_robots(self, robots_url: str) -> Response:
        current = robots_url
        for _ in range(self.settings.max_redirects + 1):
            response = self._with_retries(current, {})
            if response.status in REDIRECT_STATUSES and response.headers.get("location"):
                current = urljoin(current, response.headers["location"].strip())
                continue
            if response.status in REDIRECT_STATUSES:
                raise FetchError(current, f"HTTP {response.status} without a Location")
            return response
        raise FetchError(robots_url, "too many redirects")

    # -- retries

    def _with_retries(self, url: str, headers: dict[str, str]) -> Response:
        """One URL, retried on 429 and 5xx; other answers (4xx too) are returned."""
        wait = self.settings.backoff
        for attempt in range(self.settings.retries + 1):
            self._wait_turn(url)
            response = self._request(url, headers)
            retryable = response.status == 429 or response.status >= 500
            if not retryable or attempt == self.settings.retries:
                break
            asked = _retry_after(response.headers.get("retry-after"), self.now())
            if asked is not None and asked > self.settings.max_retry_after:
                raise FetchError(
                    url,
                    f"HTTP {response.status}, asked to retry after {_seconds(round(asked))}",
                )
            self.sleep(max(wait, asked or 0.0))
            wait *= 2
        if response.status >= 500 or response.status == 429:
            raise FetchError(url, f"HTTP {response.status}")
        return response

    # -- one request

    def _check_address(self, address: str) -> str | None:
        """Why `address` may not be reached, or None."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_global and not ip.is_multicast:
            return None
        for allowed in self._allowed_networks():
            if allowed is True or ip in allowed:
                return None
        kind = next((name for attr, name in _ADDRESS_KINDS if getattr(ip, attr)), "a non-public")
        return f"refused: {ip} is {kind} address"

    def _allowed_networks(self) -> Iterable[Any]:
        allow = self.settings.allow_private
        if allow is True:
            yield True
        elif allow:
            for network in allow:
                yield _network(network, "allow_private")
        env = os.environ.get(ALLOW_PRIVATE_ENV, "").strip()
        if env in ("1", "true", "yes"):
            yield True
        elif env and env not in ("0", "false", "no"):
            for network in env.split(","):
                if network.strip():
                    yield _network(network, ALLOW_PRIVATE_ENV)

    def _resolve(self, url: str, host: str, port: int) -> str:
        resolver = self.resolver or socket.getaddrinfo
        try:
            infos = resolver(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(url, f"cannot resolve {host}: {exc}") from exc
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if not addresses:
            raise FetchError(url, f"cannot resolve {host}")
        # Every address must pass: a name answering with one public and one private address
        # is exactly how a check gets bypassed.
        for address in addresses:
            reason = self._check_address(address)
            if reason:
                raise FetchError(url, reason)
        return addresses[0]

    def _request(self, url: str, headers: dict[str, str]) -> Response:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise FetchError(url, f"invalid URL: {exc}") from exc
        scheme = parts.scheme.lower()
        if not scheme:  # "news.example.org/a" or a typo: not a URL at all
            raise FetchError(url, "invalid URL: no scheme (only http and https URLs)")
        if scheme not in ("http", "https"):
            raise FetchError(url, f"unsupported scheme {scheme or 'none'!r}: only http and https")
        host = parts.hostname
        if not host:
            raise FetchError(url, "invalid URL: no host")
        port = port or (443 if scheme == "https" else 80)
        address = self._resolve(url, host, port)
        settings = self.settings
        kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        conn = kind(host, port, address, settings.connect_timeout, settings.read_timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        started = time.monotonic()  # real time: the socket waits in real time
        waiting_for = settings.connect_timeout
        try:
            conn.connect()
            waiting_for = settings.read_timeout
            peer = conn.sock.getpeername()[0]
            reason = self._check_address(peer)
            if reason:  # the resolver or the OS took us somewhere else
                raise FetchError(url, reason)
            conn.putrequest("GET", target, skip_accept_encoding=True)
            for name, value in {
                "User-Agent": settings.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": "gzip",
                "Connection": "close",
                **headers,
            }.items():
                conn.putheader(name, value)
            conn.endheaders()
            answer = conn.getresponse()
            got = {name.lower(): value for name, value in answer.getheaders()}
            body = b""
            if 200 <= answer.status < 300:
                body = self._read_body(url, answer, got, started)
            return Response(url, answer.status, got, body, self.now(), requested_url=url)
        except TimeoutError as exc:
            raise FetchError(url, f"timed out after {_seconds(waiting_for)}") from exc
        except ssl.SSLError as exc:
            raise FetchError(url, f"TLS error: {exc.reason or exc}") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(url, f"connection failed: {exc or type(exc).__name__}") from exc
        finally:
            conn.close()

    def _read_body(
        self,
        url: str,
        answer: http.client.HTTPResponse,
        headers: dict[str, str],
        started: float,
    ) -> bytes:
        settings = self.settings
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if not is_text_type(content_type):
            raise FetchError(url, f"not text: {content_type}")
        too_large = f"too large: more than {_size(settings.max_bytes)}"
        length = headers.get("content-length", "").strip()
        if length.isdigit() and int(length) > settings.max_bytes:
            raise FetchError(url, too_large)
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "gzip", "x-gzip", "deflate", ""):
            raise FetchError(url, f"unsupported content encoding {encoding!r}")
        inflate = zlib.decompressobj(47) if encoding not in ("identity", "") else None
        parts: list[bytes] = []
        total = 0
        while True:
            # Each read waits at most read_timeout (the socket's); the whole body is bounded
            # by total_timeout, checked between reads, against servers that trickle.
            if time.monotonic() - started > settings.total_timeout:
                raise FetchError(url, f"timed out after {_seconds(settings.total_timeout)}")
            chunk = answer.read(_CHUNK)
            if not chunk:
                break
            if inflate is not None:
                try:
                    # Decompress at most one byte past the cap: a small bomb stays small.
                    chunk = inflate.decompress(chunk, settings.max_bytes - total + 1)
                except zlib.error as exc:
                    raise FetchError(url, f"broken {encoding} body: {exc}") from exc
            total += len(chunk)
            if total > settings.max_bytes:
                raise FetchError(url, too_large)
            parts.append(chunk)
        body = b"".join(parts)
        if b"\x00" in body[:4096] and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise FetchError(url, "not text: binary content")
        return body


def _replace_url(response: Response, requested: str) -> Response:
    return Response(
        response.url,
        response.status,
        response.headers,
        response.body,
        response.fetched_at,
        requested_url=requested,
    )


def _retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After asks for (a number or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
