"""URL handling the crawl relies on: one canonical spelling per URL, hosts, scope tests."""

from __future__ import annotations

import posixpath
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"


def canonical(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, dot segments resolved,
    non-ASCII characters percent-encoded (UTF-8), so one resource has one spelling."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    path = parts.path or "/"
    trailing = path.endswith("/")
    path = posixpath.normpath(path)
    if path in (".", "//"):
        path = "/"
    if trailing and not path.endswith("/"):
        path += "/"
    if not path.startswith("/"):
        path = "/" + path
    path = quote(path, safe=_SAFE_PATH)
    query = quote(parts.query, safe=_SAFE_QUERY)
    return urlunsplit((scheme, netloc, path, query, ""))


def join(base: str, href: str) -> str | None:
    """Resolve `href` against `base`; None for javascript:, mailto:, data: and other non-HTTP links."""
    href = href.strip().replace("\\", "/")
    if not href or href.startswith("#"):
        return None
    low = href.lower()
    if low.startswith(("javascript:", "mailto:", "tel:", "data:", "about:", "ftp:", "file:")):
        return None
    url = urljoin(base, href)
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return canonical(url)


def host_of(url: str) -> str:
    """host[:port] as used for politeness and scope (default ports dropped)."""
    return urlsplit(canonical(url)).netloc


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def origin(url: str) -> str:
    parts = urlsplit(canonical(url))
    return f"{parts.scheme}://{parts.netloc}"


def directory(url: str) -> str:
    """The folder of a URL's path: `/a/b/index.html` → `/a/b/`."""
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


_SECOND_LEVEL = ("gov.cn", "com.cn", "net.cn", "org.cn", "edu.cn", "ac.cn")


def site_of(host: str) -> str:
    """The site a host belongs to: `xxgk.pingyuan.gov.cn` → `pingyuan.gov.cn`, `www.a.com` → `a.com`;
    an IP address is its own site. `www.gov.cn` is a site of its own, not the parent of every county."""
    name = host.rsplit(":", 1)[0].lower() if not host.startswith("[") else host
    labels = name.split(".")
    if name.replace(".", "").isdigit() or len(labels) < 2:
        return name
    keep = 3 if ".".join(labels[-2:]) in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])
