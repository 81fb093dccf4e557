// Sending the create form: the preview of what the encoder will send, and the request itself
// (JSON, or multipart with an uploaded source image), each of its jobs then followed live.
import { $, form } from "./dom.js";
import { api, randomKey } from "./api.js";
import { MODES, mode } from "./modes.js";
import { currentSource } from "./source.js";
import { clearErrors, fieldError, showProblem } from "./problems.js";
import { watch } from "./jobs.js";
import { rememberPrompt } from "./recent-prompts.js";

// One Idempotency-Key per distinct request: sending the same thing again after a network error or
// a 503 reuses it, so the gateway answers with the jobs it may already have made instead of new ones.
let pending = { fingerprint: null, key: null };

/** The request's fields as the JSON form sends them; a multipart upload sends the same names as text. */
function fields() {
  const data = new FormData(form);
  const which = mode();
  const body = {
    prompt: data.get("prompt"),
    styleProfile: data.get("styleProfile"),
    enhance: data.get("enhance") === "on",
  };
  if (data.get("aspectRatio")) body.aspectRatio = data.get("aspectRatio");
  if (data.get("seed")) body.seed = Number(data.get("seed"));
  if (data.get("batch") === "on") body.priority = "batch";
  if (Number(data.get("n")) > 1) body.n = Number(data.get("n"));
  if (which === "video") {
    if (data.get("durationSeconds")) body.durationSeconds = Number(data.get("durationSeconds"));
    body.resolution = data.get("resolution");
  }
  return body;
}

async function preview() {
  clearErrors();
  const which = mode();
  const { prompt, styleProfile, enhance, aspectRatio } = fields();
  const body = { prompt, styleProfile, enhance, kind: which, sourceImage: which !== "image" && (which === "edit" || !!currentSource()) };
  if (aspectRatio) body.aspectRatio = aspectRatio;
  try {
    const answer = await api("POST", "/api/prompts/preview", body);
    const out = $("preview-out");
    out.textContent = `${answer.prompt}\n\n— ${answer.model} · ${answer.profile} · ${answer.encoderVersion}`;
    out.hidden = false;
  } catch (error) {
    showProblem(error);
  }
}

async function submit(event) {
  event.preventDefault();
  const button = $("submit");
  if (button.disabled) return;
  clearErrors();
  const which = mode();
  const body = fields();
  const source = currentSource();
  if (!body.prompt || !body.prompt.trim()) {
    fieldError("prompt", which === "edit" ? "Say what to change in the image." : "Describe what you want.");
    form.elements.prompt.focus();
    return;
  }
  if (which === "edit" && !source) {
    fieldError("image", "Choose the image to edit: one of yours, or upload one.");
    $("source-file").focus();
    return;
  }
  const uploading = which !== "image" && source && source.type === "file";
  let payload = body;
  if (uploading) {
    payload = new FormData();
    payload.append("image", source.file, source.file.name || "pasted.png");
    for (const [name, value] of Object.entries(body)) payload.append(name, String(value));
  } else if (which !== "image" && source) {
    payload = { ...body, sourceJobId: source.jobId };
  }
  const fingerprint = JSON.stringify([which, body, uploading ? [source.file.name, source.file.size, source.file.lastModified]
    : which !== "image" && source ? source.jobId : null]);
  if (pending.fingerprint !== fingerprint) pending = { fingerprint, key: randomKey() };

  button.disabled = true;
  button.textContent = uploading ? "Uploading…" : "Sending…";
  form.setAttribute("aria-busy", "true");
  try {
    const progress = (sent) => {
      button.textContent = sent < 1 ? `Uploading… ${Math.floor(sent * 100)}%` : "Checking the image…";
    };
    const answer = await api("POST", MODES[which].path, payload, { "Idempotency-Key": pending.key }, uploading ? progress : null);
    pending = { fingerprint: null, key: null };
    rememberPrompt(body.prompt);
    const jobs = Array.isArray(answer) ? answer : [answer];
    // each card goes on top: the last one first, so they read 1 of n, 2 of n, … downwards
    for (let i = jobs.length - 1; i >= 0; i--) {
      watch(jobs[i].jobId, { prompt: body.prompt, kind: which, index: i + 1, of: jobs.length, status: jobs[i].status });
    }
  } catch (error) {
    // a refused request (4xx other than 409/429) will not change by sending it again: forget its key
    if (error.status && error.status < 500 && error.status !== 409 && error.status !== 429) pending = { fingerprint: null, key: null };
    showProblem(error);
  } finally {
    button.disabled = false;
    button.textContent = MODES[mode()].submit;
    form.removeAttribute("aria-busy");
  }
}

export function wireGenerate() {
  $("preview").addEventListener("click", preview);
  form.addEventListener("submit", submit);
}
