"""The workbench corpus: one model report rendered into every source format, with position truth.

| file | format | agency, year | truth |
|---|---|---|---|
| wuzhong_2022.pdf | text PDF, 2 pages, ruled tables | 苏州市吴中区人民政府 2022 | page + digit bbox (pt) + cell rect |
| wuzhong_2023.pdf | text PDF | same agency 2023, narrative copying 4 sentences | the copied sentences |
| liangxi_2022_scan.png | page image, 200 dpi | 无锡市梁溪区人民政府 2022 | ink bbox (px) + cell rect |
| liangxi_2022_scan.pdf | the same image as a one-page PDF | same | the same boxes in pt, page 1 |
| wujin_2022.html | GBK portal page | 常州市武进区人民政府 2022 | table/tr/td index of each value |
| chongchuan_2022.txt | plain text | 南通市崇川区人民政府 2022 | character span of each value |
| guangling_2022.html | GBK portal page, t3.r3.1:np off by `ERROR_DELTA` | 扬州市广陵区人民政府 2022 | cells of the failing identities |
| broken.pdf | a PDF cut after its header | — | status failed |

Every report has distinct values (see model.py), so each number is printed once in its document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .html_page import Where, render_html
from .model import Report, carry_out, make_report, with_error
from .narrative import COPIED, base_sections, next_year_sections, not_copied
from .pdf import Placed, render_pdf
from .scan import Inked, render_scan
from .text_report import Span, render_text

ERROR_DELTA = 7


@dataclass(frozen=True, slots=True, kw_only=True)
class Doc:
    """One generated input file and the truth that goes with its format."""

    file: str
    kind: str  # pdf | scan_png | scan_pdf | html | text | broken
    report: Report | None
    pdf: tuple[Placed, ...] = ()
    scan: tuple[Inked, ...] = ()
    html: tuple[Where, ...] = ()
    text: str = ""
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Corpus:
    folder: Path
    docs: dict[str, Doc] = field(default_factory=dict)
    copied: tuple[str, ...] = COPIED
    not_copied: tuple[str, ...] = ()
    involved: frozenset[str] = frozenset()  # cell keys of the failing identities in the error report
    pair: tuple[str, str] = ("wuzhong_2022.pdf", "wuzhong_2023.pdf")
    error_doc: str = "guangling_2022.html"

    def reports(self) -> list[Doc]:
        return [d for d in self.docs.values() if d.report is not None]


def model_reports() -> dict[str, Report]:
    """The model reports by name, before rendering."""
    base = base_sections()
    first = make_report(name="wuzhong_2022", agency="苏州市吴中区人民政府", year=2022, seed=11, sections=base)
    second = make_report(name="wuzhong_2023", agency="苏州市吴中区人民政府", year=2023, seed=21,
                         sections=next_year_sections(), carry_in=carry_out(first))
    return {
        "wuzhong_2022": first,
        "wuzhong_2023": second,
        "liangxi_2022": make_report(name="liangxi_2022", agency="无锡市梁溪区人民政府", year=2022, seed=12,
                                    sections=base),
        "wujin_2022": make_report(name="wujin_2022", agency="常州市武进区人民政府", year=2022, seed=13,
                                  sections=base),
        "chongchuan_2022": make_report(name="chongchuan_2022", agency="南通市崇川区人民政府", year=2022,
                                       seed=14, sections=base),
    }


def build(folder: Path) -> Corpus:
    """Render every file of the corpus into `folder` (created); the truth."""
    folder.mkdir(parents=True, exist_ok=True)
    m = model_reports()
    docs: dict[str, Doc] = {}
    for name in ("wuzhong_2022", "wuzhong_2023"):
        docs[f"{name}.pdf"] = Doc(file=f"{name}.pdf", kind="pdf", report=m[name],
                                  pdf=tuple(render_pdf(m[name], folder / f"{name}.pdf")))
    scan = tuple(render_scan(m["liangxi_2022"], folder / "liangxi_2022_scan.png", folder / "liangxi_2022_scan.pdf"))
    docs["liangxi_2022_scan.png"] = Doc(file="liangxi_2022_scan.png", kind="scan_png", report=m["liangxi_2022"],
                                        scan=scan)
    docs["liangxi_2022_scan.pdf"] = Doc(file="liangxi_2022_scan.pdf", kind="scan_pdf", report=m["liangxi_2022"],
                                        scan=scan)
    docs["wujin_2022.html"] = Doc(file="wujin_2022.html", kind="html", report=m["wujin_2022"],
                                  html=tuple(render_html(m["wujin_2022"], folder / "wujin_2022.html")))
    text, spans = render_text(m["chongchuan_2022"], folder / "chongchuan_2022.txt")
    docs["chongchuan_2022.txt"] = Doc(file="chongchuan_2022.txt", kind="text", report=m["chongchuan_2022"],
                                      text=text, spans=tuple(spans))
    source = make_report(name="guangling_2022", agency="扬州市广陵区人民政府", year=2022, seed=15,
                         sections=base_sections())
    bad, involved = with_error(source, name="guangling_2022", agency=source.agency, delta=ERROR_DELTA)
    docs["guangling_2022.html"] = Doc(file="guangling_2022.html", kind="html", report=bad,
                                      html=tuple(render_html(bad, folder / "guangling_2022.html")))
    whole = (folder / "wuzhong_2022.pdf").read_bytes()
    (folder / "broken.pdf").write_bytes(whole[:400])
    docs["broken.pdf"] = Doc(file="broken.pdf", kind="broken", report=None)
    return Corpus(folder=folder, docs=docs, not_copied=not_copied(), involved=involved)
