// The user's generations: the gallery (search, load more), a job's details (media, facts,
// timeline) and what can be done with it (edit, animate, try again, delete).
import { $, el } from "./dom.js";
import { api } from "./api.js";
import { KIND_NAMES, TERMINAL, statusText, thumbnailOf } from "./status.js";
import { forgetJob, isWatched, latestStatus, startedJobs, watch } from "./jobs.js";
import { startFrom, usableSource } from "./source.js";
import { waitText, withoutFixedWait } from "./countdown.js";

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
  const caption = el("span", { class: "cap", text: item.prompt || "" });
  const kindName = item.kind && item.kind !== "IMAGE" ? KIND_NAMES[item.kind] || item.kind : "";
  const ended = item.status === "FAILED" || item.status === "CANCELLED" ? item.status.toLowerCase() : "";
  const badgeText = [kindName, ended].filter(Boolean).join(" · ");
  const badge = badgeText ? el("span", { class: "badge", text: badgeText }) : null;
  const name = item.prompt || item.jobId;
  let open;
  if (item.thumbnailUrl) {
    open = el("button", { class: "open", type: "button", "aria-label": `Details: ${name}`, onclick: () => details(item.jobId) },
      el("img", { src: item.thumbnailUrl, alt: "", loading: "lazy" }), caption);
  } else {
    const seen = latestStatus(item.jobId);
    const label = item.status === "COMPLETED" ? "no preview" : (seen ? statusText(seen) : item.status.toLowerCase());
    open = el("button", { class: "open", type: "button", "aria-label": `Details: ${name}`, onclick: () => details(item.jobId) },
      el("span", { class: "state", text: label }), caption);
  }
  const running = !TERMINAL.has(item.status);
  const node = el("div", { class: `tile${item.thumbnailUrl ? "" : running ? " waiting" : " failed"}`, "data-job": item.jobId }, open, badge);
  if (usableSource(item)) {
    node.append(el("div", { class: "tile-actions" },
      el("button", { type: "button", text: "Edit", "aria-label": `Edit: ${name}`, onclick: () => startFrom(item, "edit") }),
      el("button", { type: "button", text: "Animate", "aria-label": `Animate: ${name}`, onclick: () => startFrom(item, "video") })));
  }
  return node;
}

/** A job's details; one deleted meanwhile (here or in another tab) leaves the gallery with a word instead. */
async function details(jobId) {
  $("gallery-error").textContent = "";
  let answer;
  try {
    answer = await api("GET", `/api/history/${encodeURIComponent(jobId)}`);
  } catch (error) {
    if (error.status === 404) {
      forgetJob(jobId);
      for (const gone of document.querySelectorAll(`#gallery .tile[data-job="${CSS.escape(jobId)}"]`)) gone.remove();
      $("gallery-error").textContent = "That generation was deleted.";
    } else {
      $("gallery-error").textContent = error.message;
    }
    return;
  }
  const { job, timeline } = answer;
  const facts = el("dl");
  const fact = (name, value) => { if (value !== null && value !== undefined && value !== "") facts.append(el("dt", { text: name }), el("dd", { text: String(value) })); };
  fact("Kind", KIND_NAMES[job.kind] || job.kind);
  fact("Prompt", job.prompt);
  fact("Sent to the model", job.encodedPrompt);
  fact("Model", job.model && `${job.provider} · ${job.model}`);
  fact("Style", job.styleProfile);
  fact("Encoder", job.encoderVersion);
  fact("Aspect", job.aspectRatio);
  fact("Seed", job.seed);
  fact("Status", job.status);
  fact("Error", job.error && `${job.error.code}: ${job.error.message}`);
  fact("Created", new Date(job.createdAt).toLocaleString());
  fact("Took", job.durationMs !== null && job.durationMs !== undefined ? `${(job.durationMs / 1000).toFixed(1)} s` : null);
  const steps = el("ol", { class: "timeline" }, ...timeline.map((t) =>
    el("li", { text: `${new Date(t.at).toLocaleTimeString()} ${t.status.toLowerCase()} — ${t.message || t.stage || ""}` })));
  const first = job.media[0];
  let media;
  if (!first) media = el("p", { class: "muted", text: "No media." });
  else if ((first.mimeType || "").startsWith("video/")) {
    media = el("video", { src: first.url, controls: "", preload: "metadata", playsinline: "", "aria-label": job.prompt || "Video" });
    if (first.thumbnailUrl) media.setAttribute("poster", first.thumbnailUrl);
  } else {
    media = el("a", { href: first.url, target: "_blank", rel: "noopener" }, el("img", { src: first.url, alt: job.prompt || "" }));
  }
  const actions = el("div", { class: "detail-actions" });
  if (usableSource(job)) {
    actions.append(
      el("button", { type: "button", text: "Edit this image", onclick: () => startFrom(job, "edit") }),
      el("button", { type: "button", class: "secondary", text: "Animate", onclick: () => startFrom(job, "video") }));
  }
  const problem = el("p", { class: "error", role: "alert" });
  if (job.status === "FAILED" || job.status === "CANCELLED") {
    actions.append(el("button", { type: "button", class: "secondary", text: "Try again", onclick: async (event) => {
      event.target.disabled = true;
      problem.textContent = "";
      try {
        const answer = await api("POST", `/api/jobs/${encodeURIComponent(jobId)}/retry`);
        for (const again of Array.isArray(answer) ? answer : [answer]) watch(again.jobId, { prompt: job.prompt, kind: job.kind });
        $("details").close();
      } catch (error) {
        event.target.disabled = false;
        problem.textContent = error.retryAfter
          ? `${withoutFixedWait(error.message)} (try again ${waitText(error.retryAfter, Date.now() + error.retryAfter * 1000)})` : error.message;
      }
    } }));
  }
  actions.append(el("button", { class: "secondary", type: "button", text: "Delete", onclick: async () => {
    if (!confirm("Delete this generation and its files?")) return;
    try {
      await api("DELETE", `/api/history/${encodeURIComponent(jobId)}`);
    } catch (error) {
      problem.textContent = error.message;
      return;
    }
    forgetJob(jobId);
    $("details").close();
    loadGallery(true);
  } }));
  $("details-body").replaceChildren(el("div", { class: "detail" }, media,
    el("div", {}, facts, actions, problem, el("h2", { text: "Timeline" }), steps)));
  $("details").showModal();
}

export function wireGallery() {
  $("close-details").addEventListener("click", () => $("details").close());
  $("more").addEventListener("click", () => loadGallery(false));
  $("search").addEventListener("submit", (event) => { event.preventDefault(); loadGallery(true); });
}
