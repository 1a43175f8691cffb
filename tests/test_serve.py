"""`audiocast serve`: byte ranges, types and a strict view of the folder, checked over real HTTP."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from audiocast.publish.serve import Unsatisfiable, parse_range
from test_feed import make_mp3


@pytest.mark.parametrize("header, size, span", [
    (None, 100, None),
    ("bytes=0-9", 100, (0, 9)),
    ("bytes=90-", 100, (90, 99)),
    ("bytes=-10", 100, (90, 99)),
    ("bytes=-500", 100, (0, 99)),
    ("bytes=95-500", 100, (95, 99)),
    ("bytes=0-0,5-9", 100, None),  # several ranges: the whole file, as RFC 9110 allows
    ("items=0-9", 100, None),  # a unit we do not know is ignored
])
def test_parse_range(header, size, span):
    assert parse_range(header, size) == span


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=100-200", "bytes=9-5", "bytes=-0", "bytes=-", "bytes=abc",
                                   "bytes=1-2-3"])
def test_bad_ranges_are_unsatisfiable(header):
    with pytest.raises(Unsatisfiable):
        parse_range(header, 100)


class Served:
    """A running `audiocast serve` process (the console script, as a user starts it)."""

    def __init__(self, out: Path, *args: str) -> None:
        exe = Path(sys.executable).parent / "audiocast"
        self.proc = subprocess.Popen([str(exe), "serve", str(out), "--port", "0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.banner = self.proc.stdout.readline()
        assert self.banner.startswith("Serving "), self.banner + self.proc.stderr.read()
        self.url = self.banner.split(" at ", 1)[1].split()[0]
        self.host, port = self.url.removeprefix("http://").rstrip("/").rsplit(":", 1)
        self.port = int(port)

    def request(self, path: str, method: str = "GET", **headers: str):
        """(status, headers, body); ``path`` is sent exactly as given (no client-side normalising)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for key, value in headers.items():
                conn.putheader(key.replace("_", "-"), value)
            conn.endheaders()
            resp = conn.getresponse()
            return resp.status, resp.headers, resp.read()
        finally:
            conn.close()

    def stop(self) -> tuple[int, str, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            out, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, out, err


@pytest.fixture
def site(tmp_path):
    """An output folder with an episode, sidecars, a page, hidden files, and a symlink pointing out of it."""
    out = tmp_path / "out"
    make_mp3(out / "episode one.mp3", seconds=3.0)
    (out / "feed.xml").write_text('<?xml version="1.0"?><rss version="2.0"><channel/></rss>\n')
    (out / "episode one.vtt").write_text("WEBVTT\n")
    (out / "episode one.chapters.json").write_text('{"version": "1.2.0", "chapters": []}\n')
    (out / "index.html").write_text("<!DOCTYPE html><title>page</title>\n")
    (out / ".audiocast").mkdir()
    (out / ".audiocast" / "cast-memory.json").write_text("{}")
    (out / "empty-folder").mkdir()
    (out / "sub").mkdir()
    (out / "sub" / "index.html").write_text("<!DOCTYPE html><title>sub</title>\n")
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the output folder")
    (out / "link-out.txt").symlink_to(secret)
    (out / "linked-dir").symlink_to(tmp_path)
    server = Served(out)
    yield out, server
    server.stop()


def test_ranges_over_http(site):
    out, server = site
    data = (out / "episode one.mp3").read_bytes()
    size = len(data)
    status, headers, body = server.request("/episode%20one.mp3")
    assert status == 200 and body == data
    assert headers["Content-Type"] == "audio/mpeg" and headers["Accept-Ranges"] == "bytes"
    assert int(headers["Content-Length"]) == size

    status, headers, body = server.request("/episode%20one.mp3", Range="bytes=1000-1999")
    assert status == 206 and body == data[1000:2000]
    assert headers["Content-Range"] == f"bytes 1000-1999/{size}" and headers["Content-Length"] == "1000"
    status, headers, body = server.request("/episode%20one.mp3", Range="bytes=-300")
    assert status == 206 and body == data[-300:] and headers["Content-Range"] == f"bytes {size - 300}-{size - 1}/{size}"
    status, headers, body = server.request("/episode%20one.mp3", Range=f"bytes={size - 10}-")
    assert status == 206 and body == data[-10:]

    for bad in (f"bytes={size}-", "bytes=500-100", "bytes=x-y"):
        status, headers, body = server.request("/episode%20one.mp3", Range=bad)
        assert status == 416, bad
        assert headers["Content-Range"] == f"bytes */{size}" and body == b""

    status, headers, body = server.request("/episode%20one.mp3", "HEAD", Range="bytes=0-99")
    assert status == 206 and headers["Content-Length"] == "100" and body == b""
    etag = server.request("/episode%20one.mp3", "HEAD")[1]["ETag"]
    status, _, body = server.request("/episode%20one.mp3", Range="bytes=0-9", If_Range='"stale"')
    assert status == 200 and body == data  # the file changed since: the whole of it
    status, _, body = server.request("/episode%20one.mp3", Range="bytes=0-9", If_Range=etag)
    assert status == 206 and body == data[:10]


def test_types_and_the_page(site):
    _, server = site
    expected = {"/feed.xml": "application/rss+xml", "/episode%20one.vtt": "text/vtt",
                "/episode%20one.chapters.json": "application/json", "/": "text/html", "/index.html": "text/html"}
    for path, kind in expected.items():
        status, headers, _ = server.request(path)
        assert status == 200, path
        assert headers["Content-Type"].split(";")[0] == kind, path


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%2fsecret.txt", "/.%2e/secret.txt",
    "/episode%20one.mp3/../../secret.txt", "/%252e%252e/secret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt",
    "/link-out.txt", "/linked-dir/secret.txt", "/linked-dir/", "/.audiocast/cast-memory.json", "/.audiocast/",
    "/empty-folder/", "/empty-folder", "/missing.mp3", "/%00", "/%ff",
])
def test_nothing_outside_the_folder_and_no_listings(site, path):
    _, server = site
    status, _, body = server.request(path)
    assert status == 404, (path, status)
    assert b"outside" not in body and b"cast-memory" not in body


def test_a_folder_without_its_slash_is_redirected_to_its_page_on_this_host(site):
    _, server = site
    for path in ("/sub", "//sub"):  # "//sub/" would send the browser to a host named "sub"
        status, headers, _ = server.request(path)
        assert status == 301 and headers["Location"] == "/sub/", path
    status, _, body = server.request("/sub/")
    assert status == 200 and b"<title>sub</title>" in body


def test_ffmpeg_seeks_an_episode_over_http_with_ranges(site):
    """ffmpeg's HTTP client (what many players use) seeks into the episode with a Range request."""
    out, server = site
    proc = subprocess.run(["ffmpeg", "-v", "error", "-ss", "2", "-i", server.url + "episode%20one.mp3", "-t", "0.5",
                           "-f", "null", "-"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    code, _, log = server.stop()
    assert code == 0
    assert '"GET /episode%20one.mp3 HTTP/1.1" 206' in log, log


def test_start_message_ctrl_c_and_port_in_use(site):
    out, server = site
    assert server.banner.count("\n") == 1 and f"{server.url}feed.xml" in server.banner
    assert server.url.startswith("http://127.0.0.1:")  # loopback by default
    exe = Path(sys.executable).parent / "audiocast"
    busy = subprocess.run([str(exe), "serve", str(out), "--port", str(server.port)], capture_output=True, text=True,
                          timeout=30)
    assert busy.returncode == 1 and "Traceback" not in busy.stderr
    assert busy.stderr.strip().count("\n") == 0 and str(server.port) in busy.stderr
    code, out_text, err = server.stop()
    assert code == 0 and "Traceback" not in err and out_text == ""


def test_missing_folder_is_a_one_line_error(tmp_path):
    exe = Path(sys.executable).parent / "audiocast"
    proc = subprocess.run([str(exe), "serve", str(tmp_path / "nope")], capture_output=True, text=True, timeout=30,
                          env={**os.environ})
    assert proc.returncode != 0 and "Traceback" not in proc.stderr and "nope" in proc.stderr
