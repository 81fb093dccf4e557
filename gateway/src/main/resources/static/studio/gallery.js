// The studio page's strip of the user's recent generations (search, load more, edit, animate); each
// tile opens the job's page in its library (/images/{id}, /videos/{id}: pages/library.js).
import { $, el } from "./dom.js";
import { api } from "./api.js";
import { TERMINAL, thumbnailOf } from "./status.js";
import { isWatched, latestStatus, startedJobs, watch } from "./jobs.js";
import { startFrom, usableSource } from "./source.js";
import { badge, tileClass, tilePicture } from "./items.js";
import { detailPath } from "./library-rules.js";

let nextCursor = null;
let galleryRefresh = null;

export async function loadGallery(fresh) {
  const q = new FormData($("search")).get("q");
  const params = new URLSearchParams({ limit: "24" });
  if (q) params.set("q", q);
  if (!fresh && nextCursor) params.set("cursor", nextCursor);
  const page = await api("GET", `/api/history?${params}`);
  if (fresh) $("gallery").replaceChildren();
  for (const item of page.items) {
    $("gallery").append(tile(item));
    // a job still running (e.g. started before this page was loaded) is followed too
    if (!TERMINAL.has(item.status) && !isWatched(item.jobId) && !TERMINAL.has((latestStatus(item.jobId) || {}).status)) {
      watch(item.jobId, { prompt: item.prompt, kind: item.kind, status: item.status });
    }
  }
  if (fresh && !q) {
    // jobs just started (or just finished) that history does not list yet still belong at its head
    const listed = new Set(page.items.map((item) => item.jobId));
    for (const known of startedJobs()) if (!listed.has(known.jobId)) placeholder(known);
  }
  if (fresh && page.items.length === 0 && !$("gallery").querySelector(".tile")) {
    $("gallery").append(el("p", { class: "muted", text: q ? "Nothing matches that search." : "Nothing yet: your first image is one prompt away." }));
  }
  nextCursor = page.nextCursor;
  $("more").hidden = !nextCursor;
}

/** A job this page started: at the gallery's head until history lists it. */
export function showStarted(known) {
  if (!document.querySelector(`#gallery .tile[data-job="${CSS.escape(known.jobId)}"]`)) placeholder(known);
}

export function refreshGallerySoon() {
  // four jobs of one request finish within moments of each other: load the gallery once for them
  clearTimeout(galleryRefresh);
  galleryRefresh = setTimeout(() => loadGallery(true).catch(() => {}), 700);
}

/** A gallery tile for a job history does not list yet: its live status, or its picture once done. */
function placeholder(known) {
  const job = latestStatus(known.jobId) || {};
  const media = (job.media || [])[0];
  const item = { ...known, status: job.status || known.status, media: job.media || [],
    thumbnailUrl: media ? thumbnailOf(media) : null };
  const empty = $("gallery").querySelector(":scope > p");
  if (empty) empty.remove();
  $("gallery").prepend(tile(item));
}

function tile(item) {
  const name = item.prompt || item.jobId;
  // the details are a page of their own, in the item's library (deep-linkable; back returns here)
  // the link's name is what it shows: the prompt and the badge (a tap on the badge opens the job too)
  const open = el("a", { class: "open", href: detailPath(item) }, ...tilePicture(item), badge(item));
  const node = el("div", { class: tileClass(item), "data-job": item.jobId }, open);
  if (usableSource(item)) {
    node.append(el("div", { class: "tile-actions" },
      el("button", { type: "button", text: "Edit", "aria-label": `Edit: ${name}`, onclick: () => startFrom(item, "edit") }),
      el("button", { type: "button", text: "Animate", "aria-label": `Animate: ${name}`, onclick: () => startFrom(item, "video") })));
  }
  return node;
}

export function wireGallery() {
  $("more").addEventListener("click", () => loadGallery(false));
  $("search").addEventListener("submit", (event) => { event.preventDefault(); loadGallery(true); });
}
