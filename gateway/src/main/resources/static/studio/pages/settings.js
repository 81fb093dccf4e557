// /settings: one section per URL (settings-rules.js SECTIONS): general (theme, the create form's defaults,
// notifications), password, sessions, API keys, webhooks (webhooks.js), limits and usage.
import { $, el } from "../dom.js";
import { api } from "../api.js";
import { navigate, registerPage } from "../router.js";
import { clearFormFieldProblem, clearFormProblem, showFormProblem } from "../problems.js";
import { applyTheme } from "../theme.js";
import { preferences, savePreferences } from "../preferences.js";
import { applyDefaults, IMAGE_RATIOS } from "../modes.js";
import { askPermission, canNotify } from "../notify.js";
import { closeWebhooks, loadWebhooks } from "../webhooks.js";
import { SECTIONS, deviceOf, limitRows, relativeTime, sectionOf, usageSummary } from "../settings-rules.js";

const LOADERS = { general: loadGeneral, password: loadPassword, sessions: loadSessions, keys: loadKeys, webhooks: loadWebhooks,
  usage: loadUsage };

export function wireSettings() {
  $("settings-nav").replaceChildren(...SECTIONS.map((section) => el("a", { href: section.path, "data-section": section.name,
    text: section.title })));
  registerPage("settings", {
    title: "Settings",
    async enter({ rest, user }) {
      const section = sectionOf(rest);
      if (!section) { await navigate("/settings", { replace: true }); return; }
      show(section);
      $("settings-error").textContent = "";
      await LOADERS[section.name](user);
    },
    leave() { forgetSecrets(); },
  });
  const prefs = $("prefs");
  prefs.addEventListener("submit", saveGeneral);
  for (const radio of prefs.elements.theme) radio.addEventListener("change", () => saveTheme(radio.value));
  $("pref-notify").addEventListener("change", allowNotifications);
  $("password-form").addEventListener("submit", changePassword);
  $("password-form").addEventListener("input", (event) => clearFormFieldProblem(event.target));
  $("end-others").addEventListener("click", endOthers);
  $("key-new").addEventListener("submit", createKey);
  $("key-new").addEventListener("input", (event) => clearFormFieldProblem(event.target));
  $("key-secret-done").addEventListener("click", hideKeySecret);
  $("key-secret-copy").addEventListener("click", copyKeySecret);
}

function show(section) {
  for (const node of document.querySelectorAll("#page-settings .settings-section")) {
    node.hidden = node.id !== `settings-${section.name}`;
  }
  for (const link of $("settings-nav").querySelectorAll("a")) {
    if (link.dataset.section === section.name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = section.name === "general" ? "Settings · DESAYRE" : `${section.title} · Settings · DESAYRE`;
}

/** A secret never waits on screen for the next person: gone when the section or the page is left. */
function forgetSecrets() {
  hideKeySecret();
  closeWebhooks();
}

// ---- general: theme, defaults, notifications ----

async function loadGeneral() {
  const form = $("prefs");
  const saved = preferences();
  $("prefs-saved").textContent = "";
  $("prefs-error").textContent = "";
  form.elements.theme.value = saved.theme || "dark";
  const aspect = $("pref-aspect");
  aspect.replaceChildren(el("option", { value: "", text: "The studio's default (1:1)" }),
    ...IMAGE_RATIOS.map((ratio) => el("option", { value: ratio, text: ratio })));
  aspect.value = saved.aspectRatio || "";
  $("pref-lane").value = saved.lane || "";
  form.elements.enhance.checked = saved.enhance !== false;
  $("pref-notify").checked = saved.notifications === true;
  describeNotifications(saved.notifications === true);
  const profiles = $("pref-profile");
  try {
    const listed = await api("GET", "/api/prompts/profiles");
    profiles.replaceChildren(el("option", { value: "", text: "The studio's default" }),
      ...listed.map((profile) => el("option", { value: profile.name, text: profile.name, title: profile.description || "" })));
  } catch (error) {
    $("prefs-error").textContent = `The house styles could not be loaded: ${error.message}`;
  }
  profiles.value = saved.styleProfile && [...profiles.options].some((o) => o.value === saved.styleProfile) ? saved.styleProfile : "";
}

function describeNotifications(on) {
  const note = $("notify-note");
  if (!canNotify()) {
    note.textContent = "This browser cannot show notifications here (they need https, or localhost).";
    $("pref-notify").disabled = true;
    return;
  }
  const permission = Notification.permission;
  note.textContent = permission === "denied" ? "The browser blocks notifications from the studio: allow them in the site's settings, then tick this again."
    : on && permission === "granted" ? "On: a job that ends while you look elsewhere shows a notification; a click on it opens the item."
      : "";
}

/** Ticking the box asks the browser at once (a permission prompt must come from a click). */
async function allowNotifications(event) {
  if (!event.target.checked) { describeNotifications(false); return; }
  const permission = await askPermission();
  if (permission !== "granted") event.target.checked = false;
  describeNotifications(permission === "granted");
}

async function saveTheme(choice) {
  applyTheme(choice); // at once, and kept in this browser for the next first paint
  $("prefs-error").textContent = "";
  try {
    await savePreferences({ theme: choice });
    $("prefs-saved").textContent = "Theme saved.";
  } catch (error) {
    $("prefs-error").textContent = `The theme applies in this browser, but could not be saved to your account: ${error.message}`;
  }
}

async function saveGeneral(event) {
  event.preventDefault();
  const form = $("prefs");
  const line = $("prefs-error");
  clearFormProblem(form, line);
  $("prefs-saved").textContent = "";
  const value = (name) => form.elements[name].value || null;
  $("prefs-save").disabled = true;
  try {
    const saved = await savePreferences({
      theme: form.elements.theme.value || null,
      styleProfile: value("styleProfile"),
      aspectRatio: value("aspectRatio"),
      lane: value("lane"),
      enhance: form.elements.enhance.checked,
      notifications: $("pref-notify").checked,
    });
    applyDefaults(saved);
    $("prefs-saved").textContent = "Saved. The create form starts with these from now on.";
  } catch (error) {
    showFormProblem(form, line, error);
  } finally {
    $("prefs-save").disabled = false;
  }
}

// ---- password ----

function loadPassword(user) {
  const form = $("password-form");
  form.reset();
  form.elements.username.value = user.username; // for password managers: whose password this is
  $("password-done").textContent = "";
  clearFormProblem(form, $("password-error"));
}

async function changePassword(event) {
  event.preventDefault();
  const form = $("password-form");
  const line = $("password-error");
  clearFormProblem(form, line);
  $("password-done").textContent = "";
  $("password-save").disabled = true;
  try {
    await api("POST", "/api/auth/password", {
      currentPassword: form.elements.currentPassword.value, newPassword: form.elements.newPassword.value,
    });
    form.elements.currentPassword.value = "";
    form.elements.newPassword.value = "";
    $("password-done").textContent = "Password changed. Every other session is signed out; this one goes on.";
  } catch (error) {
    showFormProblem(form, line, error);
  } finally {
    $("password-save").disabled = false;
  }
}

// ---- sessions ----

async function loadSessions() {
  $("sessions-error").textContent = "";
  $("sessions-done").textContent = "";
  const list = $("session-list");
  try {
    const sessions = await api("GET", "/api/auth/sessions");
    const now = Date.now();
    list.replaceChildren(...sessions.map((session) => sessionRow(session, now)));
    $("end-others").hidden = !sessions.some((session) => !session.current);
  } catch (error) {
    list.replaceChildren();
    $("sessions-error").textContent = error.message;
  }
}

function sessionRow(session, now) {
  const device = deviceOf(session.userAgent);
  const facts = `signed in ${relativeTime(session.createdAt, now)} · last seen ${relativeTime(session.lastSeenAt, now)}`;
  const problem = el("span", { class: "field-error", role: "alert" });
  let action = el("span", { class: "pill on", text: "this session" });
  if (!session.current) {
    action = el("button", { type: "button", class: "secondary small", text: "Sign out", "aria-label": `Sign out ${device}, ${facts}` });
    action.addEventListener("click", async () => {
      action.disabled = true;
      try {
        await api("DELETE", `/api/auth/sessions/${encodeURIComponent(session.id)}`);
        await loadSessions();
        $("sessions-done").textContent = `${device} is signed out.`;
      } catch (error) {
        problem.textContent = error.message;
        action.disabled = false;
      }
    });
  }
  return el("div", { class: "row", title: session.userAgent || "" },
    el("div", { class: "row-main" }, el("strong", { text: device }), el("span", { class: "muted", text: facts })),
    action, problem);
}

async function endOthers() {
  $("sessions-error").textContent = "";
  if (!confirm("Sign out every other browser and program signed in as you? API keys keep working.")) return;
  $("end-others").disabled = true;
  try {
    const { ended } = await api("POST", "/api/auth/sessions/end-others");
    await loadSessions();
    $("sessions-done").textContent = ended === 1 ? "1 other session is signed out." : `${ended} other sessions are signed out.`;
  } catch (error) {
    $("sessions-error").textContent = error.message;
  } finally {
    $("end-others").disabled = false;
  }
}

// ---- API keys ----

async function loadKeys() {
  $("keys-error").textContent = "";
  const list = $("key-list");
  try {
    const keys = await api("GET", "/api/keys");
    const now = Date.now();
    list.replaceChildren(...(keys.length ? keys.map((key) => keyRow(key, now))
      : [el("p", { class: "muted", text: "No keys yet. Create one below for a program or script." })]));
  } catch (error) {
    list.replaceChildren();
    $("keys-error").textContent = error.message;
  }
}

function keyRow(key, now) {
  const facts = `${key.prefix}… · created ${relativeTime(key.createdAt, now)} · `
    + (key.lastUsedAt ? `last used ${relativeTime(key.lastUsedAt, now)}` : "never used");
  const problem = el("span", { class: "field-error", role: "alert" });
  const revoke = el("button", { type: "button", class: "secondary small danger", text: "Revoke", "aria-label": `Revoke the key ${key.name}` });
  revoke.addEventListener("click", async () => {
    if (!confirm(`Revoke the key "${key.name}"? Programs using it are refused from now on.`)) return;
    revoke.disabled = true;
    try {
      await api("DELETE", `/api/keys/${encodeURIComponent(key.id)}`);
      await loadKeys();
    } catch (error) {
      problem.textContent = error.message;
      revoke.disabled = false;
    }
  });
  return el("div", { class: "row", "data-key": key.id },
    el("div", { class: "row-main" }, el("strong", { text: key.name }), el("span", { class: "muted", text: facts })),
    revoke, problem);
}

async function createKey(event) {
  event.preventDefault();
  const form = $("key-new");
  const line = $("keys-error");
  clearFormProblem(form, line);
  $("key-create").disabled = true;
  try {
    const created = await api("POST", "/api/keys", { name: form.elements.name.value.trim() });
    form.reset();
    $("key-secret-title").textContent = `Your new key "${created.name}"`;
    $("key-secret-value").textContent = created.key;
    $("key-secret-copied").textContent = "";
    $("key-secret").hidden = false;
    $("key-secret-copy").focus();
    await loadKeys();
  } catch (error) {
    showFormProblem(form, line, error);
  } finally {
    $("key-create").disabled = false;
  }
}

function hideKeySecret() {
  $("key-secret-value").textContent = "";
  $("key-secret").hidden = true;
}

async function copyKeySecret() {
  try {
    await navigator.clipboard.writeText($("key-secret-value").textContent);
    $("key-secret-copied").textContent = "Copied.";
  } catch (noClipboard) { // plain http on a LAN has no clipboard API: select it for Ctrl+C instead
    getSelection().selectAllChildren($("key-secret-value"));
    $("key-secret-copied").textContent = "Selected: press Ctrl+C (⌘C) to copy.";
  }
}

// ---- limits and usage ----

async function loadUsage() {
  $("usage-error").textContent = "";
  const problems = [];
  const [limits, usage] = await Promise.allSettled([api("GET", "/api/limits"), api("GET", "/api/usage")]);
  try {
    if (limits.status === "rejected") throw limits.reason;
    const rows = limitRows(limits.value);
    $("limit-rows").replaceChildren(...rows.flatMap((row) => [el("dt", { text: row.name }),
      el("dd", {}, document.createTextNode(row.value), row.note ? el("span", { class: "muted", text: ` · ${row.note}` }) : null)]));
  } catch (error) {
    $("limit-rows").replaceChildren();
    problems.push(`Your limits could not be loaded: ${error.message}`);
  }
  try {
    if (usage.status === "rejected") throw usage.reason;
    const summary = usageSummary(usage.value);
    $("usage-total").textContent = `${summary.total} spent since the start of this month (UTC).`;
    $("usage-budget").textContent = summary.budget;
    $("usage-lines").replaceChildren(...summary.lines.map((line) => el("tr", {},
      el("td", { text: line.kind }), el("td", { text: line.model }), el("td", { text: String(line.jobs) }), el("td", { text: line.amount }))));
    $("usage-table").hidden = summary.lines.length === 0;
  } catch (error) {
    problems.push(`Your usage could not be loaded: ${error.message}`);
  }
  $("usage-error").textContent = problems.join(" ");
}
