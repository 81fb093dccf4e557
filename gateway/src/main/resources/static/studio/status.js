// How a job's status reads: the pipeline's steps and the sentences the studio shows for them.

export const STEPS = ["QUEUED", "ENCODED", "WAITING", "SUBMITTED", "PROCESSING", "STORING", "COMPLETED"];
export const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED"]);
export const KIND_NAMES = { image: "Image", edit: "Edit", video: "Video", IMAGE: "Image", EDIT: "Edit", VIDEO: "Video" };

export function statusText(job) {
  // whichever stage told it (the gateway, or the worker that held the job), a cancel reads as one
  if (job.status === "CANCELLED") return "Cancelled at your request.";
  if (job.status === "RETRYING" && job.retry) return `${job.message || "Retrying"} (attempt ${job.retry.attempt} of ${job.retry.maxAttempts})`;
  if (job.status === "WAITING" && job.queue) return placeInLine(job.queue);
  // the worker's sentence already says how far along it is; the card draws the figure as a bar
  return job.message || job.status.toLowerCase();
}

// How far along a status is. The moves between WAITING, SUBMITTED, PROCESSING and RETRYING go both ways (the
// server's JobStatus); every other move only forwards, so a status of an earlier stage is a late one.
const STAGE = { QUEUED: 0, ENCODED: 1, WAITING: 2, SUBMITTED: 2, PROCESSING: 2, RETRYING: 2, STORING: 3, COMPLETED: 4, FAILED: 4, CANCELLED: 4 };

/** Whether a status may replace the one seen: never backwards, never out of an ending; within a stage, the later one. */
export function isNewer(job, seen) {
  if (!seen) return true;
  if (TERMINAL.has(seen.status)) return false;
  const ahead = STAGE[job.status] - STAGE[seen.status];
  return ahead > 0 || (ahead === 0 && Date.parse(job.updatedAt) >= Date.parse(seen.updatedAt));
}

/** "3rd in line · about 40 s": where a waiting job stands in its worker's line for the provider. */
function placeInLine(queue) {
  const place = queue.position <= 1 ? "Next in line" : `${ordinal(queue.position)} in line`;
  const eta = queue.etaSeconds;
  if (eta === null || eta === undefined) return place;
  return `${place} · about ${eta < 90 ? `${Math.max(1, eta)} s` : eta < 5400 ? `${Math.round(eta / 60)} min` : `${Math.round(eta / 3600)} h`}`;
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, 22nd. */
function ordinal(n) {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? "th" : { 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th";
  return `${n}${suffix}`;
}

/** A picture for a job's media: its thumbnail, or an image itself; null for a video without one. */
export function thumbnailOf(media) {
  return media.thumbnailUrl || ((media.mimeType || "").startsWith("image/") ? media.url : null);
}
