"use strict";
// The release report's tables and document view. Data: the JSON in #report-data (rows as arrays,
// categorical values as indices into D.dict). Offsets are Unicode code points: texts are split
// with Array.from, never indexed as UTF-16. Every value is inserted as text, never as HTML.
(function () {
  const D = JSON.parse(document.getElementById("report-data").textContent);
  const dict = D.dict;
  const docs = D.docs;

  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    if (attrs) for (const k in attrs) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "cls") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    if (children) for (const c of children) if (c != null) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    return e;
  }
  const s = (v) => (v == null ? "" : String(v));
  const clip = (v, n) => { const a = Array.from(s(v)); return a.length > n ? a.slice(0, n).join("") + "\u2026" : a.join(""); };
  const docLabel = (d) => { const x = docs[d]; return x ? (x[3] || x[1] + (x[2] != null ? "#" + x[2] : "")) : "(unknown document)"; };

  // ---- tabs -------------------------------------------------------------------------------
  const sections = Array.from(document.querySelectorAll("section.tab"));
  const links = Array.from(document.querySelectorAll("#tabs a"));
  function showTab(id) {
    for (const sec of sections) sec.hidden = sec.id !== id;
    for (const a of links) a.classList.toggle("active", a.dataset.tab === id);
    window.scrollTo(0, 0);
  }
  for (const a of links) a.addEventListener("click", (ev) => { ev.preventDefault(); showTab(a.dataset.tab); });

  // ---- a paged, filtered, searchable table ------------------------------------------------
  // spec: rows, columns [{h, get(row) -> string|Node, cls}], filters [{label, values, get(row)
  // -> value}], search(row) -> string, onClick(index), group(row) -> key (marks group starts).
  function Grid(name, spec) {
    const box = document.querySelector('[data-grid="' + name + '"]');
    const rows = spec.rows;
    let lower = null; // search strings, made on first search
    let matching = rows.map((_, i) => i);
    let page = 0;
    const controls = el("div", { cls: "controls" });
    const selects = (spec.filters || []).map((f) => {
      const sel = el("select", { "data-filter": f.label }, [el("option", { value: "", text: "all" })]);
      f.values.forEach((v, i) => sel.appendChild(el("option", { value: String(i), text: v })));
      controls.appendChild(el("label", null, [f.label + " ", sel]));
      sel.addEventListener("change", () => refilter());
      return sel;
    });
    let input = null;
    if (spec.search) {
      input = el("input", { type: "search", placeholder: "search text", "data-search": name, size: "28" });
      let timer = 0;
      input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refilter, 150); });
      controls.appendChild(input);
    }
    const count = el("span", { cls: "count", id: name + "-count" });
    const prev = el("button", { type: "button", text: "\u2039 prev", "data-prev": name });
    const next = el("button", { type: "button", text: "next \u203a", "data-next": name });
    const pageInfo = el("span", { cls: "page-info" });
    prev.addEventListener("click", () => { if (page > 0) { page--; draw(); } });
    next.addEventListener("click", () => { if ((page + 1) * PAGE_ROWS < matching.length) { page++; draw(); } });
    controls.appendChild(el("span", { cls: "pager" }, [prev, " ", pageInfo, " ", next, " ", count]));
    const tbody = el("tbody");
    const table = el("table", { cls: "rows", id: name + "-table" }, [
      el("thead", null, [el("tr", null, spec.columns.map((c) => el("th", { text: c.h, cls: c.cls || "" })))]),
      tbody,
    ]);
    box.appendChild(controls);
    box.appendChild(table);

    function refilter() {
      const fv = selects.map((sel) => (sel.value === "" ? null : spec.filters[selects.indexOf(sel)].values[Number(sel.value)]));
      const q = input ? input.value.trim().toLowerCase() : "";
      if (q && !lower) lower = rows.map((r) => spec.search(r).toLowerCase());
      const out = [];
      for (let i = 0; i < rows.length; i++) {
        let ok = true;
        for (let k = 0; k < fv.length && ok; k++) if (fv[k] !== null && spec.filters[k].get(rows[i]) !== fv[k]) ok = false;
        if (ok && q && lower[i].indexOf(q) < 0) ok = false;
        if (ok) out.push(i);
      }
      matching = out;
      page = 0;
      draw();
    }
    function draw() {
      const pages = Math.max(1, Math.ceil(matching.length / PAGE_ROWS));
      count.textContent = matching.length + " of " + rows.length + " rows";
      count.dataset.matching = String(matching.length);
      count.dataset.total = String(rows.length);
      pageInfo.textContent = "page " + (page + 1) + " of " + pages;
      prev.disabled = page === 0;
      next.disabled = page + 1 >= pages;
      const frag = document.createDocumentFragment();
      let last;
      const from = page * PAGE_ROWS;
      for (let k = from; k < Math.min(matching.length, from + PAGE_ROWS); k++) {
        const i = matching[k];
        const r = rows[i];
        const tr = el("tr", { "data-row": String(i), cls: name + "-row" });
        if (spec.group) { const g = spec.group(r); if (k > from && g !== last) tr.classList.add("group-start"); last = g; }
        for (const c of spec.columns) {
          const v = c.get(r, k > from && spec.group && spec.group(rows[matching[k - 1]]) === spec.group(r));
          tr.appendChild(typeof v === "object" && v !== null ? el("td", { cls: c.cls || "" }, [v]) : el("td", { text: s(v), cls: c.cls || "" }));
        }
        if (spec.onClick) tr.addEventListener("click", () => spec.onClick(i));
        frag.appendChild(tr);
      }
      tbody.replaceChildren(frag);
      if (rows.length === 0) tbody.appendChild(el("tr", null, [el("td", { text: "no rows", colspan: String(spec.columns.length), cls: "muted" })]));
    }
    draw();
    return { refilter };
  }

  // ---- spans per document, built on first use ------------------------------------------
  const TABLES = [
    { key: "claims", label: "casualty_claims", rows: D.claims, describe: (r) => "claim: " + r[4] + " " + dict.outcome[r[8]] + " (" + dict.qualifier[r[7]] + ", " + dict.source_type[r[9]] + (r[10] ? ", hedged" : "") + ")" },
    { key: "statements", label: "statements", rows: D.statements, describe: (r) => "statement: " + r[4] + " \u2013 " + dict.stance[r[6]] + " (" + r[7] + ")" },
    { key: "named", label: "named_casualties", rows: D.named, describe: (r) => "named casualty: " + r[4] + " \u2013 " + dict.outcome[r[5]] },
    { key: "captions", label: "caption sentences", rows: D.captions, describe: () => "photo caption" },
  ];
  let byDoc = null;
  function spansOf(d) {
    if (!byDoc) {
      byDoc = new Map();
      for (const t of TABLES) t.rows.forEach((r, i) => {
        let e = byDoc.get(r[0]);
        if (!e) { e = { claims: [], statements: [], named: [], captions: [] }; byDoc.set(r[0], e); }
        e[t.key].push(i);
      });
    }
    return byDoc.get(d) || { claims: [], statements: [], named: [], captions: [] };
  }

  // ---- the document view ---------------------------------------------------------------
  const view = document.getElementById("doc-view");
  const shown = { claims: true, statements: true, named: true, captions: true };
  for (const k in shown) document.body.classList.add("show-" + k);
  function openDoc(d, focus) {
    showTab("documents");
    const x = docs[d];
    view.hidden = false;
    view.replaceChildren();
    if (!x) { view.appendChild(el("p", { cls: "warn", text: "This document is not embedded in the report." })); return; }
    view.appendChild(el("h3", { text: x[3] || "(untitled)" }));
    view.appendChild(el("p", { cls: "meta", text: [x[4], x[5], x[1] + (x[2] != null ? " #" + x[2] : ""), x[6], "doc_id " + x[0]].filter(Boolean).join(" \u00b7 ") }));
    const spans = spansOf(d);
    const toggles = el("div", { cls: "controls" });
    for (const t of TABLES) {
      const cb = el("input", { type: "checkbox", "data-toggle": t.key });
      cb.checked = shown[t.key];
      cb.addEventListener("change", () => { shown[t.key] = cb.checked; document.body.classList.toggle("show-" + t.key, cb.checked); });
      toggles.appendChild(el("label", null, [cb, el("span", { cls: "swatch", style: "background:var(--" + t.key + ")" }), t.label + " (" + spans[t.key].length + ")"]));
    }
    view.appendChild(toggles);
    const textBox = el("div", { id: "doc-text" });
    view.appendChild(textBox);
    const all = [];
    for (const t of TABLES) for (const i of spans[t.key]) {
      const r = t.rows[i];
      all.push({ t: t.key, i, start: r[1], end: r[2], title: t.describe(r), focus: !!focus && focus.table === t.key && focus.row === i });
    }
    if (x[7] == null) {
      textBox.appendChild(el("p", { cls: "warn", text: "The text of this document is not embedded (the report's size limit, see Overview); its spans follow." }));
      for (const sp of all) if (sp.t !== "captions") {
        const r = TABLES.find((t) => t.key === sp.t).rows[sp.i];
        textBox.appendChild(el("p", null, [el("mark", { cls: "hl t-" + sp.t + (sp.focus ? " focus" : ""), title: sp.title, text: s(r[3]) })]));
      }
    } else {
      const chars = Array.from(x[7]);
      const n = chars.length;
      const cuts = new Set([0, n]);
      for (const sp of all) { sp.start = Math.max(0, Math.min(n, sp.start)); sp.end = Math.max(sp.start, Math.min(n, sp.end)); cuts.add(sp.start); cuts.add(sp.end); }
      const bounds = Array.from(cuts).sort((a, b) => a - b);
      const frag = document.createDocumentFragment();
      for (let k = 0; k + 1 < bounds.length; k++) {
        const a = bounds[k], b = bounds[k + 1];
        const piece = chars.slice(a, b).join("");
        const over = all.filter((sp) => sp.start <= a && sp.end >= b && sp.end > sp.start);
        if (!over.length) { frag.appendChild(document.createTextNode(piece)); continue; }
        const m = el("mark", { cls: "hl " + Array.from(new Set(over.map((sp) => "t-" + sp.t))).join(" "), title: over.map((sp) => sp.title).join("\n"), "data-start": String(a), "data-end": String(b) });
        if (over.some((sp) => sp.focus)) m.classList.add("focus");
        m.textContent = piece;
        frag.appendChild(m);
      }
      textBox.appendChild(frag);
    }
    // The rows of this document, by table: clicking one focuses its span.
    for (const t of TABLES) {
      if (t.key === "captions" || !spans[t.key].length) continue;
      const ul = el("ul", { cls: "span-list" });
      for (const i of spans[t.key]) {
        const li = el("li", { text: t.describe(t.rows[i]) + ": \u201c" + clip(t.rows[i][3], 160) + "\u201d" });
        li.addEventListener("click", () => openDoc(d, { table: t.key, row: i }));
        ul.appendChild(li);
      }
      view.appendChild(el("h4", { text: t.label }));
      view.appendChild(ul);
    }
    const f = view.querySelector("mark.focus");
    if (f && f.scrollIntoView) f.scrollIntoView({ block: "center" });
  }

  // ---- the grids -------------------------------------------------------------------------
  const yesNo = ["yes", "no"];
  const docLink = (d) => el("span", { text: clip(docLabel(d), 60) });
  Grid("claims", {
    rows: D.claims,
    columns: [
      { h: "count", get: (r) => r[4], cls: "nw" },
      { h: "qualifier", get: (r) => dict.qualifier[r[7]] },
      { h: "outcome", get: (r) => dict.outcome[r[8]] },
      { h: "victims", get: (r) => r[11] },
      { h: "source", get: (r) => (r[12] ? r[12] + " " : "") + "(" + dict.source_type[r[9]] + ")" },
      { h: "hedged", get: (r) => (r[10] ? "yes" : "") },
      { h: "month", get: (r) => r[13], cls: "nw" },
      { h: "evidence", get: (r) => clip(r[3], 140), cls: "ev" },
      { h: "document", get: (r) => docLink(r[0]) },
    ],
    filters: [
      { label: "outcome", values: dict.outcome, get: (r) => dict.outcome[r[8]] },
      { label: "qualifier", values: dict.qualifier, get: (r) => dict.qualifier[r[7]] },
      { label: "source type", values: dict.source_type, get: (r) => dict.source_type[r[9]] },
      { label: "hedged", values: yesNo, get: (r) => (r[10] ? "yes" : "no") },
    ],
    search: (r) => [r[3], r[4], r[11], r[12], r[17], r[18]].map(s).join(" \u0001 "),
    onClick: (i) => openDoc(D.claims[i][0], { table: "claims", row: i }),
  });
  Grid("statements", {
    rows: D.statements,
    columns: [
      { h: "speaker", get: (r) => r[4] },
      { h: "speaker type", get: (r) => dict.source_type[r[5]] },
      { h: "stance", get: (r) => dict.stance[r[6]] },
      { h: "topic", get: (r) => r[7] },
      { h: "evidence", get: (r) => clip(r[3], 160), cls: "ev" },
      { h: "document", get: (r) => docLink(r[0]) },
    ],
    filters: [
      { label: "stance", values: dict.stance, get: (r) => dict.stance[r[6]] },
      { label: "speaker type", values: dict.source_type, get: (r) => dict.source_type[r[5]] },
    ],
    search: (r) => [r[3], r[4], r[8]].map(s).join(" \u0001 "),
    onClick: (i) => openDoc(D.statements[i][0], { table: "statements", row: i }),
  });
  Grid("named", {
    rows: D.named,
    columns: [
      { h: "name", get: (r) => r[4] },
      { h: "outcome", get: (r) => dict.outcome[r[5]] },
      { h: "age", get: (r) => r[6] },
      { h: "hometown", get: (r) => r[7] },
      { h: "affiliation", get: (r) => r[8] },
      { h: "place", get: (r) => r[9] },
      { h: "document", get: (r) => docLink(r[0]) },
    ],
    filters: [{ label: "outcome", values: dict.outcome, get: (r) => dict.outcome[r[5]] }],
    search: (r) => [r[4], r[7], r[8], r[9], r[3]].map(s).join(" \u0001 "),
    onClick: (i) => openDoc(D.named[i][0], { table: "named", row: i }),
  });
  const claimsPerDoc = new Map();
  for (const r of D.claims) claimsPerDoc.set(r[0], (claimsPerDoc.get(r[0]) || 0) + 1);
  Grid("documents", {
    rows: docs.map((_, i) => i),
    columns: [
      { h: "title", get: (d) => clip(docs[d][3] || "(untitled)", 90) },
      { h: "outlet", get: (d) => docs[d][4] },
      { h: "published", get: (d) => docs[d][5], cls: "nw" },
      { h: "source", get: (d) => docs[d][1] + (docs[d][2] != null ? " #" + docs[d][2] : "") },
      { h: "characters", get: (d) => docs[d][8], cls: "num" },
      { h: "claims", get: (d) => claimsPerDoc.get(d) || 0, cls: "num" },
      { h: "text", get: (d) => (docs[d][7] == null ? "not embedded" : "") },
    ],
    search: (d) => [docs[d][3], docs[d][4], docs[d][1], docs[d][0]].map(s).join(" \u0001 "),
    onClick: (k) => openDoc(k, null),
  });
  Grid("duplicates", {
    rows: D.duplicates,
    columns: [
      { h: "kept document", get: (r, same) => (same ? "" : docLink(r[0])) },
      { h: "dropped copy", get: (r) => r[1] + (r[2] != null ? " #" + r[2] : "") },
      { h: "kind", get: (r) => r[3] },
      { h: "similarity", get: (r) => (r[5] == null ? "" : Number(r[5]).toFixed(4)), cls: "num" },
    ],
    filters: [{ label: "kind", values: ["exact_raw", "exact_text", "near"], get: (r) => r[3] }],
    search: (r) => [r[1], docLabel(r[0])].join(" \u0001 "),
    group: (r) => r[0],
    onClick: (i) => openDoc(D.duplicates[i][0], null),
  });
  const reasons = Array.from(new Set(D.rejects.map((r) => r[2]))).sort();
  Grid("rejects", {
    rows: D.rejects,
    columns: [
      { h: "reason", get: (r) => r[2] },
      { h: "source", get: (r) => r[0] + (r[1] != null ? " #" + r[1] : "") },
      { h: "detail", get: (r) => r[3], cls: "ev" },
    ],
    filters: [{ label: "reason", values: reasons, get: (r) => r[2] }],
    search: (r) => [r[0], r[2], r[3]].join(" \u0001 "),
  });

  showTab("overview");
  window.__report = { openDoc, showTab, readyMs: performance.now() };
  document.documentElement.dataset.ready = "1";
})();
