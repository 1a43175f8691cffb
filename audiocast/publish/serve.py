"""``audiocast serve OUT``: serve an output folder to a browser or podcast app, with HTTP Range.

The standard library's ``http.server`` is the server (threaded, HTTP/1.1 keep-alive); what it
lacks for podcasts is added here: byte ranges (RFC 9110 §14: one range per request gets
``206`` with ``Content-Range``, an unsatisfiable or malformed one ``416``; several ranges are
answered with the whole file, which the RFC allows), podcast MIME types, and a strict view
of the folder: no listings, no dot-files, no ``..`` (decoded or not), nothing outside
``OUT`` even through a symlink.  It is a preview server for one person or a local network,
not a public web server; publish ``OUT`` on any static host for that.
"""

from __future__ import annotations

import email.utils
import errno
import mimetypes
import os
import re
import signal
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import unquote, urlsplit

from audiocast.errors import AudiocastError

CHUNK = 64 * 1024
TYPES = {
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
FEED_TYPE = "application/rss+xml; charset=utf-8"
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class Unsatisfiable(Exception):
    """A Range header this file cannot answer (416)."""


def content_type(path: Path) -> str:
    """The Content-Type of a file in the output folder (``feed.xml`` is RSS)."""
    if path.name == "feed.xml":
        return FEED_TYPE
    return TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def parse_range(header: Optional[str], size: int) -> Optional[tuple[int, int]]:
    """The inclusive byte span ``(first, last)`` a Range header asks for; None to send the whole file.

    Raises :class:`Unsatisfiable` for a bytes range that is malformed or lies outside the file.
    Other units and multiple ranges are ignored (the whole file is sent), as RFC 9110 allows.
    """
    if not header:
        return None
    header = header.strip()
    unit = header.split("=", 1)[0].strip().lower()
    if unit != "bytes":
        return None
    if "," in header:
        return None
    m = _RANGE.fullmatch(header.replace(" ", ""))
    if not m or not (m[1] or m[2]):
        raise Unsatisfiable(header)
    if not m[1]:  # suffix: the last N bytes
        length = int(m[2])
        if length == 0 or size == 0:
            raise Unsatisfiable(header)
        return max(0, size - length), size - 1
    first = int(m[1])
    last = int(m[2]) if m[2] else size - 1
    if last < first or first >= size:
        raise Unsatisfiable(header)
    return first, min(last, size - 1)


def resolve(root: Path, url_path: str) -> Optional[Path]:
    """The file under ``root`` a request path names, or None (outside, hidden, traversal, or absent).

    ``root`` must be resolved.  The path is percent-decoded once; any ``..`` or dot-file
    segment, NUL or backslash is refused, and the real path (symlinks followed) must stay
    inside ``root``.  A folder stands for its ``index.html``.
    """
    path = unquote(urlsplit(url_path).path, errors="strict") if url_path.startswith("/") else None
    if path is None or "\x00" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p]
    if any(p.startswith(".") for p in parts):
        return None
    target = root.joinpath(*parts)
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if real != root and root not in real.parents:
        return None
    if real.is_dir():
        real = real / "index.html"
        if not real.is_file():
            return None
    return real if real.is_file() else None


class Handler(BaseHTTPRequestHandler):
    """GET and HEAD for the files of one folder (``server.root``)."""

    protocol_version = "HTTP/1.1"
    server_version = "audiocast"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(body=False)

    def _serve(self, body: bool) -> None:
        root: Path = self.server.root  # type: ignore[attr-defined]
        try:
            path = resolve(root, self.path)
        except UnicodeDecodeError:
            path = None
        if path is None:
            self._error(HTTPStatus.NOT_FOUND)
            return
        raw = urlsplit(self.path).path
        if path.name == "index.html" and not raw.endswith("/") and not raw.endswith("index.html"):
            self._redirect("/" + raw.lstrip("/") + "/")  # so the page's relative links resolve inside the folder
            return
        try:
            handle = open(path, "rb")
        except OSError:
            self._error(HTTPStatus.NOT_FOUND)
            return
        with handle:
            stat = os.fstat(handle.fileno())
            size = stat.st_size
            etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
            modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
            if self.headers.get("If-None-Match") == etag:
                self._head(HTTPStatus.NOT_MODIFIED, etag=etag, modified=modified)
                return
            span = None
            if_range = self.headers.get("If-Range")
            if if_range is None or if_range in (etag, modified):
                try:
                    span = parse_range(self.headers.get("Range"), size)
                except Unsatisfiable:
                    self._head(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, length=0,
                               extra={"Content-Range": f"bytes */{size}"})
                    return
            first, last = span if span else (0, size - 1)
            length = last - first + 1 if size else 0
            extra = {"Content-Range": f"bytes {first}-{last}/{size}"} if span else {}
            self._head(HTTPStatus.PARTIAL_CONTENT if span else HTTPStatus.OK, length=length, etag=etag,
                       modified=modified, kind=content_type(path), extra=extra)
            if body:
                handle.seek(first)
                self._copy(handle, length)

    def _copy(self, handle, length: int) -> None:
        try:
            while length > 0:
                chunk = handle.read(min(CHUNK, length))
                if not chunk:
                    break
                self.wfile.write(chunk)
                length -= len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # a player that seeks drops the request it no longer needs

    def _head(self, status: HTTPStatus, *, length: int = 0, etag: str = "", modified: str = "", kind: str = "",
              extra: Optional[dict] = None) -> None:
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        if etag:
            self.send_header("ETag", etag)
        if modified:
            self.send_header("Last-Modified", modified)
        self.send_header("Cache-Control", "no-cache")  # a rebuild changes the files: always revalidate
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()

    def _error(self, status: HTTPStatus) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's signature)
        if self.server.log:  # type: ignore[attr-defined]
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


class Server(ThreadingHTTPServer):
    """A threaded server for one folder; IPv6 when the host is an IPv6 address."""

    daemon_threads = True  # Ctrl-C does not wait for a podcast app's open connection

    def __init__(self, root: Path, host: str, port: int, log: bool = True) -> None:
        self.root = root.resolve()
        self.log = log
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), Handler)

    def url(self) -> str:
        """The URL to open: the bound address (for an any-address host, this machine's address)."""
        host, port = self.server_address[:2]
        if host in ("0.0.0.0", "::"):
            host = _outward_address(self.address_family)
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}/"


def _outward_address(family: int) -> str:
    """This machine's address on its default route (no packet is sent), else the loopback address."""
    probe = ("2001:db8::1", 9) if family == socket.AF_INET6 else ("192.0.2.1", 9)
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.connect(probe)
            return s.getsockname()[0]
    except OSError:
        return "::1" if family == socket.AF_INET6 else "127.0.0.1"


def serve(out_dir: Path, host: str = "127.0.0.1", port: int = 8000, *, log: bool = True,
          announce: Callable[[str], None] = print) -> None:
    """Serve ``out_dir`` until Ctrl-C (or SIGTERM); ``announce`` gets the one-line start message."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise AudiocastError("no such output folder (run `audiocast build` first)", out_dir)
    try:
        server = Server(out_dir, host, port, log=log)
    except OSError as exc:
        why = "is in use; choose another with --port" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
        raise AudiocastError(f"port {port} on {host} {why}") from None
    url = server.url()
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None
    try:
        announce(f"Serving {out_dir} at {url}  (feed: {url}feed.xml)  Ctrl-C to stop")
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
        server.server_close()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
