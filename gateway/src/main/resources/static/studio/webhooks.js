// The webhooks section of the settings (/settings/webhooks): the user's endpoints on /api/webhooks, a new endpoint's or
// a rotated secret shown once, a test, on/off, delete, and each endpoint's delivery log with redelivery. The header links
// here when the dispatcher stopped sending to an endpoint.
// What it says lives in webhook-rules.js (tested without a page).
import { $, el } from "./dom.js";
import { api } from "./api.js";
import { clearFormFieldProblem, clearFormProblem, showFormProblem } from "./problems.js";
import { EVENT_CHOICES, deliveryRow, disabledWarning, eventsText, webhooksButton } from "./webhook-rules.js";

const DELIVERIES_SHOWN = 20;
const newForm = () => $("hook-new");

export function wireWebhooks() {
  const events = $("hook-new-events");
  for (const choice of EVENT_CHOICES) {
    events.append(el("label", { class: "check" },
      el("input", { type: "checkbox", name: "events", value: choice.value, ...(choice.checked ? { checked: "" } : {}) }),
      ` ${choice.label} `, el("code", { class: "muted", text: choice.value })));
  }
  $("hook-secret-done").addEventListener("click", hideSecret);
  $("hook-secret-copy").addEventListener("click", copySecret);
  newForm().addEventListener("submit", addEndpoint);
  newForm().addEventListener("input", (event) => clearFormFieldProblem(event.target));
}

/** Leaving the section, or signed out (the session ended while it was open): a secret never waits on screen for the next person. */
export function closeWebhooks() {
  hideSecret();
}

/** At sign-in: the header's button says when the dispatcher stopped sending to an endpoint (a courtesy: quiet on error). */
export async function checkWebhooks() {
  try {
    markButton(await api("GET", "/api/webhooks"));
  } catch (unavailable) {
    markButton([]);
  }
}

/** The header's link to the webhooks section shows only when an endpoint was stopped ("Webhooks · 1 stopped"). */
function markButton(endpoints) {
  const link = $("open-webhooks");
  const says = webhooksButton(endpoints);
  link.textContent = says.text;
  link.title = says.title;
  link.classList.toggle("alarm", says.alarm);
  link.hidden = !says.alarm;
}

/** The settings' webhooks section is shown. */
export async function loadWebhooks() {
  await loadEndpoints();
}

async function loadEndpoints() {
  $("hooks-error").textContent = "";
  try {
    const endpoints = await api("GET", "/api/webhooks");
    markButton(endpoints);
    const list = $("hook-list");
    list.replaceChildren(...(endpoints.length ? endpoints.map(endpointCard)
      : [el("p", { class: "muted", text: "No endpoints yet. Add one below to be called when your jobs end." })]));
  } catch (error) {
    $("hooks-error").textContent = error.message;
  }
}

/** The API names the events list and its items (events, events[0]); a refused URL has no field: it is the URL's. */
function controlOf(field) {
  if (field.startsWith("events")) return $("hook-new-events");
  const node = newForm().elements[field];
  return node instanceof Element ? node : null;
}

async function addEndpoint(event) {
  event.preventDefault();
  const form = newForm();
  const line = $("hook-new-error");
  clearFormProblem(form, line);
  const events = [...form.elements.events].filter((box) => box.checked).map((box) => box.value);
  const description = form.elements.description.value.trim();
  const body = { url: form.elements.url.value.trim(), events, ...(description ? { description } : {}) };
  $("hook-add").disabled = true;
  try {
    const created = await api("POST", "/api/webhooks", body);
    showSecret(`Signing secret of ${created.url}`, created.secret);
    form.elements.url.value = "";
    form.elements.description.value = "";
    await loadEndpoints();
  } catch (error) {
    if (error.type === "webhook-url-refused") error.errors = [{ field: "url", message: error.message }];
    showFormProblem(form, line, error, controlOf);
  } finally {
    $("hook-add").disabled = false;
  }
}

function showSecret(title, secret) {
  $("hook-secret-title").textContent = title;
  $("hook-secret-value").textContent = secret;
  $("hook-secret-copied").textContent = "";
  $("hook-secret").hidden = false;
  $("hook-secret-copy").focus();
}

function hideSecret() {
  $("hook-secret-value").textContent = "";
  $("hook-secret").hidden = true;
}

async function copySecret() {
  const secret = $("hook-secret-value").textContent;
  try {
    await navigator.clipboard.writeText(secret);
    $("hook-secret-copied").textContent = "Copied.";
  } catch (noClipboard) { // plain http on a LAN has no clipboard API: select it for Ctrl+C instead
    getSelection().selectAllChildren($("hook-secret-value"));
    $("hook-secret-copied").textContent = "Selected: press Ctrl+C (⌘C) to copy.";
  }
}

function endpointCard(endpoint) {
  const warning = disabledWarning(endpoint);
  const note = el("p", { class: "muted", role: "status" });
  const problem = el("p", { class: "error", role: "alert" });
  const deliveries = el("div", { class: "deliveries", hidden: "" });
  const id = encodeURIComponent(endpoint.id);

  /** Runs an action; its problem shows on this endpoint's card, and the list reloads when it changed something. */
  const act = (button, work, reload = true) => async () => {
    problem.textContent = "";
    button.disabled = true;
    try {
      await work();
      if (reload) await loadEndpoints();
    } catch (error) {
      problem.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  };

  const test = el("button", { type: "button", class: "secondary", text: "Send a test" });
  test.addEventListener("click", act(test, async () => {
    await api("POST", `/api/webhooks/${id}/test`);
    problem.textContent = "";
    note.textContent = "A webhook.test event is on its way: see the deliveries.";
    if (!deliveries.hidden) await showDeliveries(endpoint, deliveries);
  }, false));

  const toggle = el("button", { type: "button", class: "secondary", text: endpoint.enabled ? "Disable" : "Enable" });
  toggle.addEventListener("click", act(toggle, () => api("PATCH", `/api/webhooks/${id}`, { enabled: !endpoint.enabled })));

  const rotate = el("button", { type: "button", class: "secondary", text: "Rotate secret" });
  rotate.addEventListener("click", act(rotate, async () => {
    if (!confirm("Make a new signing secret? The old one keeps signing for 24 hours, beside the new one.")) return;
    const rotated = await api("POST", `/api/webhooks/${id}/rotate`);
    showSecret(`New signing secret of ${endpoint.url}`, rotated.secret);
  }));

  const log = el("button", { type: "button", class: "secondary", text: "Deliveries", "aria-expanded": "false" });
  log.addEventListener("click", act(log, async () => {
    const open = deliveries.hidden;
    log.setAttribute("aria-expanded", String(open));
    deliveries.hidden = !open;
    if (open) await showDeliveries(endpoint, deliveries);
  }, false));

  const remove = el("button", { type: "button", class: "secondary danger", text: "Delete" });
  remove.addEventListener("click", act(remove, async () => {
    if (!confirm(`Delete the endpoint ${endpoint.url}? Nothing more is sent to it and its delivery log goes with it.`)) return;
    await api("DELETE", `/api/webhooks/${id}`);
  }));

  return el("article", { class: "hook" + (warning && warning.alarm ? " alarm" : "") },
    el("div", { class: "hook-head" },
      el("span", { class: "hook-url", text: endpoint.url }),
      el("span", { class: "pill" + (endpoint.enabled ? " on" : " off"), text: endpoint.enabled ? "enabled" : "disabled" })),
    el("div", { class: "muted hook-facts", text: eventsText(endpoint.events) + (endpoint.description ? ` · ${endpoint.description}` : "") }),
    warning && el("p", { class: warning.alarm ? "hook-warning" : "muted", text: warning.text }),
    el("div", { class: "hook-actions" }, test, toggle, rotate, log, remove),
    note, problem, deliveries);
}

async function showDeliveries(endpoint, into) {
  into.replaceChildren(el("p", { class: "muted", text: "Loading deliveries…" }));
  const id = encodeURIComponent(endpoint.id);
  const deliveries = await api("GET", `/api/webhooks/${id}/deliveries?limit=${DELIVERIES_SHOWN}`);
  if (!deliveries.length) {
    into.replaceChildren(el("p", { class: "muted", text: "Nothing delivered yet: send a test." }));
    return;
  }
  const now = Date.now();
  const refresh = el("button", { type: "button", class: "link", text: "Refresh" });
  refresh.addEventListener("click", () => showDeliveries(endpoint, into).catch((error) => {
    into.replaceChildren(el("p", { class: "error", role: "alert", text: error.message }));
  }));
  into.replaceChildren(el("div", { class: "deliveries-head" },
      el("h3", { text: `Recent deliveries (newest first, up to ${DELIVERIES_SHOWN})` }), refresh),
    ...deliveries.map((delivery) => deliveryLine(endpoint, delivery, now, into)));
}

function deliveryLine(endpoint, delivery, now, list) {
  const row = deliveryRow(delivery, now);
  const problem = el("span", { class: "field-error", role: "alert" });
  const again = el("button", { type: "button", class: "secondary small", text: "Redeliver" });
  again.addEventListener("click", async () => {
    again.disabled = true;
    problem.textContent = "";
    try {
      await api("POST", `/api/webhooks/${encodeURIComponent(endpoint.id)}/deliveries/${encodeURIComponent(delivery.id)}/redeliver`);
      await showDeliveries(endpoint, list);
    } catch (error) {
      problem.textContent = error.message;
      again.disabled = false;
    }
  });
  const fact = (label, value) => el("span", { class: "fact" }, el("span", { class: "muted", text: `${label} ` }), value);
  return el("div", { class: "delivery" + (row.bad ? " bad" : "") },
    el("div", { class: "delivery-facts" },
      el("strong", { text: row.event }),
      el("span", { class: "state", text: row.state }),
      fact("status", row.status), fact("attempts", row.attempts), fact("latency", row.latency),
      el("span", { class: "muted", title: delivery.lastAttemptAt || delivery.createdAt, text: row.when }),
      again),
    row.excerpt && el("code", { class: "excerpt", text: row.excerpt }),
    problem);
}
