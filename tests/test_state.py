"""state.py: out/episodes.json keeps every episode, with its guid, first pubDate and number, for life."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import feedparser
import pytest
from lxml import etree

from audiocast.errors import AudiocastError
from audiocast.model import Chapter
from audiocast.publish.state import episode_guid, load_feed_guid, load_state, merge_episode, newest_first, save_state
from test_feed import BASE, config, episode


def test_missing_state_is_empty(tmp_path):
    assert load_state(tmp_path) == ()


def test_save_and_load_round_trip_every_field(tmp_path):
    eps = merge_episode((), episode(tmp_path, "a", title="Café & <Co> 日本", number=None))
    eps = merge_episode(eps, dataclasses.replace(episode(tmp_path, "b", day=3), image="b.jpg"))
    save_state(tmp_path, eps)
    doc = json.loads((tmp_path / "episodes.json").read_text(encoding="utf-8"))
    assert doc["version"] == 1 and len(doc["episodes"]) == 2
    assert doc["episodes"][0]["pub_date"] == "2024-01-01T09:30:00+00:00"
    assert load_state(tmp_path) == eps
    assert not list(tmp_path.glob(".episodes.json.*"))  # no temp file left behind


@pytest.mark.parametrize("content, why", [
    ("{not json", "invalid JSON"),
    ('{"version": 1, "episodes": [{"slug": "x"}]}', "episode #1 is invalid"),
    ('{"version": 99, "episodes": []}', "unsupported state version"),
    ('[1, 2]', "not an audiocast episode state"),
])
def test_corrupt_state_is_an_error_naming_the_file(tmp_path, content, why):
    (tmp_path / "episodes.json").write_text(content, encoding="utf-8")
    with pytest.raises(AudiocastError) as info:
        load_state(tmp_path)
    message = info.value.format_message()
    assert str(tmp_path / "episodes.json") in message and why in message


def test_new_episodes_get_a_stable_guid_and_the_next_number(tmp_path):
    a = episode(tmp_path, "a")
    eps = merge_episode((), a, feed_url=BASE + "feed.xml")
    eps = merge_episode(eps, episode(tmp_path, "b", day=2), feed_url=BASE + "feed.xml")
    assert [e.number for e in eps] == [1, 2]
    again = merge_episode((), a, feed_url=BASE + "feed.xml")[0].guid
    assert eps[0].guid == episode_guid("a", BASE + "feed.xml") == again
    assert eps[0].guid != eps[1].guid
    assert merge_episode((), a)[0].guid == merge_episode((), a)[0].guid != ""  # stable without a feed URL too
    assert merge_episode((), dataclasses.replace(a, guid="kept"))[0].guid == "kept"


def test_changing_an_article_updates_its_episode_in_place(tmp_path):
    eps = merge_episode((), episode(tmp_path, "a", day=1))
    eps = merge_episode(eps, episode(tmp_path, "b", day=2))
    first = eps[0]
    changed = dataclasses.replace(
        episode(tmp_path, "a", title="A, revised", seconds=3.0), guid="", number=None,
        pub_date=dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc), first_published=None,
        chapters=(Chapter("Only", 0, 3000),))
    merged = merge_episode(eps, changed)
    assert [e.slug for e in merged] == ["a", "b"]
    a = merged[0]
    assert (a.guid, a.pub_date, a.first_published, a.number) == (first.guid, first.pub_date, first.pub_date, 1)
    assert (a.title, a.duration_ms, a.chapters) == ("A, revised", 3000, (Chapter("Only", 0, 3000),))


def test_a_removed_article_keeps_its_episode_in_the_feed(tmp_path):
    """Build a and b, then rebuild with only b (changed): a stays with the same guid and pubDate."""
    from audiocast.publish.feed import write_feed

    out = tmp_path / "out"
    eps = load_state(out)
    for slug, day in (("a", 1), ("b", 2)):
        eps = merge_episode(eps, episode(out, slug, day=day))
    save_state(out, eps)
    first_feed = etree.fromstring(write_feed(eps, config(), out).read_bytes())
    before = {i.findtext("title"): (i.findtext("guid"), i.findtext("pubDate")) for i in first_feed.iter("item")}

    eps = load_state(out)  # second build: the sources hold only a changed "b"
    eps = merge_episode(eps, dataclasses.replace(episode(out, "b", day=9, title="B v2"), guid=""))
    save_state(out, eps)
    raw = write_feed(load_state(out), config(), out).read_bytes()
    parsed = feedparser.parse(raw)
    assert parsed.bozo == 0
    after = {e.title: (e.id, e.published) for e in parsed.entries}
    assert after["A"] == before["A"]
    assert after["B v2"] == before["B"]  # same guid, first pubDate kept
    assert load_feed_guid(out) == etree.fromstring(raw).findtext(
        "channel/{https://podcastindex.org/namespace/1.0}guid")


def test_feed_guid_is_assigned_once_and_survives_a_new_base_url(tmp_path):
    from audiocast.publish.feed import write_feed

    out = tmp_path / "out"
    eps = merge_episode((), episode(out, "a"))
    save_state(out, eps)
    ns = {"podcast": "https://podcastindex.org/namespace/1.0"}
    g1 = etree.fromstring(write_feed(eps, config(), out).read_bytes()).findtext("channel/podcast:guid", namespaces=ns)
    save_state(out, load_state(out))  # a later build rewrites the state: the guid is kept
    moved = config(base_url="https://example.org/pod/")
    g2 = etree.fromstring(write_feed(eps, moved, out).read_bytes()).findtext("channel/podcast:guid", namespaces=ns)
    assert g1 == g2 == load_feed_guid(out)


def test_newest_first_orders_by_date_then_number(tmp_path):
    a = episode(tmp_path, "a", day=3, number=1)
    b = episode(tmp_path, "b", day=3, number=2)
    c = dataclasses.replace(episode(tmp_path, "c", day=1, number=3), pub_date=dt.datetime(2024, 1, 1))  # naive
    assert [e.slug for e in newest_first([a, c, b])] == ["b", "a", "c"]
