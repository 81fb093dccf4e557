// Jobs in progress: one event stream for all of them, and a card per job that follows it live
// (steps, sentence, progress bar, Cancel) until it ends.
import { $, el } from "./dom.js";
import { currentUser } from "./router.js";
import { api } from "./api.js";
import { KIND_NAMES, STEPS, TERMINAL, isNewer, statusText, thumbnailOf } from "./status.js";
import { notifyEnded } from "./notify.js";

// One EventSource per job would soon use up the browser's six connections to this host (four
// jobs at once plus the page's own requests); GET /api/events carries every job of the user.
const watchers = new Map(); // jobId -> update(job)
const started = new Map();  // jobId -> {jobId, prompt, kind, status}: jobs this page followed, shown in the gallery before history has them
const latest = new Map();   // jobId -> the newest status seen, also for jobs not (yet) watched
let stream = null;
let reopen = null;
// the gallery's part: a tile for a job it does not list yet, and a reload once jobs end
let hooks = { started: (known) => {}, ended: (job) => {} };

/** What the gallery does when a job starts being followed here, and when one ends. */
export function onJobs(galleryHooks) {
  hooks = galleryHooks;
}

export const latestStatus = (jobId) => latest.get(jobId);
export const isWatched = (jobId) => watchers.has(jobId);
/** The jobs this page started (or followed) lately, for the gallery's head until history lists them. */
export const startedJobs = () => started.values();

const signedIn = () => currentUser() !== null;

export function openStream() {
  if (stream) return;
  stream = new EventSource("/api/events");
  stream.addEventListener("status", (message) => deliver(JSON.parse(message.data)));
  // the server ends the stream when the session it was opened with ends (signed out elsewhere, password
  // changed, account disabled, role changed): ask who we are now; a 401 shows the sign-in (api() does that)
  stream.addEventListener("signed-out", () => {
    closeStream();
    api("GET", "/api/auth/me").then(() => { if (signedIn()) openStream(); },
      () => { if (signedIn()) reopen = setTimeout(openStream, 5000); });
  });
  stream.onopen = () => {
    for (const jobId of watchers.keys()) refresh(jobId); // whatever happened while it was closed
  };
  stream.onerror = () => {
    // the browser reconnects by itself (with Last-Event-ID); onopen then catches each job up
    for (const line of $("running").querySelectorAll(".job .status-line")) line.textContent = "Reconnecting…";
    if (stream && stream.readyState === EventSource.CLOSED) {
      // the browser gave up (e.g. the session ended): try again later, the studio may still be open
      stream = null;
      clearTimeout(reopen);
      reopen = setTimeout(() => { if (signedIn()) openStream(); }, 5000);
    }
  };
}

export function closeStream() {
  clearTimeout(reopen);
  if (stream) stream.close();
  stream = null;
}

// A page left for another (a typed address, a link out) may stay in the browser's back-forward cache: with its stream
// open it would hold one of the browser's 6 connections to this host, and six such pages stall every request of the
// next. So a page closes its stream when it is left, and opens it again if the browser brings it back (onopen then
// fetches each followed job, as after any reconnect).
let closedOnHide = false;
addEventListener("pagehide", () => {
  closedOnHide = stream !== null;
  closeStream();
});
addEventListener("pageshow", (event) => {
  if (event.persisted && closedOnHide && signedIn()) openStream();
  closedOnHide = false;
});

/** Signed out: the cards and what this page followed go (the next person here must not see them). */
export function forgetJobs() {
  for (const card of $("running").querySelectorAll(".job")) card.remove();
  watchers.clear();
  started.clear();
  $("nothing-running").hidden = false;
}

/** A deleted job: no longer shown at the gallery's head while history catches up. */
export function forgetJob(jobId) {
  started.delete(jobId);
}

/**
 * Applies a status unless a newer one was already seen (a fetched status may arrive after the stream's): by the
 * pipeline's order, not the clock (each stage stamps its own, so ENCODED can carry an earlier time than QUEUED).
 */
function deliver(job) {
  if (!isNewer(job, latest.get(job.jobId))) return;
  latest.set(job.jobId, job);
  if (latest.size > 500) latest.delete(latest.keys().next().value);
  const update = watchers.get(job.jobId);
  if (update) update(job);
  const tileLabel = document.querySelector(`.tile[data-job="${CSS.escape(job.jobId)}"] .state`);
  if (tileLabel && !TERMINAL.has(job.status)) tileLabel.textContent = statusText(job);
}

async function refresh(jobId) {
  try { deliver(await api("GET", `/api/jobs/${encodeURIComponent(jobId)}`)); } catch (ignored) { /* the stream will tell */ }
}

/** Shows a job in progress and follows it until it ends. */
export function watch(jobId, { prompt, kind, index = 1, of = 1, status }) {
  if (watchers.has(jobId)) return;
  $("nothing-running").hidden = true;
  const steps = el("div", { class: "steps" });
  const stepNodes = Object.fromEntries(STEPS.map((s) => [s, el("span", { class: "step", text: s.toLowerCase() })]));
  steps.append(...Object.values(stepNodes));
  const line = el("div", { class: "status-line", text: status ? status.toLowerCase() : "Queued…" });
  const bar = el("progress", { max: "100", "aria-label": "Progress" });
  bar.hidden = true;
  const picture = el("div", { class: "ph" });
  const title = el("div", { class: "title" }, el("span", { class: "kind", text: KIND_NAMES[kind] || kind || "" }),
    document.createTextNode(of > 1 ? `${prompt} · ${index} of ${of}` : prompt || ""));
  const cancel = el("button", { class: "secondary", type: "button", text: "Cancel", "aria-label": `Cancel ${prompt || "job"}${of > 1 ? ` ${index} of ${of}` : ""}`,
    onclick: async () => {
      cancel.disabled = true;
      try { await api("POST", `/api/jobs/${encodeURIComponent(jobId)}/cancel`); } catch (error) {
        if (error.status !== 409) { line.textContent = error.message; cancel.disabled = false; }
      }
    } });
  const card = el("div", { class: "job", "data-job": jobId }, picture, el("div", {}, title, steps, line, bar), cancel);
  $("running").prepend(card);
  started.set(jobId, { jobId, prompt, kind: (kind || "").toUpperCase(), status: status || "QUEUED" });
  hooks.started(started.get(jobId));

  watchers.set(jobId, (job) => {
    const reached = STEPS.indexOf(job.status);
    if (reached >= 0) STEPS.forEach((step, i) => stepNodes[step].classList.toggle("done", i <= reached));
    line.textContent = statusText(job);
    line.classList.toggle("bad", job.status === "FAILED");
    const progress = job.progress !== null && job.progress !== undefined && !TERMINAL.has(job.status);
    bar.hidden = !progress;
    if (progress) bar.value = job.progress;
    if (job.status === "FAILED" || job.status === "CANCELLED") stepNodes.COMPLETED.classList.add("failed");
    if (job.status === "COMPLETED" && job.media && job.media.length) {
      const thumb = thumbnailOf(job.media[0]);
      if (thumb) picture.replaceWith(el("img", { src: thumb, alt: prompt || "" }));
    }
    if (TERMINAL.has(job.status)) {
      const which = `${KIND_NAMES[kind] || "Job"}${of > 1 ? ` ${index} of ${of}` : ""}`;
      $("announce").textContent = job.status === "COMPLETED" ? `${which} is ready: ${prompt}`
        : `${which} ${job.status.toLowerCase()}: ${job.message || ""}`;
      notifyEnded(job, { prompt, kind });
      watchers.delete(jobId);
      setTimeout(() => started.delete(jobId), 60000);
      cancel.remove();
      hooks.ended(job);
      setTimeout(() => {
        card.remove();
        if (!$("running").querySelector(".job")) $("nothing-running").hidden = false;
      }, job.status === "COMPLETED" ? 1500 : 8000);
    }
  });
  const seen = latest.get(jobId);
  if (seen) watchers.get(jobId)(seen); // the stream may have told before the POST answered
  else refresh(jobId);
}
