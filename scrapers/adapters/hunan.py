"""湖南 政府网站集约化 platform.

Column `/<site>/c<colid>/` (list `index.shtml`, pages `index_2.shtml` or `list_2.shtml`);
articles `/<site>/c<colid>/YYYYMM/<32 hex>.shtml`.
"""

from __future__ import annotations

import re

from .column import ColumnAdapter, Family

FAMILY = Family(
    name="hunan",
    article=re.compile(r"/(?:19|20)\d{4}/[0-9a-f]{32}\.shtml$"),
    page=re.compile(r"/(?:index|list)_\d+\.shtml$"),
    subcolumn=re.compile(r"/c\d+/(?:index\.shtml)?$|/(?:19|20)\d\dn?/(?:index\.shtml)?$"),
)


class HunanAdapter(ColumnAdapter):
    def __init__(self) -> None:
        super().__init__(FAMILY)
