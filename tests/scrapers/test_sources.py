"""The sources registry: the shipped entries are valid; bad entries are named with their key."""

from __future__ import annotations

import tomllib

import pytest

from pipeline.normalise.regions import _table
from scrapers import CrawlSettings, SourceError, load_sources, parse_sources, select
from scrapers.sources import DEFAULT_PATH


def test_the_shipped_registry_is_valid_and_real() -> None:
    sources = load_sources()
    ids = [s.id for s in sources]
    assert len(ids) == len(set(ids)) >= 12
    assert {s.adapter for s in sources} == {"trs", "hanweb", "gd", "hunan", "generic"}
    table = _table()
    for s in sources:  # every region code is a real division (000000: a national department)
        assert s.region == "000000" or s.region in table, s.id
        assert all(u.startswith(("http://", "https://")) for u in s.start)
        assert s.settings.delay >= 2.0 and s.settings.respect_robots
    pingtan = select(sources, ["fj-pingtan"])[0]
    assert pingtan.start == ("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/",)
    assert table[pingtan.region] == "平潭县"
    assert "zfxxgknb" in DEFAULT_PATH.read_text(encoding="utf-8")


def entry(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {"id": "fj-test", "agency": "某县人民政府", "region": "350128", "adapter": "trs",
                               "start": "https://www.example.gov.cn/zfxxgknb/"}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


@pytest.mark.parametrize(("bad", "message"), [
    (entry(dely=3), "source #1 ('fj-test'): unknown key 'dely'"),
    (entry(settings={"dely": 3}), "unknown key 'dely' (did you mean 'delay'?)"),
    (entry(settings={"delay": -1}), "'delay' must be a non-negative number"),
    (entry(region="3501"), "'region' must be a 6-digit"),
    (entry(adapter="trss"), "(did you mean 'trs'?)"),
    (entry(start="ftp://x"), "is not an http(s) URL"),
    (entry(start=None), "missing key 'start'"),
    (entry(agency=3), "'agency' must be a string"),
    (entry(id="Bad ID"), "'id' must be"),
    (entry(settings={"hosts": "a.gov.cn"}), "'hosts' must be a list of strings"),
])
def test_bad_entries_name_the_key(bad: dict[str, object], message: str) -> None:
    with pytest.raises(SourceError) as err:
        parse_sources({"source": [bad]}, path="sources.toml")
    assert message in str(err.value) and "sources.toml" in str(err.value)


def test_duplicates_defaults_and_unknown_ids() -> None:
    with pytest.raises(SourceError, match="duplicate id 'fj-test'"):
        parse_sources({"source": [entry(), entry()]})
    with pytest.raises(SourceError, match=r"\[defaults\]: unknown key 'timout'"):
        parse_sources({"defaults": {"timout": 3}, "source": [entry()]})
    sources = parse_sources(tomllib.loads('[defaults]\ndelay = 5\n[[source]]\nid = "a-b"\nagency = "x"\n'
                                          'region = "350128"\nadapter = "generic"\nstart = ["http://A.gov.cn:80/x"]\n'
                                          '[source.settings]\ntimeout = 9\n'))
    assert sources[0].settings == CrawlSettings(delay=5.0, timeout=9.0)
    assert sources[0].start == ("http://a.gov.cn/x",)  # canonical spelling
    with pytest.raises(SourceError, match="unknown source id 'a-c' \\(did you mean 'a-b'\\?\\)"):
        select(sources, ["a-c"])


def test_an_id_and_a_url_are_a_source() -> None:
    """Everything but id and start is optional: agency and region are discovered, the family detected."""
    [src] = parse_sources({"source": [{"id": "new-county", "start": "http://www.example.gov.cn/"}]})
    assert (src.agency, src.region, src.adapter, src.start) == ("", "", "auto", ("http://www.example.gov.cn/",))
    assert src.settings.delay == 3.0  # the documented default delay
