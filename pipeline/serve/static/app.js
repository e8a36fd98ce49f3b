// The report page's source pane and review form: the only script of the workbench (no library, no CDN).
"use strict";
(function () {
  const report = document.getElementById("report");
  if (!report) return;
  const rid = report.dataset.reportId;
  const source = document.getElementById("source");
  const info = document.getElementById("cell-info");
  const form = document.getElementById("review-form");
  let current = null;

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  async function json(url) {
    const r = await fetch(url);
    return r.ok ? r.json() : null;
  }

  async function showPage(src) {
    const size = await json(`/api/reports/${src.report_id || rid}/pages/${src.page}`);
    const box = el("div", {class: "page"});
    const img = el("img", {id: "source-page", alt: `page ${src.page}`, src: `/reports/${src.report_id || rid}/pages/${src.page}.png`});
    box.appendChild(img);
    if (src.bbox && size) {
      const [x0, top, x1, bottom] = src.bbox;
      const hl = el("div", {id: "source-highlight", "data-bbox": src.bbox.join(","), "data-page": String(src.page)});
      hl.style.left = (100 * x0 / size.width) + "%";
      hl.style.top = (100 * top / size.height) + "%";
      hl.style.width = (100 * (x1 - x0) / size.width) + "%";
      hl.style.height = (100 * (bottom - top) / size.height) + "%";
      box.appendChild(hl);
      img.addEventListener("load", () => hl.scrollIntoView({block: "center"}), {once: true});
    }
    source.replaceChildren(box);
  }

  async function showText(src) {
    const t = await json(`/api/reports/${src.report_id || rid}/text`);
    if (!t || t.text === null) { source.replaceChildren(el("p", {}, "no text stored")); return; }
    const [a, b] = src.span;
    const pre = el("pre", {id: "source-text"});
    pre.append(t.text.slice(0, a), el("mark", {id: "source-mark"}, t.text.slice(a, b)), t.text.slice(b));
    source.replaceChildren(pre);
    document.getElementById("source-mark").scrollIntoView({block: "center"});
  }

  function showHtml(key, src) {
    const frame = el("iframe", {id: "source-html", src: `/reports/${src.report_id || rid}/html?cell=${encodeURIComponent(key)}`,
                                sandbox: "allow-same-origin", title: "archived page"});
    frame.addEventListener("load", () => {
      const mark = frame.contentDocument && frame.contentDocument.querySelector(".xxgk-mark");
      if (mark) mark.scrollIntoView({block: "center"});
    });
    source.replaceChildren(frame);
  }

  async function open(td) {
    const key = td.dataset.cell;
    document.querySelectorAll("td.selected").forEach(x => x.classList.remove("selected"));
    td.classList.add("selected");
    const c = await json(`/api/reports/${rid}/cells/${key}`);
    if (!c) return;
    current = c;
    const src = c.source;
    info.replaceChildren(
      el("p", {}, `${key}: ${c.raw || "(blank)"} → ${c.value === null ? "null" : c.value}`),
      el("p", {}, `flag ${c.flag} · method ${c.method} · confidence ${c.confidence === null ? "" : c.confidence.toFixed(2)}`
        + (c.reason ? ` · ${c.reason}` : "") + (c.reviewed_value !== null ? ` · reviewed: ${c.reviewed_value}` : "")),
      el("p", {}, `page ${src.page || "—"} · ${src.locator || ""}` + (src.bbox ? ` · box ${src.bbox.map(v => v.toFixed(1)).join(", ")} ${src.bbox_unit}` : "")));
    const isPage = src.page && src.bbox && /pdf|image/.test(src.media_type || "");
    if (isPage) await showPage(src);
    else if (src.span) await showText(src);
    else if (/html/.test(src.media_type || "") && (src.locator || "").startsWith("table[")) showHtml(key, src);
    else source.replaceChildren(el("p", {}, "this format has no coordinates for the value"));
    form.hidden = false;
    document.getElementById("review-cell").textContent = key;
  }

  report.addEventListener("click", e => {
    const td = e.target.closest("[data-cell]");
    if (td && td.tagName === "TD") open(td);
    const ex = e.target.closest("button.explain");
    if (ex) {
      const td2 = report.querySelector(`[data-cell="${ex.dataset.cell}"]`);
      if (td2) open(td2).then(() => { form.kind.value = "explain"; form.rule.value = ex.dataset.rule; });
    }
  });

  form.reviewer.value = localStorage.getItem("xxgk-reviewer") || "";
  form.addEventListener("submit", async e => {
    e.preventDefault();
    if (!current) return;
    localStorage.setItem("xxgk-reviewer", form.reviewer.value);
    const body = {report_id: rid, table: current.table, row: current.row, col: current.col,
                  value: form.value.value.trim() === "" ? null : form.value.value.trim(),
                  reason: form.reason.value, reviewer: form.reviewer.value, kind: form.kind.value,
                  rule: form.rule.value || null};
    const r = await fetch("/api/reviews", {method: "POST", headers: {"Content-Type": "application/json"},
                                           body: JSON.stringify(body)});
    const out = await r.json();
    document.getElementById("review-result").textContent = r.ok ? `saved (#${out.ordinal})` : out.error;
    if (r.ok) {
      document.getElementById("reviews").appendChild(
        el("li", {}, `${out.reviewed_at} ${out.reviewer}: ${out.kind} ${out.table}/${out.row}/${out.col} → ${out.value === null ? "" : out.value} (${out.reason})`));
    }
  });

  if (location.hash.length > 1) {
    const td = report.querySelector(`[data-cell="${decodeURIComponent(location.hash.slice(1))}"]`);
    if (td) open(td);
  }
})();
