// The DESAYRE studio: a thin client of the public API. The session is an HTTP-only cookie set by
// /api/auth/login; state-changing calls echo the XSRF-TOKEN cookie (when the gateway sets one) as
// X-XSRF-TOKEN. User text is only ever placed with textContent, never parsed as HTML.
"use strict";

const STEPS = ["QUEUED", "ENCODED", "SUBMITTED", "PROCESSING", "STORING", "COMPLETED"];
const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED"]);
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

/** Calls the API; a problem+json answer becomes an Error carrying the API's own sentence. */
async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const xsrf = cookie("XSRF-TOKEN");
  if (xsrf && method !== "GET") headers["X-XSRF-TOKEN"] = xsrf;
  const response = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && path !== "/api/auth/login") {
    showSignIn();
    throw new Error("Your session has ended. Please sign in again.");
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const fields = data && data.errors ? data.errors.map((e) => e.message).join(" ") : "";
    const error = new Error((data && data.detail) || `The studio answered ${response.status}.`);
    error.fields = fields;
    throw error;
  }
  return data;
}

// ---- sign-in ------------------------------------------------------------------------------

function showSignIn() {
  $("studio").hidden = true;
  $("who").hidden = true;
  $("sign-in").hidden = false;
}

async function showStudio(user) {
  $("sign-in").hidden = true;
  $("studio").hidden = false;
  $("who").hidden = false;
  $("who-name").textContent = `${user.username} · ${user.role}`;
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
    $("sign-in-error").textContent = error.message;
  }
});

$("sign-out").addEventListener("click", async () => {
  try { await api("POST", "/api/auth/logout"); } catch (ignored) { /* signing out anyway */ }
  showSignIn();
});

// ---- create -------------------------------------------------------------------------------

async function loadProfiles() {
  const select = $("profiles");
  select.replaceChildren();
  for (const profile of await api("GET", "/api/prompts/profiles")) {
    const option = el("option", { value: profile.name, text: profile.name, title: profile.description });
    if (profile.isDefault) option.selected = true;
    select.append(option);
  }
}

function request() {
  const form = new FormData($("create"));
  const body = {
    prompt: form.get("prompt"),
    aspectRatio: form.get("aspectRatio"),
    styleProfile: form.get("styleProfile"),
    enhance: form.get("enhance") === "on",
  };
  if (form.get("seed")) body.seed = Number(form.get("seed"));
  return { body, batch: form.get("batch") === "on" };
}

$("preview").addEventListener("click", async () => {
  $("create-error").textContent = "";
  const { body } = request();
  delete body.seed;
  try {
    const preview = await api("POST", "/api/prompts/preview", body);
    const out = $("preview-out");
    out.textContent = `${preview.prompt}\n\n— ${preview.model} · ${preview.profile} · ${preview.encoderVersion}`;
    out.hidden = false;
  } catch (error) {
    $("create-error").textContent = `${error.message} ${error.fields || ""}`;
  }
});

$("create").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("create-error").textContent = "";
  const { body, batch } = request();
  if (batch) body.priority = "batch";
  const button = event.submitter;
  button.disabled = true;
  try {
    const job = await api("POST", "/api/generate/image", body);
    watch(job.jobId, body.prompt);
  } catch (error) {
    $("create-error").textContent = `${error.message} ${error.fields || ""}`;
  } finally {
    button.disabled = false;
  }
});

// ---- live jobs ----------------------------------------------------------------------------

/** Shows a job in progress and follows it over server-sent events until it ends. */
function watch(jobId, prompt) {
  $("nothing-running").hidden = true;
  const steps = el("div", { class: "steps" });
  const stepNodes = Object.fromEntries(STEPS.map((s) => [s, el("span", { class: "step", text: s.toLowerCase() })]));
  steps.append(...Object.values(stepNodes));
  const line = el("div", { class: "status-line", text: "Queued…" });
  const picture = el("div", { class: "ph" });
  const card = el("div", { class: "job" }, picture, el("div", {}, el("div", { class: "title", text: prompt }), steps, line));
  $("running").prepend(card);

  const events = new EventSource(`/api/jobs/${encodeURIComponent(jobId)}/events`);
  events.addEventListener("status", (message) => {
    const job = JSON.parse(message.data);
    const reached = STEPS.indexOf(job.status);
    STEPS.forEach((step, i) => stepNodes[step].classList.toggle("done", reached >= 0 && i <= reached));
    line.textContent = job.message || job.status.toLowerCase();
    line.classList.toggle("bad", job.status === "FAILED");
    if (job.status === "RETRYING" && job.retry) {
      line.textContent = `${job.message} (attempt ${job.retry.attempt} of ${job.retry.maxAttempts})`;
    }
    if (job.status === "FAILED") stepNodes.COMPLETED.classList.add("failed");
    if (job.status === "COMPLETED" && job.media && job.media.length) {
      const media = job.media[0];
      picture.replaceWith(el("img", { src: media.thumbnailUrl || media.url, alt: prompt }));
    }
    if (TERMINAL.has(job.status)) {
      events.close();
      setTimeout(() => { card.remove(); loadGallery(true); }, job.status === "COMPLETED" ? 1500 : 8000);
    }
  });
  events.onerror = () => { line.textContent = "Reconnecting…"; };
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
  for (const item of page.items) $("gallery").append(tile(item));
  if (fresh && page.items.length === 0) {
    $("gallery").append(el("p", { class: "muted", text: q ? "Nothing matches that search." : "Nothing yet: your first image is one prompt away." }));
  }
  nextCursor = page.nextCursor;
  $("more").hidden = !nextCursor;
}

function tile(item) {
  const caption = el("span", { class: "cap", text: item.prompt || "" });
  if (item.thumbnailUrl) {
    return el("button", { class: "tile", type: "button", onclick: () => details(item.jobId) },
      el("img", { src: item.thumbnailUrl, alt: item.prompt || "", loading: "lazy" }), caption);
  }
  const label = item.status === "COMPLETED" ? "no preview" : item.status.toLowerCase();
  return el("button", { class: "tile failed", type: "button", onclick: () => details(item.jobId) }, el("span", { text: label }), caption);
}

async function details(jobId) {
  const { job, timeline } = await api("GET", `/api/history/${encodeURIComponent(jobId)}`);
  const facts = el("dl");
  const fact = (name, value) => { if (value !== null && value !== undefined && value !== "") facts.append(el("dt", { text: name }), el("dd", { text: String(value) })); };
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
  fact("Took", job.durationMs !== null ? `${(job.durationMs / 1000).toFixed(1)} s` : null);
  const steps = el("ol", { class: "timeline" }, ...timeline.map((t) =>
    el("li", { text: `${new Date(t.at).toLocaleTimeString()} ${t.status.toLowerCase()} — ${t.message || t.stage || ""}` })));
  const media = job.media.length ? el("a", { href: job.media[0].url, target: "_blank", rel: "noopener" },
    el("img", { src: job.media[0].url, alt: job.prompt || "" })) : el("p", { class: "muted", text: "No media." });
  const remove = el("button", { class: "secondary", type: "button", text: "Delete", onclick: async () => {
    if (!confirm("Delete this generation and its files?")) return;
    await api("DELETE", `/api/history/${encodeURIComponent(jobId)}`);
    $("details").close();
    loadGallery(true);
  } });
  $("details-body").replaceChildren(el("div", { class: "detail" }, media, el("div", {}, facts, el("h2", { text: "Timeline" }), steps, remove)));
  $("details").showModal();
}

$("close-details").addEventListener("click", () => $("details").close());
$("more").addEventListener("click", () => loadGallery(false));
$("search").addEventListener("submit", (event) => { event.preventDefault(); loadGallery(true); });

// ---- start --------------------------------------------------------------------------------

(async () => {
  try {
    await showStudio(await api("GET", "/api/auth/me"));
  } catch (notSignedIn) {
    showSignIn();
  }
})();
