// The libraries, /images and /videos: one module, the kind fixed by the page. A grid with infinite scroll
// (a "Load more" button stays for keyboards), filters kept in the URL (reload, share, back/forward), the
// star, multi-select with a zip download and a bulk delete, and a job's own page (/images/{jobId}) with its
// media, settings, seed, timeline, cost and lineage. The rules without DOM are in library-rules.js.
import { $, el } from "../dom.js";
import { api } from "../api.js";
import { isShown, navigate, registerPage } from "../router.js";
import { KIND_NAMES, TERMINAL } from "../status.js";
import { startFrom, usableSource } from "../source.js";
import { badge, deleteJob, pictureOf, retryJob, setFavourite, tileClass, tilePicture } from "../items.js";
import {
  LIBRARIES, MAX_ZIP, STATUSES, bulkDeleteQuestion, bulkDeleteReport, detailPath, emptyText, filtersFromQuery,
  historyQuery, madeFromText, queryFromFilters, rangeBetween, sameFilters, seedOf, sourceText,
} from "../library-rules.js";

const PAGE_SIZE = 30;
const libraries = {};

/** One library's state and its elements (built the first time it is shown). */
function library(name) {
  if (libraries[name]) return libraries[name];
  const section = $(`page-${name}`);
  const lib = { name, section, filters: null, cursor: null, loading: null, loaded: false, items: new Map(), selected: new Set(),
    anchor: null, scrollY: 0, fromGrid: false };
  libraries[name] = lib;

  const id = (part) => `${name}-${part}`;
  const kindSelect = LIBRARIES[name].kinds.length > 1
    ? el("label", {}, "Kind", el("select", { name: "kind" }, el("option", { value: "", text: "Images and edits" }),
      el("option", { value: "image", text: "Images" }), el("option", { value: "edit", text: "Edits" })))
    : null;
  lib.form = el("form", { class: "lib-filters card", role: "search", "aria-label": `Filter ${name}` },
    el("label", { class: "lib-q" }, "Search prompts", el("input", { name: "q", type: "search", maxlength: "400", placeholder: "lighthouse, sea…" })),
    kindSelect,
    el("label", {}, "Status", el("select", { name: "status" }, el("option", { value: "", text: "Any" }),
      ...STATUSES.map((s) => el("option", { value: s, text: s[0].toUpperCase() + s.slice(1) })))),
    el("label", {}, "Model", el("input", { name: "model", maxlength: "200", list: id("models"), placeholder: "any", autocomplete: "off" })),
    el("datalist", { id: id("models") }),
    el("label", {}, "From", el("input", { name: "from", type: "date" })),
    el("label", {}, "To", el("input", { name: "to", type: "date" })),
    el("label", { class: "check" }, el("input", { name: "fav", type: "checkbox" }), "Favourites only"),
    el("div", { class: "lib-filter-actions" },
      el("button", { type: "submit", text: "Apply" }),
      el("a", { href: `/${name}`, class: "lib-clear", text: "Clear filters" })));
  lib.form.addEventListener("submit", (event) => { event.preventDefault(); applyForm(lib); });
  // choices apply at once; the typed fields apply on Enter (or Apply), so history gets one entry per search
  lib.form.addEventListener("change", (event) => { if (event.target.type !== "search" && event.target.name !== "model") applyForm(lib); });

  lib.selectAll = el("input", { type: "checkbox", id: id("select-all") });
  lib.selectAll.addEventListener("change", () => selectAllVisible(lib, lib.selectAll.checked));
  lib.count = el("span", { class: "muted", role: "status", text: "" });
  lib.zipButton = el("button", { type: "button", class: "secondary", text: "Download zip", disabled: "", onclick: () => downloadZip(lib) });
  lib.deleteButton = el("button", { type: "button", class: "secondary", text: "Delete", disabled: "", onclick: () => deleteSelected(lib) });
  lib.clearButton = el("button", { type: "button", class: "link", text: "Clear selection", disabled: "", onclick: () => clearSelection(lib) });
  lib.bar = el("div", { class: "lib-bar" },
    el("label", { class: "check", for: id("select-all") }, lib.selectAll, "Select all shown"),
    lib.count, el("span", { class: "lib-bar-actions" }, lib.zipButton, lib.deleteButton, lib.clearButton));
  lib.error = el("p", { class: "error", role: "alert" });
  lib.notice = el("p", { class: "lib-notice", role: "status" });
  lib.grid = el("div", { class: "gallery lib-grid" });
  lib.more = el("button", { type: "button", class: "secondary lib-more", text: "Load more", hidden: "", onclick: () => load(lib, false) });
  lib.sentinel = el("div", { class: "lib-sentinel", "aria-hidden": "true" });
  // on a phone the filters fold away under one line that says how many are on
  lib.filterSummary = el("summary", { text: "Filters" });
  lib.filterBox = el("details", { class: "lib-filter-box" }, lib.filterSummary, lib.form);
  lib.filterBox.open = window.matchMedia("(min-width: 701px)").matches;
  lib.gridView = el("div", { class: "lib-grid-view" }, lib.filterBox, lib.bar, lib.error, lib.notice, lib.grid, lib.sentinel, lib.more);
  lib.detailView = el("div", { class: "lib-detail-view", hidden: "" });
  section.append(lib.gridView, lib.detailView);

  // infinite scroll: the sentinel under the grid coming near the viewport loads the next page
  lib.observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) loadMoreIfNear(lib);
  }, { rootMargin: "600px 0px" });
  lib.observer.observe(lib.sentinel);
  return lib;
}

function loadMoreIfNear(lib) {
  if (!isShown(lib.name) || lib.gridView.hidden || !lib.cursor || lib.loading) return;
  if (lib.sentinel.getBoundingClientRect().top < window.innerHeight + 600) load(lib, false);
}

function readForm(lib) {
  const data = new FormData(lib.form);
  const params = new URLSearchParams();
  for (const [key, value] of data) if (key !== "fav") params.set(key, String(value));
  if (data.get("fav")) params.set("fav", "1");
  return filtersFromQuery(lib.name, params);
}

function fillForm(lib, filters) {
  const on = ["q", "kind", "status", "model", "from", "to", "fav"].filter((name) => filters[name]).length;
  lib.filterSummary.textContent = on ? `Filters · ${on} on` : "Filters";
  const f = lib.form.elements;
  f.q.value = filters.q;
  if (f.kind) f.kind.value = filters.kind;
  f.status.value = filters.status;
  f.model.value = filters.model;
  f.from.value = filters.from;
  f.to.value = filters.to;
  f.fav.checked = filters.fav;
}

/** The filters go in the URL: the router shows the page again with them (and back/forward walks them). */
function applyForm(lib) {
  navigate(`/${lib.name}${queryFromFilters(readForm(lib))}`);
}

async function enter(name, { rest, query }) {
  const lib = library(name);
  if (rest.length > 0) {
    // how many job pages deep from the grid: "All images" goes back in history only from the first
    lib.depth = lib.gridView.hidden ? (lib.depth || 0) + 1 : 1;
    lib.scrollY = lib.gridView.hidden ? lib.scrollY : window.scrollY;
    lib.gridView.hidden = true;
    lib.detailView.hidden = false;
    await showDetails(lib, rest[0]);
    return;
  }
  const wasDetails = !lib.gridView.hidden ? false : lib.loaded;
  lib.detailView.hidden = true;
  lib.detailView.replaceChildren();
  lib.gridView.hidden = false;
  const filters = filtersFromQuery(name, query);
  fillForm(lib, filters);
  if (wasDetails && lib.filters && sameFilters(filters, lib.filters)) {
    // back from a job's page: the same grid, where it was (coming from another page, it is loaded afresh)
    requestAnimationFrame(() => window.scrollTo(0, lib.scrollY));
    return;
  }
  lib.filters = filters;
  await load(lib, true);
}

/** Loads the first page (fresh) or the next one. A failed load says the API's sentence; it never throws. */
async function load(lib, fresh) {
  if (lib.loading && !fresh) return lib.loading;
  const filters = lib.filters;
  const run = (async () => {
    lib.error.textContent = "";
    let page;
    try {
      page = await api("GET", `/api/history?${historyQuery(lib.name, filters, fresh ? null : lib.cursor, PAGE_SIZE)}`);
    } catch (error) {
      lib.error.textContent = error.message;
      return;
    }
    if (filters !== lib.filters) return; // the filters changed while this page was on its way
    if (fresh) {
      lib.grid.replaceChildren();
      lib.items.clear();
      clearSelection(lib);
      lib.notice.textContent = "";
      lib.loaded = true;
    }
    for (const item of page.items) {
      if (lib.items.has(item.jobId)) continue;
      lib.items.set(item.jobId, item);
      lib.grid.append(tile(lib, item));
    }
    rememberModels(lib, page.items);
    if (lib.items.size === 0) lib.grid.replaceChildren(el("p", { class: "muted", text: emptyText(lib.name, filters) }));
    lib.cursor = page.nextCursor;
    lib.more.hidden = !lib.cursor;
    updateBar(lib);
  })();
  lib.loading = run;
  try { await run; } finally { if (lib.loading === run) lib.loading = null; }
  // a tall screen may show the sentinel still: keep filling it (bounded by the pages there are)
  requestAnimationFrame(() => loadMoreIfNear(lib));
}

/** The models seen so far, offered in the model filter's list. */
function rememberModels(lib, items) {
  const list = $(`${lib.name}-models`);
  const known = new Set([...list.options].map((o) => o.value));
  for (const item of items) {
    if (item.model && !known.has(item.model)) { known.add(item.model); list.append(el("option", { value: item.model })); }
  }
}

function tile(lib, item) {
  const name = item.prompt || item.jobId;
  const check = el("input", { type: "checkbox", class: "lib-select", "aria-label": `Select: ${name}` });
  check.checked = lib.selected.has(item.jobId);
  check.addEventListener("click", (event) => toggle(lib, item.jobId, check.checked, event.shiftKey));
  const star = starButton(item, name, (on) => { item.favourite = on; });
  // the link's name is what it shows: the prompt (or the state) and the badge
  const open = el("a", { class: "open", href: detailPath(item) }, ...tilePicture(item), badge(item));
  open.addEventListener("click", () => { lib.fromGrid = true; });
  const node = el("div", { class: `${tileClass(item)} lib-tile`, "data-job": item.jobId }, open,
    el("div", { class: "lib-tile-controls" }, check, star));
  if (lib.selected.has(item.jobId)) node.classList.add("selected");
  return node;
}

/** The star: pressed when the job is a favourite; the change is the server's before it shows as done. */
function starButton(item, name, onChange, withText = false) {
  const label = (on) => (withText ? (on ? "★ Favourite" : "☆ Favourite") : (on ? "★" : "☆"));
  const star = el("button", { type: "button", class: withText ? "secondary lib-star" : "lib-star", "aria-pressed": String(!!item.favourite),
    "aria-label": withText ? "Favourite" : `Favourite: ${name}`, text: label(!!item.favourite), title: "Favourite" });
  star.addEventListener("click", async () => {
    const on = star.getAttribute("aria-pressed") !== "true";
    star.disabled = true;
    try {
      await setFavourite(item.jobId, on);
      star.setAttribute("aria-pressed", String(on));
      star.textContent = label(on);
      onChange(on);
    } catch (error) {
      const where = star.closest(".lib-detail-view") ? $("lib-detail-error") : libraries[libraryOfStar(star)].error;
      if (where) where.textContent = error.message;
    } finally {
      star.disabled = false;
    }
  });
  return star;
}

const libraryOfStar = (node) => node.closest(".page").id.replace("page-", "");

// ---- selection ------------------------------------------------------------------------------

function toggle(lib, jobId, on, shift) {
  const ids = [...lib.items.keys()];
  const range = shift && lib.anchor ? rangeBetween(ids, lib.anchor, jobId) : [jobId];
  for (const one of range) {
    if (on) lib.selected.add(one); else lib.selected.delete(one);
  }
  lib.anchor = jobId;
  showSelection(lib);
}

function selectAllVisible(lib, on) {
  for (const id of lib.items.keys()) { if (on) lib.selected.add(id); else lib.selected.delete(id); }
  showSelection(lib);
}

function clearSelection(lib) {
  lib.selected.clear();
  lib.anchor = null;
  showSelection(lib);
}

function showSelection(lib) {
  for (const node of lib.grid.querySelectorAll(".lib-tile")) {
    const on = lib.selected.has(node.dataset.job);
    node.classList.toggle("selected", on);
    node.querySelector(".lib-select").checked = on;
  }
  updateBar(lib);
}

function updateBar(lib) {
  const n = lib.selected.size;
  lib.count.textContent = n === 0 ? "" : `${n} selected`;
  for (const button of [lib.zipButton, lib.deleteButton, lib.clearButton]) button.disabled = n === 0;
  lib.selectAll.checked = n > 0 && lib.items.size > 0 && [...lib.items.keys()].every((id) => lib.selected.has(id));
}

/** The zip comes through a short-lived link the browser downloads itself: streamed to disk, never a blob in the page. */
async function downloadZip(lib) {
  lib.error.textContent = "";
  const ids = [...lib.selected];
  if (ids.length > MAX_ZIP) {
    lib.error.textContent = `A zip holds at most ${MAX_ZIP} items: ${ids.length} are selected.`;
    return;
  }
  lib.zipButton.disabled = true;
  try {
    const link = await api("POST", "/api/history/zip-links", { jobIds: ids });
    const a = el("a", { href: link.url, download: "", hidden: "" });
    document.body.append(a);
    a.click();
    a.remove();
    lib.notice.textContent = `Downloading ${ids.length} item${ids.length === 1 ? "" : "s"} as a zip.`;
  } catch (error) {
    lib.error.textContent = error.message;
  } finally {
    lib.zipButton.disabled = lib.selected.size === 0;
  }
}

/** One confirm naming the count; four deletes at a time; what could not be deleted is named. */
async function deleteSelected(lib) {
  const ids = [...lib.selected];
  if (ids.length === 0 || !confirm(bulkDeleteQuestion(ids.length))) return;
  lib.error.textContent = "";
  lib.deleteButton.disabled = true;
  const failures = [];
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        await deleteJob(id);
        lib.items.delete(id);
        lib.selected.delete(id);
        const node = lib.grid.querySelector(`.lib-tile[data-job="${CSS.escape(id)}"]`);
        if (node) node.remove();
      } catch (error) {
        failures.push({ jobId: id, message: error.message });
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const report = bulkDeleteReport(ids.length, failures);
  if (report.ok) lib.notice.textContent = report.text; else lib.error.textContent = report.text;
  if (lib.items.size === 0) lib.grid.replaceChildren(el("p", { class: "muted", text: emptyText(lib.name, lib.filters) }));
  showSelection(lib);
}

// ---- a job's page -----------------------------------------------------------------------------

async function showDetails(lib, jobId) {
  const back = el("a", { class: "lib-back", href: `/${lib.name}${lib.filters ? queryFromFilters(lib.filters) : ""}`,
    text: `← All ${lib.name}` });
  back.addEventListener("click", (event) => {
    // from the grid: back in history, so the grid is where it was (scroll and filters)
    if (lib.fromGrid && lib.depth === 1 && event.button === 0 && !event.metaKey && !event.ctrlKey) { event.preventDefault(); lib.fromGrid = false; history.back(); }
  });
  const problem = el("p", { class: "error", role: "alert", id: "lib-detail-error" });
  lib.detailView.replaceChildren(back, el("p", { class: "muted", text: "Loading…" }));
  let answer;
  try {
    answer = await api("GET", `/api/history/${encodeURIComponent(jobId)}`);
  } catch (error) {
    const text = error.status === 404 ? "That generation was deleted, or it is not yours." : error.message;
    lib.detailView.replaceChildren(back, el("h2", { text: "Not available" }), el("p", { class: "error", role: "alert", text }));
    return;
  }
  if (!isShown(lib.name) || lib.detailView.hidden) return;
  const { job, timeline, source, madeFrom } = answer;
  const facts = el("dl", { class: "lib-facts" });
  const fact = (name, value, extra) => {
    if (value === null || value === undefined || value === "") return;
    facts.append(el("dt", { text: name }), el("dd", {}, el("span", { text: String(value) }), extra || null));
  };
  fact("Kind", KIND_NAMES[job.kind] || job.kind);
  fact("Status", job.status.toLowerCase());
  fact("Error", job.error && `${job.error.code}: ${job.error.message}`);
  fact("Model", job.model && `${job.provider || ""} · ${job.model}`);
  fact("Style", job.requestedProfile && job.requestedProfile !== job.styleProfile
    ? `${job.styleProfile} (asked: ${job.requestedProfile})` : job.styleProfile);
  fact("Aspect", job.aspectRatio);
  fact("Seed", seedOf(job), el("span", { class: "muted",
    text: job.seed === null || job.seed === undefined ? " — picked at random; Remix reuses it" : " — Remix reuses it" }));
  fact("Files", job.media.length > 1 ? job.media.length : null);
  fact("Length", job.durationSeconds ? `${job.durationSeconds} s` : null);
  fact("Resolution", job.resolution);
  fact("Lane", job.priority && job.priority.toLowerCase());
  fact("Enhance prompt", job.enhance === null || job.enhance === undefined ? null : job.enhance ? "on" : "off");
  fact("Encoder", job.encoderVersion);
  fact("Created", new Date(job.createdAt).toLocaleString());
  fact("Took", job.durationMs !== null && job.durationMs !== undefined ? `${(job.durationMs / 1000).toFixed(1)} s` : null);

  const copied = el("span", { class: "muted lib-copied", role: "status" });
  const actions = el("div", { class: "detail-actions" });
  job.media.forEach((m, i) => actions.append(el("a", { class: "button", href: `/api/history/${encodeURIComponent(job.jobId)}/download/${i + 1}`,
    download: "", text: job.media.length > 1 ? `Download ${i + 1}` : "Download" })));
  actions.append(
    el("button", { type: "button", class: "secondary", text: "Copy prompt", onclick: () => copyText(job.prompt || "", copied) }),
    el("a", { class: "button secondary", href: `/studio?remix=${encodeURIComponent(job.jobId)}`, text: "Remix" }),
    el("a", { class: "button secondary", href: `/studio?remix=${encodeURIComponent(job.jobId)}&variations=1`, text: "Variations",
      title: "The same settings with new seeds, four at once: check them in the studio and generate" }),
    starButton(job, job.prompt || job.jobId, (on) => {
      job.favourite = on;
      const item = lib.items.get(job.jobId);
      if (item) { item.favourite = on; refreshTile(lib, item); }
    }, true));
  if (usableSource(job)) {
    actions.append(
      el("button", { type: "button", class: "secondary", text: "Edit", onclick: () => toStudio(job, "edit") }),
      el("button", { type: "button", class: "secondary", text: "Animate", onclick: () => toStudio(job, "video") }));
  }
  if (job.status === "FAILED" || job.status === "CANCELLED") {
    actions.append(el("button", { type: "button", class: "secondary", text: "Try again", onclick: async (event) => {
      event.target.disabled = true;
      problem.textContent = "";
      try {
        await retryJob(job);
        navigate("/studio");
      } catch (error) {
        event.target.disabled = false;
        problem.textContent = error.message;
      }
    } }));
  }
  actions.append(el("button", { type: "button", class: "secondary", text: "Delete", onclick: async () => {
    if (!confirm("Delete this generation and its files?")) return;
    try {
      await deleteJob(job.jobId);
    } catch (error) {
      problem.textContent = error.message;
      return;
    }
    lib.items.delete(job.jobId);
    lib.selected.delete(job.jobId);
    const node = lib.grid.querySelector(`.lib-tile[data-job="${CSS.escape(job.jobId)}"]`);
    if (node) node.remove();
    lib.notice.textContent = "Deleted.";
    navigate(`/${lib.name}${lib.filters ? queryFromFilters(lib.filters) : ""}`);
  } }));

  const prompt = el("div", { class: "lib-prompt" }, el("h3", { text: "Prompt" }), el("p", { text: job.prompt || "" }));
  if (job.encodedPrompt) prompt.append(el("h3", { text: "Sent to the model" }), el("p", { class: "muted", text: job.encodedPrompt }));

  const steps = el("ol", { class: "timeline" }, ...timeline.map((t) =>
    el("li", { text: `${new Date(t.at).toLocaleTimeString()} ${t.status.toLowerCase()} — ${t.message || t.stage || ""}` })));

  const title = el("h2", { class: "lib-detail-title", tabindex: "-1", text: `${KIND_NAMES[job.kind] || job.kind} · ${new Date(job.createdAt).toLocaleDateString()}` });
  lib.detailView.replaceChildren(back, title,
    el("div", { class: "detail lib-detail" }, mediaView(job),
      el("div", {}, prompt, actions, copied, problem, facts, lineage(job, source, madeFrom),
        el("h3", { text: "Timeline" }), steps)));
  window.scrollTo(0, 0);
  title.focus({ preventScroll: true });
  showCost(job.jobId, facts);
}

/** The job's first file: the video plays, the image opens full size. */
function mediaView(job) {
  const first = job.media[0];
  if (!first) return el("p", { class: "muted lib-nomedia", text: TERMINAL.has(job.status) ? "No media." : "Not finished yet." });
  if ((first.mimeType || "").startsWith("video/")) {
    const video = el("video", { src: first.url, controls: "", preload: "metadata", playsinline: "", "aria-label": job.prompt || "Video" });
    if (first.thumbnailUrl) video.setAttribute("poster", first.thumbnailUrl);
    return video;
  }
  return el("a", { href: first.url, target: "_blank", rel: "noopener", "aria-label": "Open the full image" },
    el("img", { src: first.url, alt: job.prompt || "The image" }));
}

/** Where the job came from, and what was made from it: each a link to that job's page. */
function lineage(job, source, madeFrom) {
  const box = el("div", { class: "lib-lineage" }, el("h3", { text: "Lineage" }));
  const said = sourceText(job);
  if (said && source) box.append(el("p", {}, `${said} `), related(source));
  else if (said && job.sourceJobId) box.append(el("p", { class: "muted", text: `${said} an image that was deleted.` }));
  else if (said) box.append(el("p", { class: "muted", text: said }));
  const made = madeFromText(madeFrom);
  if (made) box.append(el("p", { text: made }), el("div", { class: "lib-related" }, ...madeFrom.map(related)));
  if (box.children.length === 1) box.append(el("p", { class: "muted", text: "Nothing was made from this yet, and it was made from words alone." }));
  return box;
}

function related(item) {
  const picture = pictureOf(item);
  const name = `${KIND_NAMES[item.kind] || item.kind}: ${item.prompt || item.jobId}`;
  return el("a", { class: "lib-link", href: detailPath(item), "aria-label": name },
    picture ? el("img", { src: picture, alt: "" }) : el("span", { class: "lib-link-ph", text: (KIND_NAMES[item.kind] || "?")[0] }),
    el("span", { text: name }));
}

/** What the job cost, when the cost ledger knows (best effort: the page is complete without it). */
async function showCost(jobId, facts) {
  try {
    const view = await api("GET", `/api/jobs/${encodeURIComponent(jobId)}`);
    if (view && view.cost && view.cost.amount !== null && view.cost.amount !== undefined && facts.isConnected) {
      facts.append(el("dt", { text: "Cost" }), el("dd", { text: `${view.cost.amount} ${view.cost.currency || ""}`.trim() }));
    }
  } catch (unknown) {
    // no cost known (or the job left the status cache): nothing to show
  }
}

async function copyText(text, status) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = "Copied";
  } catch (denied) {
    // plain http on a LAN has no clipboard API: select it for Ctrl+C instead
    const area = el("textarea", { class: "sr-only", "aria-label": "Prompt" });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand && document.execCommand("copy");
    area.remove();
    status.textContent = ok ? "Copied" : "Copying is not allowed here: select the prompt and copy it.";
  }
  setTimeout(() => { status.textContent = ""; }, 2500);
}

async function toStudio(job, mode) {
  await navigate("/studio");
  startFrom(job, mode);
}

function refreshTile(lib, item) {
  const node = lib.grid.querySelector(`.lib-tile[data-job="${CSS.escape(item.jobId)}"]`);
  if (node) node.replaceWith(tile(lib, item));
}

/** A job ended (the studio's event stream): its tile, if a library shows it still running, is read again. */
export async function libraryJobEnded(job) {
  for (const lib of Object.values(libraries)) {
    const shown = lib.items.get(job.jobId);
    if (!shown || TERMINAL.has(shown.status)) continue;
    try {
      const answer = await api("GET", `/api/history/${encodeURIComponent(job.jobId)}`);
      lib.items.set(job.jobId, answer.job);
      refreshTile(lib, answer.job);
    } catch (gone) {
      // deleted meanwhile, or not projected yet: the next load shows it as it is
    }
  }
}

export function wireLibrary() {
  for (const name of Object.keys(LIBRARIES)) {
    registerPage(name, { title: LIBRARIES[name].title, enter: (where) => enter(name, where) });
  }
}
