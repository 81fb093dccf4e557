// A generation as the studio's grids show it (the studio's recent strip and the libraries) and what can be
// done to it from anywhere: its tile's picture, its badge, try again, delete, the star.
import { el } from "./dom.js";
import { api } from "./api.js";
import { KIND_NAMES, TERMINAL, statusText, thumbnailOf } from "./status.js";
import { forgetJob, latestStatus, watch } from "./jobs.js";
import { waitText, withoutFixedWait } from "./countdown.js";

/** The tile's picture (its thumbnail, or what state it is in) and its caption. */
export function tilePicture(item) {
  const caption = el("span", { class: "cap", text: item.prompt || item.jobId });
  if (item.thumbnailUrl) return [el("img", { src: item.thumbnailUrl, alt: "", loading: "lazy" }), caption];
  const seen = latestStatus(item.jobId);
  const label = item.status === "COMPLETED" ? "no preview" : (seen ? statusText(seen) : item.status.toLowerCase());
  return [el("span", { class: "state", text: label }), caption];
}

/** The tile's class: with a picture, still running, or ended without one. */
export const tileClass = (item) => `tile${item.thumbnailUrl ? "" : TERMINAL.has(item.status) ? " failed" : " waiting"}`;

/** "Edit · failed": the kind unless an image, and an ending that is not a success. */
export function badge(item) {
  const kindName = item.kind && item.kind !== "IMAGE" ? KIND_NAMES[item.kind] || item.kind : "";
  const ended = item.status === "FAILED" || item.status === "CANCELLED" ? item.status.toLowerCase() : "";
  const text = [kindName, ended].filter(Boolean).join(" · ");
  return text ? el("span", { class: "badge", text }) : null;
}

/** A picture of one media file for a small link (lineage, the recent strip). */
export const pictureOf = (item) => (item.thumbnailUrl || (item.media && item.media[0] ? thumbnailOf(item.media[0]) : null));

/** Tries a failed or cancelled job again; the new jobs are followed live. Throws the API's sentence (with when to retry). */
export async function retryJob(job) {
  try {
    const answer = await api("POST", `/api/jobs/${encodeURIComponent(job.jobId)}/retry`);
    const again = Array.isArray(answer) ? answer : [answer];
    for (const one of again) watch(one.jobId, { prompt: job.prompt, kind: job.kind });
    return again;
  } catch (error) {
    if (error.retryAfter) {
      error.message = `${withoutFixedWait(error.message)} (try again ${waitText(error.retryAfter, Date.now() + error.retryAfter * 1000)})`;
    }
    throw error;
  }
}

/** Deletes a job and stops following it. */
export async function deleteJob(jobId) {
  await api("DELETE", `/api/history/${encodeURIComponent(jobId)}`);
  forgetJob(jobId);
}

/** Stars or unstars a job. */
export function setFavourite(jobId, on) {
  return api(on ? "PUT" : "DELETE", `/api/history/${encodeURIComponent(jobId)}/favourite`);
}
