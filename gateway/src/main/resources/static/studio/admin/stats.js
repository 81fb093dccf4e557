// The stats tab: jobs by status over time (all kinds or one), spend over time from the cost ledger, success rate and
// latency per model, the busiest users, storage; from GET /api/admin/stats/series and /api/admin/stats. The range and
// kind are in the URL (?range=7d&kind=VIDEO), so a reload or the back button keeps them. Charts: chart.js.
import { $, el } from "../dom.js";
import { api } from "../api.js";
import { navigate } from "../router.js";
import { bucketName } from "./chart-math.js";
import { columnChart, lineChart, rowChart, scrollingTable, table } from "./chart.js";
import { RANGES, STATUS_ORDER, formatBytes, formatMoney, formatMs, formatRate, jobsByStatus, kindsOf, rangeOf } from "./admin-rules.js";

const STATUS_NAMES = { COMPLETED: "completed", FAILED: "failed", CANCELLED: "cancelled", IN_PROGRESS: "in progress" };
let data = null;    // { range, kind, series, stats } last drawn, to redraw at another width
let shown = false;
let resizeTimer = null;

export function wireStats() {
  const form = $("stats-range");
  form.elements.range.append(...RANGES.map((r) => el("option", { value: r.name, text: r.label })));
  form.addEventListener("change", () => {
    const query = new URLSearchParams();
    query.set("range", form.elements.range.value);
    if (form.elements.kind.value) query.set("kind", form.elements.kind.value);
    navigate(`/admin/stats?${query}`);
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  window.addEventListener("resize", () => {
    if (!shown || !data) return;
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(draw, 150);
  });
}

export async function enterStats({ query }) {
  shown = true;
  const range = rangeOf(query.get("range"));
  const kind = query.get("kind") || "";
  const form = $("stats-range");
  form.elements.range.value = range.name;
  $("stats-error").textContent = "";
  try {
    const [series, stats] = await Promise.all([
      api("GET", `/api/admin/stats/series?from=${encodeURIComponent(range.from)}&bucket=${range.bucket}`),
      api("GET", `/api/admin/stats?window=${range.window}`),
    ]);
    if (!shown) return;
    const kinds = [...new Set([...kindsOf(series.points), ...stats.jobs.map((j) => j.kind), ...(kind ? [kind] : [])])].sort();
    form.elements.kind.replaceChildren(el("option", { value: "", text: "Every kind" }),
      ...kinds.map((k) => el("option", { value: k, text: k.toLowerCase() })));
    form.elements.kind.value = kind;
    data = { range, kind, series, stats };
    draw();
  } catch (error) {
    $("stats-error").textContent = `The stats could not be loaded: ${error.message}`;
  }
}

export function leaveStats() {
  shown = false;
  clearTimeout(resizeTimer);
}

function draw() {
  const { range, kind, series, stats } = data;
  const body = $("stats-body");
  const width = Math.max(280, Math.min(1100, body.clientWidth - 34));
  const name = (point) => bucketName(point.at, series.bucket);
  const points = series.points.map((p) => ({ at: p.at, values: jobsByStatus(p, kind) }));
  const jobs = points.reduce((sum, p) => sum + Object.values(p.values).reduce((a, b) => a + b, 0), 0);
  const spend = series.points.reduce((sum, p) => sum + Number(p.cost), 0);
  const duplicates = series.points.reduce((sum, p) => sum + Number(p.possibleDuplicates), 0);
  const what = kind ? `${kind.toLowerCase()} jobs` : "jobs";
  const per = series.bucket === "hour" ? "hour" : "day";
  const windowName = { "1h": "the last hour", "24h": "the last 24 hours", "7d": "the last 7 days" }[stats.window];

  const models = stats.models;
  const top = stats.topUsers;
  body.replaceChildren(
    el("div", { class: "stat-cards" },
      card("Jobs", String(jobs), `${range.label.toLowerCase()}${kind ? `, ${kind.toLowerCase()}` : ""}`),
      card("Spend", `${round(spend)} ${series.currency}`, duplicates > 0 ? `+ ${round(duplicates)} possible duplicates` : range.label.toLowerCase()),
      card("Stored", formatBytes(stats.storage.bytes), `${stats.storage.objects} files`)),
    el("section", { class: "card" }, columnChart({ title: `${capital(what)} per ${per} by status`, width, points, name,
      bucket: series.bucket, order: STATUS_ORDER, names: STATUS_NAMES, valueName: what,
      summary: `${jobs} ${what} created ${range.label.toLowerCase()}, per ${per} (UTC), stacked by status.` })),
    el("section", { class: "card" }, lineChart({ title: `Spend per ${per} (${series.currency})`, width, name, bucket: series.bucket,
      points: series.points.map((p) => ({ at: p.at, value: Number(p.cost) })), format: (v) => round(v), valueName: series.currency,
      summary: `${round(spend)} ${series.currency} spent ${range.label.toLowerCase()} according to the cost ledger, per ${per} (UTC).` })),
    el("section", { class: "card" }, models.length === 0 ? empty(`Success rate per model, ${windowName}`, "No job finished in this window.")
      : rowChart({ title: `Success rate per model, ${windowName}`, width, max: 1, format: formatRate,
        rowHeader: "Model", rows: models.map((m) => ({ label: m.model, values: { COMPLETED: m.successRate ?? 0 }, m })), order: ["COMPLETED"], names: { COMPLETED: "succeeded" },
        summary: models.map((m) => `${m.model}: ${formatRate(m.successRate)} of ${m.completed + m.failed} judged, p50 ${formatMs(m.latencyP50Ms)}, p95 ${formatMs(m.latencyP95Ms)}`).join("; ") + ".",
        columns: [["Success", (r) => formatRate(r.m.successRate)], ["Completed or failed", (r) => r.m.completed + r.m.failed]] }),
      models.length === 0 ? null : scrollingTable("Latency per model", table(`Latency and outcomes per model, ${windowName} (cancelled jobs are the user's choice and do not count against the rate)`,
        ["Model", "Provider", "Completed", "Failed", "Cancelled", "Success", "p50", "p95"],
        models.map((m) => [m.model, m.provider, m.completed, m.failed, m.cancelled, formatRate(m.successRate), formatMs(m.latencyP50Ms),
          formatMs(m.latencyP95Ms)]), { numeric: [2, 3, 4, 5, 6, 7] }))),
    el("section", { class: "card" }, top.length === 0 ? empty(`Top users, ${windowName}`, "Nobody made anything in this window.")
      : rowChart({ title: `Top users, ${windowName}`, width, order: ["COMPLETED", "FAILED", "IN_PROGRESS"], names: STATUS_NAMES,
        rowHeader: "User", rows: top.map((u) => ({ label: u.ownerId, values: { COMPLETED: u.completed, FAILED: u.failed, IN_PROGRESS: u.jobs - u.completed - u.failed }, u })),
        summary: top.map((u) => `${u.ownerId}: ${u.jobs} jobs`).join("; ") + ".",
        columns: [["Jobs", (r) => r.u.jobs], ["Completed", (r) => r.u.completed], ["Failed", (r) => r.u.failed]] })),
    el("section", { class: "card" }, el("h3", { text: `Cost per model, ${windowName}` }),
      stats.cost.byModel.length === 0 ? el("p", { class: "muted", text: "The cost ledger has no entry in this window." })
        : scrollingTable("Cost per model", table(null, ["Model", "Provider", "Charges", "Credits", `Cost (${stats.cost.currency})`, "Provider reported", "Possible duplicates"],
          stats.cost.byModel.map((c) => [c.model, c.provider, c.charges, c.credits, formatMoney(c.cost), c.reported === null ? "—" : formatMoney(c.reported),
            c.possibleDuplicates ? `${c.possibleDuplicates} (${formatMoney(c.possibleCost)})` : "0"]),
          { numeric: [2, 3, 4, 5, 6] })),
      el("p", { class: "muted", text: `Total ${formatMoney(stats.cost.total)} ${stats.cost.currency}. ${stats.cost.note}` })),
    el("section", { class: "card" }, el("h3", { text: "Jobs by kind and status" }),
      stats.jobs.length === 0 ? el("p", { class: "muted", text: "No job in the last 7 days." })
        : scrollingTable("Jobs by kind and status", table(null, ["Kind", "Status", "Last hour", "Last 24 hours", "Last 7 days"],
          stats.jobs.map((j) => [j.kind.toLowerCase(), j.status.toLowerCase(), j.lastHour, j.lastDay, j.last7Days]), { numeric: [2, 3, 4] }))));
}

function card(title, value, note) {
  return el("div", { class: "stat-card card" }, el("div", { class: "muted", text: title }), el("div", { class: "stat-value", text: value }),
    el("div", { class: "muted small-text", text: note }));
}

function empty(title, sentence) {
  return el("div", {}, el("h3", { text: title }), el("p", { class: "muted", text: sentence }));
}

function round(value) {
  return formatMoney(Math.round(value * 1e6) / 1e6);
}

function capital(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
