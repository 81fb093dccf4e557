// The users tab: every account (search, role and state filters), a new account, and per user a dialog to change the
// role, disable or enable, reset the password, and set the daily quota and monthly budget. Each refusal shows the
// API's sentence beside its field. An admin's own row says they cannot lock themselves out, as the API refuses it.
import { $, el } from "../dom.js";
import { api } from "../api.js";
import { clearFormFieldProblem, clearFormProblem, showFormProblem } from "../problems.js";
import { confirmAction } from "./confirm.js";
import { ago, filterUsers, formatMoney, losesAdmin, selfLock, utc } from "./admin-rules.js";

let users = [];
let me = null;
let selected = null; // the user the dialog shows

const path = (user, tail = "") => `/api/admin/users/${encodeURIComponent(user.username)}${tail}`;

export function wireUsers() {
  const filter = $("admin-user-filter");
  filter.addEventListener("input", render);
  filter.addEventListener("submit", (event) => event.preventDefault());
  $("admin-new-user").addEventListener("submit", createUser);
  $("admin-new-user").addEventListener("input", (event) => clearFormFieldProblem(event.target));
  $("close-admin-user").addEventListener("click", () => $("admin-user").close());
  $("admin-user").addEventListener("close", () => { selected = null; });
  $("admin-user-role").addEventListener("submit", saveRole);
  $("admin-user-enable").addEventListener("click", toggleEnabled);
  $("admin-user-password").addEventListener("submit", resetPassword);
  $("admin-user-quota").addEventListener("submit", (event) => setLimit(event, "quota"));
  $("admin-user-budget").addEventListener("submit", (event) => setLimit(event, "budget"));
  $("admin-user-quota-default").addEventListener("click", () => clearLimit("quota"));
  $("admin-user-budget-default").addEventListener("click", () => clearLimit("budget"));
  for (const id of ["admin-user-role", "admin-user-password", "admin-user-quota", "admin-user-budget"]) {
    $(id).addEventListener("input", (event) => clearFormFieldProblem(event.target));
  }
}

export async function enterUsers({ user }) {
  me = user;
  await loadUsers();
}

async function loadUsers() {
  try {
    users = await api("GET", "/api/admin/users");
    render();
  } catch (error) {
    $("admin-error").textContent = `The users could not be loaded: ${error.message}`;
  }
}

function render() {
  const filter = $("admin-user-filter").elements;
  const shown = filterUsers(users, { q: filter.q.value, role: filter.role.value, state: filter.state.value });
  $("admin-user-count").textContent = shown.length === users.length ? `${users.length} user${users.length === 1 ? "" : "s"}`
    : `${shown.length} of ${users.length} users`;
  $("admin-user-list").replaceChildren(...shown.map(userRow));
}

function userRow(user) {
  const you = me && me.username === user.username;
  return el("li", { class: `admin-user${user.enabled ? "" : " off"}` },
    el("div", { class: "u-main" },
      el("strong", { class: "u-name", text: user.username }),
      el("span", { class: `pill${user.role === "admin" ? " on" : ""}`, text: user.role }),
      user.enabled ? null : el("span", { class: "pill off", text: "disabled" }),
      you ? el("span", { class: "muted", text: "(you)" }) : null),
    el("div", { class: "u-facts muted", text: `Created ${utc(user.createdAt)}${user.createdBy ? ` by ${user.createdBy}` : ""} · `
      + `last sign-in ${ago(user.lastLoginAt)}` }),
    el("button", { type: "button", class: "secondary small", "aria-label": `Manage ${user.username}`, text: "Manage",
      onclick: () => openUser(user) }));
}

async function createUser(event) {
  event.preventDefault();
  const form = event.target;
  const line = $("admin-new-user-error");
  clearFormProblem(form, line);
  $("admin-create").disabled = true;
  try {
    const created = await api("POST", "/api/admin/users", {
      username: form.elements.username.value.trim(), password: form.elements.password.value, role: form.elements.role.value,
    });
    form.reset();
    line.textContent = "";
    await loadUsers();
    $("admin-user-count").textContent = `Created ${created.username} (${created.role}). ${$("admin-user-count").textContent}`;
  } catch (error) {
    if (error.type === "username-taken") error.errors = [{ field: "username", message: error.message }];
    showFormProblem(form, line, error);
  } finally {
    $("admin-create").disabled = false;
  }
}

// ---- one user ----

function openUser(user) {
  selected = user;
  fillUser(user);
  for (const id of ["admin-user-role", "admin-user-password", "admin-user-quota", "admin-user-budget"]) {
    clearFormProblem($(id), $(`${id}-error`));
  }
  $("admin-user-password").reset();
  $("admin-user-password").elements.username.value = user.username; // for password managers: whose password this is
  $("admin-user-done").textContent = "";
  $("admin-user").showModal();
  loadLimits(user);
}

function fillUser(user) {
  $("admin-user-title").textContent = user.username;
  $("admin-user-facts").textContent = `${user.role === "admin" ? "Admin" : "Member"} · ${user.enabled ? "enabled" : "disabled"} · `
    + `created ${utc(user.createdAt)}${user.createdBy ? ` by ${user.createdBy}` : ""} · last sign-in ${ago(user.lastLoginAt)}`;
  const lock = selfLock(user, me);
  $("admin-user-lock").hidden = lock === null;
  $("admin-user-lock").textContent = lock || "";
  const role = $("admin-user-role").elements.role;
  role.value = user.role;
  role.disabled = lock !== null;
  $("admin-user-role").querySelector("button[type=submit]").disabled = lock !== null;
  const toggle = $("admin-user-enable");
  toggle.textContent = user.enabled ? "Disable" : "Enable";
  toggle.classList.toggle("danger", user.enabled);
  toggle.disabled = lock !== null;
}

async function loadLimits(user) {
  const [quota, budget] = await Promise.allSettled([api("GET", path(user, "/quota")), api("GET", path(user, "/budget"))]);
  if (selected !== user) return;
  showQuota(quota.status === "fulfilled" ? quota.value : null, quota.reason);
  showBudget(budget.status === "fulfilled" ? budget.value : null, budget.reason);
}

function showQuota(view, error) {
  const form = $("admin-user-quota");
  if (!view) { $("admin-user-quota-error").textContent = error.message; return; }
  $("admin-user-quota-now").textContent = `${view.usedToday} of ${view.dailyQuota} units used today (UTC) · `
    + (view.source === "user" ? `their own quota; the default is ${view.defaultDailyQuota}` : "the default quota");
  form.elements.dailyQuota.value = String(view.dailyQuota);
  $("admin-user-quota-default").hidden = view.source !== "user";
}

function showBudget(view, error) {
  const form = $("admin-user-budget");
  if (!view) { $("admin-user-budget-error").textContent = error.message; return; }
  const spent = `${formatMoney(view.spentThisMonth)} ${view.currency} spent this month`;
  $("admin-user-budget-now").textContent = view.monthlyBudget === null ? `${spent} · no budget: no cap`
    : `${spent} of ${formatMoney(view.monthlyBudget)} ${view.currency} (${view.source === "own" ? "their own budget" : "the default"}); `
      + `${formatMoney(view.remaining)} ${view.currency} left until ${utc(view.renewsAt)}`;
  form.elements.monthlyBudget.value = view.monthlyBudget === null ? "" : String(view.monthlyBudget);
  $("admin-user-budget-default").hidden = view.source !== "own";
}

/** After a change: the list and the dialog show the user as the API answered. */
function updated(view, sentence) {
  users = users.map((u) => (u.username === view.username ? view : u));
  if (selected && selected.username === view.username) { selected = view; fillUser(view); }
  render();
  $("admin-user-done").textContent = sentence;
}

async function change(body, form, line) {
  const user = selected;
  if (losesAdmin(user, body) && !await confirmAction({ title: `Take admin rights from ${user.username}?`,
    text: body.enabled === false ? `${user.username} is an admin. Disabling ends their sessions and API keys at once.`
      : `${user.username} will no longer manage users, queues or stats.`, ok: body.enabled === false ? "Disable" : "Make member" })) return;
  if (!losesAdmin(user, body) && body.enabled === false && !await confirmAction({ title: `Disable ${user.username}?`,
    text: "Their sessions and API keys stop working at once; their history is kept. You can enable them again.", ok: "Disable" })) return;
  clearFormProblem(form, line);
  try {
    const view = await api("PATCH", path(user), body);
    updated(view, body.role ? `${view.username} is now ${view.role === "admin" ? "an admin" : "a member"}.`
      : `${view.username} is ${view.enabled ? "enabled" : "disabled"}.`);
  } catch (error) {
    // own-account and last-admin (409) say why in the API's words
    showFormProblem(form, line, error);
  }
}

function saveRole(event) {
  event.preventDefault();
  const role = event.target.elements.role.value;
  if (role === selected.role) { $("admin-user-done").textContent = "The role is unchanged."; return; }
  change({ role }, event.target, $("admin-user-role-error"));
}

function toggleEnabled() {
  change({ enabled: !selected.enabled }, $("admin-user-role"), $("admin-user-role-error"));
}

async function resetPassword(event) {
  event.preventDefault();
  const form = event.target;
  const line = $("admin-user-password-error");
  const user = selected;
  clearFormProblem(form, line);
  if (!await confirmAction({ title: `Set a new password for ${user.username}?`,
    text: "Their sessions end at once; tell them the new password another way.", ok: "Set password" })) return;
  try {
    await api("POST", path(user, "/password"), { password: form.elements.password.value });
    form.reset();
    form.elements.username.value = user.username;
    $("admin-user-done").textContent = `${user.username}'s password is set; their sessions have ended.`;
  } catch (error) {
    showFormProblem(form, line, error);
  }
}

const LIMITS = {
  quota: { form: "admin-user-quota", field: "dailyQuota", show: showQuota, said: (v) => `Daily quota: ${v.dailyQuota} units.`,
    body: (value) => ({ dailyQuota: value === "" ? null : Number(value) }) },
  budget: { form: "admin-user-budget", field: "monthlyBudget", show: showBudget,
    said: (v) => (v.monthlyBudget === null ? "No monthly budget." : `Monthly budget: ${formatMoney(v.monthlyBudget)} ${v.currency}.`),
    // sent as the number typed: the API checks it (0 or more, at most 6 decimals) and names the field
    body: (value) => ({ monthlyBudget: value === "" ? null : Number(value) }) },
};

async function setLimit(event, which) {
  event.preventDefault();
  const limit = LIMITS[which];
  const form = $(limit.form);
  const line = $(`${limit.form}-error`);
  clearFormProblem(form, line);
  try {
    const view = await api("PUT", path(selected, `/${which}`), limit.body(form.elements[limit.field].value.trim()));
    limit.show(view);
    $("admin-user-done").textContent = limit.said(view);
  } catch (error) {
    showFormProblem(form, line, error);
  }
}

async function clearLimit(which) {
  const limit = LIMITS[which];
  const line = $(`${limit.form}-error`);
  clearFormProblem($(limit.form), line);
  try {
    const view = await api("DELETE", path(selected, `/${which}`));
    limit.show(view);
    $("admin-user-done").textContent = `Back on the default. ${limit.said(view)}`;
  } catch (error) {
    line.textContent = error.message;
  }
}
