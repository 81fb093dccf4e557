// Remix and variations (/studio?remix=<jobId>[&variations=1], linked from a job's page in the libraries): the
// create form filled with every setting of that job — mode, prompt, aspect, style, seed, how many, length,
// resolution, enhance, lane and its source image. Variations are the same with the seed left random and four at
// once; the person checks the form and presses Generate (nothing is sent on their behalf).
import { $, form } from "./dom.js";
import { api } from "./api.js";
import { setMode } from "./modes.js";
import { setSource, usableSource, useJob } from "./source.js";
import { remixFields } from "./library-rules.js";

/** Fills the form from ?remix= (then drops it from the URL, so a reload or a later visit starts clean). */
export async function applyRemix(query) {
  const jobId = query.get("remix");
  if (!jobId) return;
  const variations = query.get("variations") === "1";
  history.replaceState(null, "", "/studio");
  let answer;
  try {
    answer = await api("GET", `/api/history/${encodeURIComponent(jobId)}`);
  } catch (error) {
    $("create-error").textContent = error.status === 404 ? "That generation was deleted, so it cannot be remixed." : error.message;
    return;
  }
  const fields = remixFields(answer.job, { variations });
  setMode(fields.mode);
  setSource(null);
  const notes = [];
  if (fields.sourceJobId && answer.source && usableSource(answer.source)) useJob(answer.source);
  else if (fields.sourceJobId) notes.push("its source image was deleted: choose another");
  else if (fields.sourceUploaded) notes.push("its source image was an upload: add it again");
  const f = form.elements;
  f.prompt.value = fields.prompt;
  setIfOffered(f.aspectRatio, fields.aspectRatio);
  setIfOffered(f.styleProfile, fields.styleProfile);
  f.seed.value = fields.seed;
  setIfOffered(f.n, fields.n);
  if (fields.durationSeconds) f.durationSeconds.value = fields.durationSeconds;
  if (fields.resolution) setIfOffered(f.resolution, fields.resolution);
  f.enhance.checked = fields.enhance;
  f.batch.checked = fields.batch;
  $("announce").textContent = `${variations ? "Variations" : "Remix"}: the form holds the settings of “${fields.prompt.slice(0, 60)}”.`;
  $("create-error").textContent = notes.length ? `Filled in, but ${notes.join("; ")}.` : "";
  form.scrollIntoView({ block: "start" });
  f.prompt.focus({ preventScroll: true });
}

/** A select keeps its value when the job's is not one it offers (e.g. a style profile since removed). */
function setIfOffered(select, value) {
  if (value && [...select.options].some((o) => o.value === value)) select.value = value;
}
