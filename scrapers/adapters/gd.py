"""广东 政府网站集约化 platform (广州 and most Guangdong portals).

Column `…/zfxxgknb/<bm|sbj>/` with year sub-columns `…/2023n/`; list pages `index.html`,
`index_2.html` …; articles `…/content/post_<id>.html`.
"""

from __future__ import annotations

import re

from .column import ColumnAdapter, Family

FAMILY = Family(
    name="gd",
    article=re.compile(r"/content/(?:mpost|post)_\d+\.html$"),
    page=re.compile(r"/index_\d+\.html$"),
    subcolumn=re.compile(r"/(?:19|20)\d\dn?/(?:index\.html)?$"),
)


class GdAdapter(ColumnAdapter):
    def __init__(self) -> None:
        super().__init__(FAMILY)
