// The DESAYRE studio: a thin client of the public API. The session is an HTTP-only cookie set by
// /api/auth/login; state-changing calls echo the XSRF-TOKEN cookie (when the gateway sets one) as
// X-XSRF-TOKEN. User text is only ever placed with textContent, never parsed as HTML.
"use strict";

const STEPS = ["QUEUED", "ENCODED", "WAITING", "SUBMITTED", "PROCESSING", "STORING", "COMPLETED"];
const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED"]);
// what the models accept (the gateway checks again): Nano Banana's ratios; Grok's for edits and videos
const IMAGE_RATIOS = ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "4:5", "5:4", "21:9"];
const GROK_RATIOS = ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"];
// the gateway's default upload limits (desayre.uploads.*): checked here only to answer sooner
const UPLOAD = { maxBytes: 20 * 1024 * 1024, minSide: 64, maxSide: 4096, maxPixels: 4096 * 4096 };
const MODES = {
  image: { path: "/api/generate/image", submit: "Generate", label: "What should DESAYRE make?",
    placeholder: "a lighthouse at dusk, waves breaking on the rocks" },
  edit: { path: "/api/generate/edit", submit: "Edit image", label: "What should change?",
    placeholder: "make it night: warm light in every window, stars over the sea" },
  video: { path: "/api/generate/video", submit: "Make video", label: "What should happen?",
    placeholder: "the camera slowly pushes in as the waves break against the rocks" },
};
const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function cookie(name) {
  const match = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : null;
}

/**
 * Calls the API. A body that is FormData goes as multipart (the browser writes the Content-Type
 * with its boundary); anything else as JSON. A problem+json answer becomes an Error carrying the
 * API's own sentence, its field errors, its type and, on 429/503, how many seconds to wait.
 * With onUpload, a multipart body reports its progress (fraction sent) while it uploads.
 */
async function api(method, path, body, extraHeaders = {}, onUpload = null) {
  const headers = { Accept: "application/json", ...extraHeaders };
  const multipart = body instanceof FormData;
  if (body !== undefined && !multipart) headers["Content-Type"] = "application/json";
  const xsrf = cookie("XSRF-TOKEN");
  if (xsrf && method !== "GET") headers["X-XSRF-TOKEN"] = xsrf;
  let response;
  try {
    response = multipart && onUpload ? await upload(method, path, headers, body, onUpload)
      : await fetch(path, { method, headers, credentials: "same-origin",
        body: body === undefined ? undefined : multipart ? body : JSON.stringify(body) });
  } catch (offline) {
    throw new Error("The studio could not be reached. Check the connection and try again.");
  }
  if (response.status === 401 && path !== "/api/auth/login") {
    showSignIn();
    throw new Error("Your session has ended. Please sign in again.");
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (notJson) { /* e.g. a proxy's HTML error page */ }
  if (!response.ok) {
    const error = new Error((data && data.detail) || `The studio answered ${response.status}.`);
    error.status = response.status;
    error.type = data && typeof data.type === "string" ? data.type.replace(/^.*\/problems\//, "") : null;
    error.errors = data && Array.isArray(data.errors) ? data.errors : [];
    error.retryAfter = retryAfterSeconds(response.headers.get("Retry-After"));
    throw error;
  }
  return data;
}

/** fetch cannot report upload progress; XMLHttpRequest can. Answers a fetch Response all the same. */
function upload(method, path, headers, body, onUpload) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => { if (event.lengthComputable) onUpload(event.loaded / event.total); };
    xhr.onload = () => {
      const answered = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/\r?\n/)) {
        const at = line.indexOf(":");
        if (at > 0) answered.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      resolve(new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status, headers: answered }));
    };
    xhr.onerror = xhr.onabort = xhr.ontimeout = () => reject(new TypeError("upload failed"));
    xhr.send(body);
  });
}

/** Retry-After is either seconds or an HTTP date. */
function retryAfterSeconds(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** A random key that also works outside secure contexts (plain http on a LAN has no crypto.randomUUID). */
function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// ---- sign-in ------------------------------------------------------------------------------

function showSignIn() {
  $("studio").hidden = true;
  $("who").hidden = true;
  $("sign-in").hidden = false;
  closeStream();
}

async function showStudio(user) {
  $("sign-in").hidden = true;
  $("studio").hidden = false;
  $("who").hidden = false;
  $("who-name").textContent = `${user.username} · ${user.role}`;
  openStream();
  await loadProfiles();
  await loadGallery(true);
}

$("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  $("sign-in-error").textContent = "";
  try {
    const session = await api("POST", "/api/auth/login", {
      username: form.get("username"), password: form.get("password"),
    });
    event.target.reset();
    await showStudio(session.user);
  } catch (error) {
    // the sign-in limit's sentence already says how long to wait; Retry-After is the same figure
    $("sign-in-error").textContent = error.message;
  }
});

$("sign-out").addEventListener("click", async () => {
  try { await api("POST", "/api/auth/logout"); } catch (ignored) { /* signing out anyway */ }
  showSignIn();
  for (const card of $("running").querySelectorAll(".job")) card.remove();
  watchers.clear();
  started.clear();
  setSource(null); // the next person to sign in here must not send this one's image
  $("nothing-running").hidden = false;
});

// ---- create: mode, options ----------------------------------------------------------------

async function loadProfiles() {
  const select = $("profiles");
  select.replaceChildren();
  for (const profile of await api("GET", "/api/prompts/profiles")) {
    const option = el("option", { value: profile.name, text: profile.name, title: profile.description });
    if (profile.isDefault) option.selected = true;
    select.append(option);
  }
}

const form = $("create");
let aspectTouched = false; // once the user picks an aspect, a new source image no longer changes it

function mode() {
  return form.elements.mode.value;
}

/** Shows what the mode needs: the source picker for edits and videos, the video options, the right ratios. */
function setMode(next) {
  form.elements.mode.value = next;
  const spec = MODES[next];
  $("prompt-label").textContent = spec.label;
  form.elements.prompt.placeholder = spec.placeholder;
  $("submit").textContent = spec.submit;
  $("source").hidden = next === "image";
  $("source-optional").hidden = next !== "video";
  for (const node of form.querySelectorAll("[data-only]")) node.hidden = node.dataset.only !== next;
  fillRatios(next);
  $("preview-out").hidden = true;
  clearErrors();
}

function fillRatios(which) {
  const select = $("aspect");
  const was = select.value;
  const ratios = which === "image" ? IMAGE_RATIOS : GROK_RATIOS;
  const options = ratios.map((r) => el("option", { value: r, text: r }));
  if (which === "edit") options.unshift(el("option", { value: "", text: "Keep the source's shape" }));
  select.replaceChildren(...options);
  const fallback = which === "video" ? (source ? closestRatio(source.width, source.height) : "16:9") : which === "edit" ? "" : "1:1";
  select.value = aspectTouched && [...select.options].some((o) => o.value === was) ? was : fallback;
}

/** The supported ratio nearest an image's shape, as the gateway picks it for edits. */
function closestRatio(width, height) {
  if (!width || !height) return "16:9";
  const target = Math.log(width / height);
  let best = GROK_RATIOS[0];
  for (const ratio of GROK_RATIOS) {
    const [w, h] = ratio.split(":").map(Number);
    const [bw, bh] = best.split(":").map(Number);
    if (Math.abs(Math.log(w / h) - target) < Math.abs(Math.log(bw / bh) - target)) best = ratio;
  }
  return best;
}

for (const radio of form.elements.mode) radio.addEventListener("change", () => setMode(radio.value));
$("aspect").addEventListener("change", () => { aspectTouched = true; });

// ---- create: the source image -------------------------------------------------------------

/** null, {type: "job", jobId, …} (one of the user's images) or {type: "file", file, …} (an upload). */
let source = null;

function setSource(next) {
  if (source && source.objectUrl) URL.revokeObjectURL(source.objectUrl);
  source = next;
  $("source-chosen").hidden = !next;
  clearFieldError("image");
  if (next) {
    $("source-thumb").src = next.thumbUrl;
    $("source-thumb").alt = next.type === "file" ? `Upload: ${next.file.name}` : `Your image: ${next.prompt || next.jobId}`;
    $("source-name").textContent = next.type === "file" ? next.file.name : (next.prompt || "One of your images");
    const size = next.width ? `${next.width}×${next.height}` : "";
    $("source-meta").textContent = next.type === "file"
      ? `Upload · ${size} · ${formatBytes(next.file.size)}` : `From your gallery${size ? " · " + size : ""}`;
    if (mode() === "video" && !aspectTouched) $("aspect").value = closestRatio(next.width, next.height);
  } else {
    $("source-thumb").removeAttribute("src");
  }
  $("source-file").value = "";
}

function formatBytes(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** The format named by a file's first bytes (as the gateway decides it), or null. */
function sniff(b) {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "PNG";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "JPEG";
  if (b.length >= 12 && String.fromCharCode(...b.slice(0, 4)) === "RIFF" && String.fromCharCode(...b.slice(8, 12)) === "WEBP") return "WebP";
  return null;
}

/** Checks a chosen file as the gateway will (type by content, size, sides), so a bad one is refused before it is sent. */
async function useFile(file) {
  if (!file) return;
  if (mode() === "image") setMode("edit");
  clearFieldError("image"); // the last file's complaint is not this one's
  const name = file.name || "The pasted image";
  if (file.size > UPLOAD.maxBytes) {
    return fieldError("image", `${name} is ${formatBytes(file.size)}; an upload may be at most ${formatBytes(UPLOAD.maxBytes)}. Export a smaller or more compressed file.`);
  }
  if (file.size === 0) return fieldError("image", `${name} is empty.`);
  const format = sniff(new Uint8Array(await file.slice(0, 12).arrayBuffer()));
  if (!format) {
    const said = file.type && !/^image\/(png|jpeg|webp)$/.test(file.type) ? ` (it is ${file.type})` : ", whatever its name says";
    return fieldError("image", `${name} is not a PNG, JPEG or WebP image${said}.`);
  }
  const objectUrl = URL.createObjectURL(file);
  const probe = new Image();
  probe.src = objectUrl;
  try {
    await probe.decode();
  } catch (unreadable) {
    URL.revokeObjectURL(objectUrl);
    return fieldError("image", `${name} could not be read as a ${format}; it may be damaged. Export it again.`);
  }
  const width = probe.naturalWidth;
  const height = probe.naturalHeight;
  if (width < UPLOAD.minSide || height < UPLOAD.minSide || width > UPLOAD.maxSide || height > UPLOAD.maxSide
      || width * height > UPLOAD.maxPixels) {
    URL.revokeObjectURL(objectUrl);
    return fieldError("image", `${name} is ${width}×${height} pixels; each side must be ${UPLOAD.minSide} to ${UPLOAD.maxSide} pixels. Resize it and try again.`);
  }
  setSource({ type: "file", file, width, height, thumbUrl: objectUrl, objectUrl });
}

/** Uses one of the user's finished images (a history item) as the source. */
function useJob(item) {
  const media = (item.media || []).find((m) => (m.mimeType || "").startsWith("image/")) || {};
  setSource({ type: "job", jobId: item.jobId, prompt: item.prompt, width: media.width, height: media.height,
    thumbUrl: item.thumbnailUrl || media.thumbnailUrl || media.url });
}

/** "Edit" or "Animate" on a finished image: the form switches mode, takes the image and waits for words. */
function startFrom(item, next) {
  setMode(next);
  useJob(item);
  if ($("details").open) $("details").close();
  form.scrollIntoView({ behavior: "smooth", block: "start" });
  form.elements.prompt.focus({ preventScroll: true });
}

$("source-file").addEventListener("change", (event) => useFile(event.target.files[0]));
$("source-clear").addEventListener("click", () => { setSource(null); $("source-file").focus(); });

// dropping an image anywhere on the form takes it (and switches Image to Edit); elsewhere it must not navigate away
const drop = $("drop");
const hasFiles = (event) => event.dataTransfer && [...event.dataTransfer.types].includes("Files");
form.addEventListener("dragover", (event) => {
  if (!hasFiles(event)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = "copy";
  drop.classList.add("over");
});
form.addEventListener("dragleave", (event) => { if (!form.contains(event.relatedTarget)) drop.classList.remove("over"); });
form.addEventListener("drop", (event) => {
  if (!hasFiles(event)) return;
  event.preventDefault();
  drop.classList.remove("over");
  useFile(event.dataTransfer.files[0]);
});
window.addEventListener("dragover", (event) => { if (hasFiles(event)) event.preventDefault(); });
window.addEventListener("drop", (event) => { if (hasFiles(event)) event.preventDefault(); });
document.addEventListener("paste", (event) => {
  if ($("studio").hidden || document.querySelector("dialog[open]")) return;
  const file = [...(event.clipboardData ? event.clipboardData.files : [])].find((f) => f.type.startsWith("image/"));
  if (!file) return;
  event.preventDefault();
  useFile(file);
});

// ---- create: the picker of the user's own images ------------------------------------------

let pickerCursor = null;

async function loadPicker(fresh) {
  const params = new URLSearchParams({ status: "COMPLETED", limit: "24" });
  if (!fresh && pickerCursor) params.set("cursor", pickerCursor);
  const grid = $("picker-grid");
  if (fresh) grid.replaceChildren(el("p", { class: "muted", text: "Loading your images…" }));
  try {
    const page = await api("GET", `/api/history?${params}`);
    if (fresh) grid.replaceChildren();
    for (const item of page.items) {
      if (item.kind === "VIDEO" || !item.thumbnailUrl) continue;
      grid.append(el("div", { class: "tile" }, el("button", {
        class: "open", type: "button", "aria-label": `Use: ${item.prompt || item.jobId}`,
        onclick: () => { useJob(item); $("picker").close(); form.elements.prompt.focus(); },
      }, el("img", { src: item.thumbnailUrl, alt: "", loading: "lazy" }), el("span", { class: "cap", text: item.prompt || "" }))));
    }
    if (!grid.querySelector(".tile") && !page.nextCursor) {
      grid.replaceChildren(el("p", { class: "muted", text: "No finished images yet. Generate one, or upload a file instead." }));
    }
    pickerCursor = page.nextCursor;
    $("picker-more").hidden = !pickerCursor;
  } catch (error) {
    grid.replaceChildren(el("p", { class: "error", text: error.message }));
  }
}

$("pick-mine").addEventListener("click", () => {
  $("picker").showModal();
  loadPicker(true);
});
$("picker-more").addEventListener("click", () => loadPicker(false));
$("close-picker").addEventListener("click", () => $("picker").close());

// ---- create: errors -----------------------------------------------------------------------

/** The control each request field belongs to; the upload and the source job share the source picker. */
function control(field) {
  if (field === "image" || field === "sourceJobId") return $("source");
  if (field === "priority") return form.elements.batch;
  const node = form.elements[field];
  return node instanceof Element ? node : null;
}

function fieldError(field, message) {
  const node = control(field);
  if (!node) return false;
  node.setAttribute("aria-invalid", "true");
  if (node === $("source")) {
    $("source-error").textContent = message;
    return true;
  }
  const id = `error-${field}`;
  let note = document.getElementById(id);
  if (!note) {
    note = el("span", { class: "field-error", id });
    (node.closest("label") || node.parentElement).append(note);
  }
  note.textContent = message;
  node.setAttribute("aria-describedby", id);
  return true;
}

function clearFieldError(field) {
  const node = control(field);
  if (!node) return;
  node.removeAttribute("aria-invalid");
  if (node === $("source")) { $("source-error").textContent = ""; return; }
  const note = document.getElementById(`error-${field}`);
  if (note) note.remove();
  node.removeAttribute("aria-describedby");
}

function clearErrors() {
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  for (const note of form.querySelectorAll("span.field-error")) note.remove();
  $("source-error").textContent = "";
  $("create-error").textContent = "";
  stopCountdown();
}

form.addEventListener("input", (event) => { if (event.target.name) clearFieldError(event.target.name); });

const UPLOAD_PROBLEMS = new Set(["upload-too-large", "unsupported-upload", "upload-dimensions", "unreadable-upload"]);
let countdown = null;

function stopCountdown() {
  if (countdown) clearInterval(countdown);
  countdown = null;
}

/** "in 40 s", "in 3 min", or for long waits (a daily quota) the local time it ends. */
function waitText(seconds, until) {
  if (seconds < 90) return `in ${seconds} s`;
  if (seconds < 3600) return `in ${Math.ceil(seconds / 60)} min`;
  return `at ${new Date(until).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" })}`;
}

/** Puts a problem where it belongs: each named field beside its control, the rest (and when to retry) under the form. */
function showProblem(error) {
  let placed = 0;
  for (const { field, message } of error.errors || []) if (fieldError(field, message)) placed++;
  if (UPLOAD_PROBLEMS.has(error.type) && fieldError("image", error.message)) placed++;
  const unplaced = (error.errors || []).length - placed;
  let sentence = error.message;
  if (placed && !UPLOAD_PROBLEMS.has(error.type)) {
    sentence = unplaced > 0 ? error.message : placed === 1 ? "Fix the marked field and try again." : `Fix the ${placed} marked fields and try again.`;
  } else if (UPLOAD_PROBLEMS.has(error.type)) {
    sentence = "";
  }
  if (error.type === "request-exceeds-limits" && Number(form.elements.n.value) > 1) {
    fieldError("n", "More than your allowance holds at once: ask for fewer.");
  }
  const line = $("create-error");
  line.textContent = sentence;
  if (error.retryAfter) {
    const until = Date.now() + error.retryAfter * 1000;
    const tick = () => {
      const left = Math.ceil((until - Date.now()) / 1000);
      line.textContent = left > 0 ? `${sentence} You can try again ${waitText(left, until)}.` : `${sentence} You can try again now.`;
      if (left <= 0) stopCountdown();
    };
    stopCountdown();
    tick();
    countdown = setInterval(tick, 1000);
  }
  const first = form.querySelector("[aria-invalid='true']");
  if (first) (first === $("source") ? $("source-file") : first).focus();
}

// ---- create: preview and submit -----------------------------------------------------------

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

$("preview").addEventListener("click", async () => {
  clearErrors();
  const which = mode();
  const { prompt, styleProfile, enhance, aspectRatio } = fields();
  const body = { prompt, styleProfile, enhance, kind: which, sourceImage: which !== "image" && (which === "edit" || !!source) };
  if (aspectRatio) body.aspectRatio = aspectRatio;
  try {
    const preview = await api("POST", "/api/prompts/preview", body);
    const out = $("preview-out");
    out.textContent = `${preview.prompt}\n\n— ${preview.model} · ${preview.profile} · ${preview.encoderVersion}`;
    out.hidden = false;
  } catch (error) {
    showProblem(error);
  }
});

// One Idempotency-Key per distinct request: sending the same thing again after a network error or
// a 503 reuses it, so the gateway answers with the jobs it may already have made instead of new ones.
let pending = { fingerprint: null, key: null };

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = $("submit");
  if (button.disabled) return;
  clearErrors();
  const which = mode();
  const body = fields();
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
});

// ---- live jobs: one event stream for all of them ------------------------------------------

// One EventSource per job would soon use up the browser's six connections to this host (four
// jobs at once plus the page's own requests); GET /api/events carries every job of the user.
const watchers = new Map(); // jobId -> update(job)
const started = new Map();  // jobId -> {prompt, kind}: jobs this page followed, shown in the gallery before history has them
const latest = new Map();   // jobId -> the newest status seen, also for jobs not (yet) watched
let stream = null;
let reopen = null;

function openStream() {
  if (stream) return;
  stream = new EventSource("/api/events");
  stream.addEventListener("status", (message) => deliver(JSON.parse(message.data)));
  // the server ends the stream when the session it was opened with ends (signed out elsewhere, password
  // changed, account disabled, role changed): ask who we are now; a 401 shows the sign-in (api() does that)
  stream.addEventListener("signed-out", () => {
    closeStream();
    api("GET", "/api/auth/me").then(() => { if (!$("studio").hidden) openStream(); },
      () => { if (!$("studio").hidden) reopen = setTimeout(openStream, 5000); });
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
      reopen = setTimeout(() => { if (!$("studio").hidden) openStream(); }, 5000);
    }
  };
}

function closeStream() {
  clearTimeout(reopen);
  if (stream) stream.close();
  stream = null;
}

/** Applies a status unless a newer one was already seen (a fetched status may arrive after the stream's). */
function deliver(job) {
  const seen = latest.get(job.jobId);
  if (seen && TERMINAL.has(seen.status)) return; // an ended job's status is final
  if (seen && Date.parse(seen.updatedAt) > Date.parse(job.updatedAt)) return;
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

function statusText(job) {
  if (job.status === "RETRYING" && job.retry) return `${job.message || "Retrying"} (attempt ${job.retry.attempt} of ${job.retry.maxAttempts})`;
  if (job.status === "WAITING" && job.queue) return placeInLine(job.queue);
  // the worker's sentence already says how far along it is; the card draws the figure as a bar
  return job.message || job.status.toLowerCase();
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

let galleryRefresh = null;
function refreshGallerySoon() {
  // four jobs of one request finish within moments of each other: load the gallery once for them
  clearTimeout(galleryRefresh);
  galleryRefresh = setTimeout(() => loadGallery(true).catch(() => {}), 700);
}

const KIND_NAMES = { image: "Image", edit: "Edit", video: "Video", IMAGE: "Image", EDIT: "Edit", VIDEO: "Video" };

/** Shows a job in progress and follows it until it ends. */
function watch(jobId, { prompt, kind, index = 1, of = 1, status }) {
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
  if (!document.querySelector(`#gallery .tile[data-job="${CSS.escape(jobId)}"]`)) placeholder(started.get(jobId));

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
      const media = job.media[0];
      const thumb = media.thumbnailUrl || ((media.mimeType || "").startsWith("image/") ? media.url : null);
      if (thumb) picture.replaceWith(el("img", { src: thumb, alt: prompt || "" }));
    }
    if (TERMINAL.has(job.status)) {
      const which = `${KIND_NAMES[kind] || "Job"}${of > 1 ? ` ${index} of ${of}` : ""}`;
      $("announce").textContent = job.status === "COMPLETED" ? `${which} is ready: ${prompt}`
        : `${which} ${job.status.toLowerCase()}: ${job.message || ""}`;
      watchers.delete(jobId);
      setTimeout(() => started.delete(jobId), 60000);
      cancel.remove();
      refreshGallerySoon();
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

// ---- gallery ------------------------------------------------------------------------------

let nextCursor = null;

async function loadGallery(fresh) {
  const q = new FormData($("search")).get("q");
  const params = new URLSearchParams({ limit: "24" });
  if (q) params.set("q", q);
  if (!fresh && nextCursor) params.set("cursor", nextCursor);
  const page = await api("GET", `/api/history?${params}`);
  if (fresh) $("gallery").replaceChildren();
  for (const item of page.items) {
    $("gallery").append(tile(item));
    // a job still running (e.g. started before this page was loaded) is followed too
    if (!TERMINAL.has(item.status) && !watchers.has(item.jobId) && !TERMINAL.has((latest.get(item.jobId) || {}).status)) {
      watch(item.jobId, { prompt: item.prompt, kind: item.kind, status: item.status });
    }
  }
  if (fresh && !q) {
    // jobs just started (or just finished) that history does not list yet still belong at its head
    const listed = new Set(page.items.map((item) => item.jobId));
    for (const [jobId, known] of started) if (!listed.has(jobId)) placeholder(known);
  }
  if (fresh && page.items.length === 0 && !$("gallery").querySelector(".tile")) {
    $("gallery").append(el("p", { class: "muted", text: q ? "Nothing matches that search." : "Nothing yet: your first image is one prompt away." }));
  }
  nextCursor = page.nextCursor;
  $("more").hidden = !nextCursor;
}

/** A gallery tile for a job history does not list yet: its live status, or its picture once done. */
function placeholder(known) {
  const job = latest.get(known.jobId) || {};
  const media = (job.media || [])[0];
  const item = { ...known, status: job.status || known.status, media: job.media || [],
    thumbnailUrl: media ? media.thumbnailUrl || ((media.mimeType || "").startsWith("image/") ? media.url : null) : null };
  const empty = $("gallery").querySelector(":scope > p");
  if (empty) empty.remove();
  $("gallery").prepend(tile(item));
}

const usableSource = (item) => item.status === "COMPLETED" && item.kind !== "VIDEO"
  && (item.media || []).some((m) => (m.mimeType || "").startsWith("image/"));

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
    const label = item.status === "COMPLETED" ? "no preview" : (latest.get(item.jobId) ? statusText(latest.get(item.jobId)) : item.status.toLowerCase());
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

async function details(jobId) {
  const { job, timeline } = await api("GET", `/api/history/${encodeURIComponent(jobId)}`);
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
          ? `${error.message} (try again ${waitText(error.retryAfter, Date.now() + error.retryAfter * 1000)})` : error.message;
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
    $("details").close();
    loadGallery(true);
  } }));
  $("details-body").replaceChildren(el("div", { class: "detail" }, media,
    el("div", {}, facts, actions, problem, el("h2", { text: "Timeline" }), steps)));
  $("details").showModal();
}

$("close-details").addEventListener("click", () => $("details").close());
$("more").addEventListener("click", () => loadGallery(false));
$("search").addEventListener("submit", (event) => { event.preventDefault(); loadGallery(true); });

// ---- start --------------------------------------------------------------------------------

setMode(mode());
(async () => {
  try {
    await showStudio(await api("GET", "/api/auth/me"));
  } catch (notSignedIn) {
    showSignIn();
  }
})();
