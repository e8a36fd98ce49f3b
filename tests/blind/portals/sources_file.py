"""Writes the sources registry docs/crawling.md describes, from sources that carry only id and home URL."""

from __future__ import annotations

import json
from pathlib import Path

SOURCES_NAME = "blind_portals_sources.toml"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def write_sources(sources: list[dict[str, str]], settings: dict[str, object], path: Path) -> Path:
    """[defaults] = settings; one [[source]] per home page, adapter `generic` (it starts from the home page).

    The agency is unknown to a crawler meeting a portal for the first time; the registry requires one, so
    it is a placeholder naming the source (finding the real issuer is the pipeline's job).
    """
    lines = ["# written by tests/blind/portals: simulated portals on 127.0.0.1", "", "[defaults]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in settings.items()]
    for src in sources:
        lines += ["", "[[source]]", f"id = {_toml_value(src['id'])}",
                  f"agency = {_toml_value('待识别：' + src['id'])}", 'region = "000000"',
                  'adapter = "generic"', f"start = {_toml_value([src['url']])}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
