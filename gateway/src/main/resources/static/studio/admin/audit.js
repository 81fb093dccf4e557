// The audit tab: GET /api/admin/audit, newest first, filtered by user (who did it or to whom) and action (or its start,
// e.g. "user."); the filters are in the URL (?user=alice&action=user.), so a reload or the back button keeps them.
// "Load older entries" pages back with before=<the oldest id shown>.
import { $, el } from "../dom.js";
import { api } from "../api.js";
import { navigate } from "../router.js";
import { auditDetail, auditQuery, utc } from "./admin-rules.js";
import { clearFormFieldProblem, clearFormProblem, showFormProblem } from "../problems.js";

const PAGE = 50;
let filters = { user: "", action: "" };
let oldest = null;

export function wireAudit() {
  const form = $("audit-filter");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const name of ["user", "action"]) if (form.elements[name].value.trim()) query.set(name, form.elements[name].value.trim());
    navigate(`/admin/audit${query.toString() ? `?${query}` : ""}`);
  });
  form.addEventListener("input", (event) => clearFormFieldProblem(event.target));
  $("audit-more").addEventListener("click", () => load(false));
}

export async function enterAudit({ query }) {
  filters = { user: query.get("user") || "", action: query.get("action") || "" };
  const form = $("audit-filter");
  form.elements.user.value = filters.user;
  form.elements.action.value = filters.action;
  await load(true);
}

async function load(fresh) {
  const form = $("audit-filter");
  const line = $("audit-error");
  clearFormProblem(form, line);
  const list = $("audit-list");
  if (fresh) oldest = null;
  try {
    const entries = await api("GET", `/api/admin/audit?${auditQuery({ ...filters, before: fresh ? null : oldest, limit: PAGE })}`);
    if (fresh) list.replaceChildren();
    list.append(...entries.map(entryRow));
    if (fresh && entries.length === 0) {
      list.append(el("li", { class: "muted", text: filters.user || filters.action ? "No entry matches these filters." : "The audit log is empty." }));
    }
    oldest = entries.length ? entries[entries.length - 1].id : oldest;
    $("audit-more").hidden = entries.length < PAGE;
  } catch (error) {
    showFormProblem(form, line, error);
  }
}

function entryRow(entry) {
  const detail = auditDetail(entry);
  return el("li", { class: "audit-entry" },
    el("time", { datetime: entry.at, class: "muted", text: utc(entry.at) }),
    el("span", {}, el("strong", { text: entry.actor }), " ", el("code", { text: entry.action }),
      entry.target ? el("span", { text: ` → ${entry.target}` }) : null),
    detail ? el("span", { class: "muted audit-detail", text: detail }) : null);
}
