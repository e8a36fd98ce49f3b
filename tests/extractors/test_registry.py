"""One registry keyed on the sniffed media type: lazy entries, parameters stripped, unknown types refused."""

from __future__ import annotations

import pytest

import extractors
from extractors import (
    CSV_RECORDS,
    DOCX,
    HTML,
    PDF,
    TEXT,
    WARC,
    UnsupportedMediaType,
    container_for,
    for_media_type,
    media_types,
)


@pytest.mark.parametrize("media_type", media_types())
def test_every_registered_type_resolves_to_an_extractor_with_name_and_version(media_type: str) -> None:
    ex = for_media_type(media_type)
    assert callable(ex.extract) and ex.name and ex.version
    assert for_media_type(media_type) is ex  # loaded once, then kept


def test_parameters_and_case_are_ignored() -> None:
    assert for_media_type("Text/HTML; charset=GBK") is for_media_type(HTML)
    assert for_media_type(f"{PDF}; version=1.7") is for_media_type(PDF)


def test_other_text_types_fall_back_to_plain_text() -> None:
    assert for_media_type("text/markdown-unknown") is for_media_type(TEXT)


def test_an_unknown_type_is_refused_by_name() -> None:
    with pytest.raises(UnsupportedMediaType, match="application/x-unknown"):
        for_media_type("application/x-unknown")


def test_containers_are_a_registry_of_their_own() -> None:
    assert container_for(WARC) is not None and container_for(CSV_RECORDS) is not None
    assert container_for(DOCX) is None and container_for(HTML) is None
    assert container_for(WARC).name and container_for(WARC) is container_for(WARC)


def test_the_registry_names_one_module_per_format() -> None:
    mods = {type(for_media_type(mt)).__module__ for mt in media_types()}
    assert all(m.startswith("extractors.") for m in mods)
    assert len(mods) >= 8 and hasattr(extractors, "register")
