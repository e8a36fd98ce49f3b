"""Portal adapters, one module per CMS family; `adapter_for(name)` picks one."""

from __future__ import annotations

from .auto import AutoAdapter
from .base import Adapter, FetchedPage, FoundLink
from .gd import GdAdapter
from .generic import GenericAdapter
from .hanweb import HanwebAdapter
from .hunan import HunanAdapter
from .pages import PagesAdapter
from .trs import TrsAdapter

_ADAPTERS: dict[str, type[Adapter]] = {
    "auto": AutoAdapter, "trs": TrsAdapter, "hanweb": HanwebAdapter, "gd": GdAdapter, "hunan": HunanAdapter,
    "generic": GenericAdapter, "pages": PagesAdapter,
}


def adapter_for(name: str) -> Adapter:
    try:
        return _ADAPTERS[name]()
    except KeyError:
        raise ValueError(f"no portal adapter named {name!r} (known: {', '.join(sorted(_ADAPTERS))})") from None


__all__ = ["Adapter", "FetchedPage", "FoundLink", "adapter_for"]
