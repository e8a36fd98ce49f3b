"""Simulated portals on 127.0.0.1, one host per CMS family plus the misbehaving ones."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import portals
from .server import Servers

HOSTS = ["trs", "hanweb", "gd", "hunan", "generic", "js", "slow", "flap", "other"]
TEST_SETTINGS: dict[str, object] = {"delay": 0.05, "timeout": 0.6, "retries": 2, "backoff": 0.02,
                                    "slow_after": 0.1, "max_delay": 0.5, "max_pages": 20}


@dataclass
class Sim:
    servers: Servers
    truths: list[portals.Truth]
    sources_file: Path

    def truth(self, source_id: str) -> portals.Truth:
        return next(t for t in self.truths if t.source["id"] == source_id)


def build(tmp: Path) -> Sim:
    srv = Servers(HOSTS)
    truths = [portals.trs_portal(srv["trs"], srv["other"]), portals.hanweb_portal(srv["hanweb"]),
              portals.gd_portal(srv["gd"], srv["other"]), portals.hunan_portal(srv["hunan"]),
              *portals.generic_portal(srv["generic"], srv["other"]), portals.challenge_portal(srv["js"]),
              portals.slow_portal(srv["slow"], slow=0.15, hang=0.9), portals.flapping_portal(srv["flap"])]
    return Sim(srv, truths, portals.write_sources(tmp / "sources.toml", truths, TEST_SETTINGS))


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    s = build(tmp_path_factory.mktemp("portals"))
    yield s
    s.servers.close()
