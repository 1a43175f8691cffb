"""The episode page in a real browser: headless Chromium (Debian's chromium + chromedriver) on `audiocast serve`.

Asserts what a listener sees and does: the page of the seed build loads with no console error, a chapter click
moves the player there and plays, the cue being spoken is marked and kept in view (but a reader who scrolled away
is not dragged back), a cue click seeks, it fits a phone, and without JavaScript it is a readable page with players.
"""

from __future__ import annotations

import json
import shutil
import time

import pytest

from test_serve import Served

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="needs chromium and chromium-driver (make test "
                                                                  "installs them)")
SLUG = "all-of-us-strangers"


def _chromium(javascript: bool = True):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--mute-audio",
                "--window-size=1280,1000", "--no-first-run", "--disable-extensions"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        opts.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_page_load_timeout(30)
    return driver


def _wait(predicate, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def served(seed_build):
    out, _, _ = seed_build
    server = Served(out)
    yield out, server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    driver = _chromium()
    yield driver
    driver.quit()


def test_page_plays_chapters_and_follows_the_transcript(served, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    out, server = served
    d = browser
    d.get(server.url)
    slugs = [p.stem for p in sorted(out.glob("*.mp3"))]
    boxes = d.find_elements(By.CSS_SELECTOR, "[data-episode]")
    assert sorted(b.get_attribute("data-episode") for b in boxes) == slugs
    assert all(len(b.find_elements(By.TAG_NAME, "audio")) == 1 for b in boxes)
    box = d.find_element(By.CSS_SELECTOR, f"[data-episode='{SLUG}']")
    audio = box.find_element(By.TAG_NAME, "audio")
    chapters = box.find_elements(By.CSS_SELECTOR, "[data-chapter-start]")
    starts = [c["startTime"] for c in json.loads((out / f"{SLUG}.chapters.json").read_text())["chapters"]]
    assert [float(c.get_attribute("data-chapter-start")) for c in chapters] == starts
    cues = box.find_elements(By.CSS_SELECTOR, "[data-cue-start]")
    assert len(cues) >= 10 and sum("Andrew Haigh" in c.text for c in cues) >= 3

    def now() -> float:
        return d.execute_script("return arguments[0].currentTime", audio)

    # a chapter click seeks there and plays
    chapters[2].click()
    _wait(lambda: not d.execute_script("return arguments[0].paused || arguments[0].seeking", audio), what="playing")
    assert starts[2] - 0.1 <= now() < starts[2] + 3
    assert chapters[2].get_attribute("aria-current") == "true"

    # the cue being spoken is marked, and it is in view inside the transcript box
    def current():
        marked = box.find_elements(By.CSS_SELECTOR, "[data-cue-start][aria-current='true']")
        return marked[0] if len(marked) == 1 else None

    cue = _wait(current, what="a current cue")
    assert "current" in cue.get_attribute("class").split()
    t = now()
    later = [float(c.get_attribute("data-cue-start")) for c in cues if float(c.get_attribute("data-cue-start")) > t]
    assert float(cue.get_attribute("data-cue-start")) <= t + 0.3 and (not later or later[0] > t - 0.3)
    in_view = "var c = arguments[0].getBoundingClientRect(), b = arguments[1].getBoundingClientRect();" \
              "return c.top >= b.top - 1 && c.bottom <= b.bottom + 1;"
    scroller = box.find_element(By.CSS_SELECTOR, ".transcript")
    assert d.execute_script(in_view, cue, scroller)
    d.execute_script("arguments[0].scrollIntoView()", box)
    d.save_screenshot(str(tmp_path / "desktop.png"))

    # a reader who scrolls the transcript away is not dragged back when the next cue starts
    d.execute_script("arguments[0].scrollTop = 0", scroller)
    before = cue.get_attribute("data-cue-start")
    _wait(lambda: (c := current()) is not None and c.get_attribute("data-cue-start") != before, timeout=15,
          what="the next cue")
    assert d.execute_script("return arguments[0].scrollTop", scroller) == 0
    follow = box.find_element(By.CSS_SELECTOR, "button.follow")
    assert follow.is_displayed()

    # clicking a cue (or pressing Enter on its time link) seeks to it
    target = cues[4]
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
    target.find_element(By.CSS_SELECTOR, ".text").click()
    start = float(target.get_attribute("data-cue-start"))
    _wait(lambda: abs(now() - start) < 1.5 and target.get_attribute("aria-current") == "true", what="cue seek")
    chapters[1].send_keys(Keys.ENTER)
    _wait(lambda: abs(now() - starts[1]) < 1.5, what="keyboard chapter seek")
    d.execute_script("arguments[0].pause()", audio)

    errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors

    # a phone-width screen: nothing wider than the screen
    d.set_window_size(390, 844)
    d.get(server.url)
    assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    d.save_screenshot(str(tmp_path / "phone.png"))
    d.set_window_size(1280, 1000)


def test_page_without_javascript_is_readable_with_players(served):
    from selenium.webdriver.common.by import By

    out, server = served
    d = _chromium(javascript=False)
    try:
        d.get(server.url)
        assert "js" not in (d.find_element(By.TAG_NAME, "html").get_attribute("class") or "")
        box = d.find_element(By.CSS_SELECTOR, f"[data-episode='{SLUG}']")
        audio = box.find_element(By.TAG_NAME, "audio")
        assert audio.get_attribute("controls") is not None and audio.get_attribute("src").endswith(f"{SLUG}.mp3")
        cues = box.find_elements(By.CSS_SELECTOR, "[data-cue-start]")
        assert all(c.is_displayed() for c in cues[:3]) and any("Andrew Haigh" in c.text for c in cues)
        chapter = box.find_elements(By.CSS_SELECTOR, "[data-chapter-start]")[1]
        assert chapter.get_attribute("href").endswith(f"{SLUG}.mp3#t={chapter.get_attribute('data-chapter-start')}")
        assert not d.find_element(By.CSS_SELECTOR, "button.copy").is_displayed()
    finally:
        d.quit()
