"""A crawled report page and the attachments found on it are the members of one report (issue #13 §2).

The crawler records on each attachment's capture the page it was found on (`via`). The crawl
job groups documents by that page, so a page's members are extracted together and assembled
(`runs.assemble`). A group one of whose members is new is extracted whole again: an attachment
captured by a later crawl joins its page's report, and the dataset writer drops the report the
group was assembled into before (`DatasetWriter._settle_links`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scrapers import Capture

Doc = tuple[str, str, list[Capture]]
"""(sha256, canonical URL, captures) of one archived document."""


@dataclass(frozen=True, slots=True)
class Group:
    """The documents of one page (the page first when it is archived), keyed by the page's URL."""

    key: str
    docs: tuple[Doc, ...]


def _page_of(doc: Doc, pages: Mapping[str, Doc]) -> Doc | None:
    """The archived report page an attachment was found on (the smallest URL if on several)."""
    sha = doc[0]
    found = sorted(c.via for c in doc[2] if c.role == "attachment" and c.via and c.via in pages)
    return next((pages[via] for via in found if pages[via][0] != sha), None)


def documents_to_groups(docs: list[Doc]) -> list[Group]:
    """Every document in exactly one group, groups and their members in a fixed order; a page
    captured in several versions heads its group in its latest one (earlier ones stand alone)."""
    latest: dict[str, tuple[str, Doc]] = {}
    for doc in docs:
        for c in doc[2]:
            if c.role == "report" and (c.url not in latest or c.captured_at > latest[c.url][0]):
                latest[c.url] = (c.captured_at, doc)
    pages = {url: doc for url, (_, doc) in latest.items()}
    members: dict[str, list[Doc]] = {}
    heads: dict[str, Doc] = {}
    for doc in docs:
        page = _page_of(doc, pages) or doc
        heads[page[0]] = page
        members.setdefault(page[0], []).append(doc)
    groups = []
    for sha, group in members.items():
        page = heads[sha]
        rest = sorted((d for d in group if d[0] != sha), key=lambda d: d[1])
        ordered = ([page] if any(d[0] == sha for d in group) else []) + rest
        groups.append(Group(key=page[1], docs=tuple(ordered)))
    return sorted(groups, key=lambda g: g.key)
