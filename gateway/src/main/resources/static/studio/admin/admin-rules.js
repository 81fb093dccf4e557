// What the admin page decides and says without a page: its tabs, the user list's filters, the self-lockout rule, the
// stats' ranges, formats of bytes, durations and times, and the audit log's lines. Tested under node
// (src/test/js/admin-rules.test.mjs).

/** The tabs, in order; /admin shows the first. Each is a path: /admin/users, /admin/queues, … */
export const TABS = [
  { name: "users", label: "Users" },
  { name: "queues", label: "Queues" },
  { name: "stats", label: "Stats" },
  { name: "audit", label: "Audit log" },
];

/** The tab a path's rest names ([] → the first); known false for a name that is no tab. */
export function tabOf(rest) {
  if (!rest || rest.length === 0) return { tab: TABS[0].name, known: true };
  const tab = TABS.find((t) => t.name === rest[0]);
  return tab && rest.length === 1 ? { tab: tab.name, known: true } : { tab: TABS[0].name, known: false };
}

/** Users matching the search (part of the name, any case), the role ("" any) and state ("", "enabled", "disabled"). */
export function filterUsers(users, { q = "", role = "", state = "" } = {}) {
  const needle = q.trim().toLowerCase();
  return users.filter((u) => (!needle || u.username.toLowerCase().includes(needle))
    && (!role || u.role === role)
    && (!state || (state === "enabled") === u.enabled));
}

/**
 * The API refuses to let an admin demote or disable their own account (409 own-account) and to leave no enabled admin
 * (409 last-admin). The page says so before anyone tries: the sentence for the user's own row, or null.
 */
export function selfLock(user, me) {
  return me && user.username === me.username
    ? "This is your account: you cannot demote or disable it yourself (ask another admin), so nobody is locked out."
    : null;
}

/** Whether the change takes an admin away (a demotion or disabling an admin): the page asks first. */
export function losesAdmin(user, change) {
  return user.role === "admin" && user.enabled
    && ((change.role !== undefined && change.role !== "admin") || change.enabled === false);
}

/** 1536 → "1.5 KB"; bytes in powers of 1024, one decimal below 10. */
export function formatBytes(bytes) {
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let value = Number(bytes) || 0;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  const shown = unit === 0 || value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${shown} ${units[unit]}`;
}

/** A latency: "850 ms", "12.5 s", "3 min 20 s"; "—" when unknown. */
export function formatMs(ms) {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Math.round(seconds * 10) / 10} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** An amount of money as the API sends it (a JSON number): at least two decimals, as many as it has (0.1 → "0.10", 0.134 → "0.134"). */
export function formatMoney(amount) {
  const value = Number(amount) || 0;
  const text = String(value);
  const decimals = text.includes(".") ? text.split(".")[1].length : 0;
  return decimals >= 2 && !text.includes("e") ? text : value.toFixed(Math.max(2, Math.min(decimals, 6)));
}

/** 0.6667 → "66.7 %"; "—" when nothing was judged. */
export function formatRate(rate) {
  return rate === null || rate === undefined ? "—" : `${Math.round(rate * 1000) / 10} %`;
}

/** How long ago, in words: "just now", "42 s ago", "5 min ago", "3 h ago", "2 days ago"; "never" for null. */
export function ago(iso, now = Date.now()) {
  if (!iso) return "never";
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  const days = Math.floor(seconds / 86400);
  return `${days} day${days === 1 ? "" : "s"} ago`;
}

/** An instant as people read it here: "2026-12-03 20:15 UTC". */
export function utc(iso) {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "—";
}

/** The stats tab's ranges: the series (from, bucket) and the window of the per-model figures (the API keeps 1h/24h/7d). */
export const RANGES = [
  { name: "24h", label: "Last 24 hours", days: 1, bucket: "hour", window: "24h" },
  { name: "7d", label: "Last 7 days", days: 7, bucket: "hour", window: "7d" },
  { name: "30d", label: "Last 30 days", days: 30, bucket: "day", window: "7d" },
  { name: "90d", label: "Last 90 days", days: 90, bucket: "day", window: "7d" },
];

/** The range a ?range= names (the first for none or an unknown one), with its from for the series at now. */
export function rangeOf(name, now = Date.now()) {
  const range = RANGES.find((r) => r.name === name) || RANGES[0];
  return { ...range, from: new Date(now - range.days * 86400000).toISOString() };
}

/** Statuses bottom up in the jobs chart; anything else (still running) is drawn on top as "in progress". */
export const STATUS_ORDER = ["COMPLETED", "FAILED", "CANCELLED", "IN_PROGRESS"];
const ENDED = new Set(["COMPLETED", "FAILED", "CANCELLED"]);

/** One series point's jobs by status group, for every kind or one kind ("" all). */
export function jobsByStatus(point, kind = "") {
  const counts = {};
  for (const [k, byStatus] of Object.entries(point.jobs || {})) {
    if (kind && k !== kind) continue;
    for (const [status, n] of Object.entries(byStatus)) {
      const group = ENDED.has(status) ? status : "IN_PROGRESS";
      counts[group] = (counts[group] || 0) + n;
    }
  }
  return counts;
}

/** The kinds any point of a series has, sorted: the chart's kind filter offers these. */
export function kindsOf(points) {
  return [...new Set(points.flatMap((p) => Object.keys(p.jobs || {})))].sort();
}

/** The audit tab's query: only the filters that are set, and before to page back. */
export function auditQuery({ user = "", action = "", before = null, limit = 50 } = {}) {
  const query = new URLSearchParams();
  if (user.trim()) query.set("user", user.trim());
  if (action.trim()) query.set("action", action.trim());
  if (before !== null && before !== undefined) query.set("before", String(before));
  query.set("limit", String(limit));
  return query.toString();
}

/** An audit entry's detail as one short line: "member → admin", "dlq …, 3 records", or its facts as key: value. */
export function auditDetail(entry) {
  const detail = entry.detail || {};
  if (entry.action === "user.role" && detail.from && detail.to) return `${detail.from} → ${detail.to}`;
  const facts = Object.entries(detail).filter(([key]) => key !== "records").map(([key, value]) =>
    `${key}: ${Array.isArray(value) ? value.join(", ") : typeof value === "object" && value !== null ? JSON.stringify(value) : value}`);
  return facts.join(" · ");
}

/** What one DLQ record's buttons send (POST /api/admin/queues); all: every record not handled yet. */
export function dlqAction(action, dlq, record = null) {
  return record === null ? { action, dlq, all: true }
    : { action, dlq, offsets: [{ partition: record.partition, offset: record.offset }] };
}

/** The answer of a replay or discard, as a sentence. */
export function dlqDone(answer) {
  const moved = answer.action === "replay" ? answer.replayed : answer.discarded;
  const verb = answer.action === "replay" ? "Replayed" : "Discarded";
  let text = `${verb} ${moved} record${moved === 1 ? "" : "s"} of ${answer.dlq}.`;
  if (answer.alreadyHandled) text += ` ${answer.alreadyHandled} had already been handled.`;
  if (answer.more) text += " More are left: run it again.";
  return text;
}

/** Every circuit breaker the workers report, with the instance that reports it, open ones first. */
export function breakersOf(workers) {
  const rank = { OPEN: 0, FORCED_OPEN: 0, HALF_OPEN: 1 };
  return workers.flatMap((w) => (w.breakers || []).map((b) => ({ ...b, instanceId: w.instanceId, service: w.service })))
    .sort((a, b) => (rank[a.state] ?? 2) - (rank[b.state] ?? 2) || a.model.localeCompare(b.model));
}

/** A lane's line in words: paused by whom and why, and whether every live instance obeys yet. */
export function laneState(lane) {
  const obeying = lane.liveInstances === 0 ? "no live instance"
    : lane.instancesObeying === lane.liveInstances ? (lane.liveInstances === 1 ? "its live instance obeys" : `all ${lane.liveInstances} live instances obey`)
      : `${lane.instancesObeying} of ${lane.liveInstances} live instances obey so far`;
  if (!lane.paused) return `Running · ${obeying}`;
  return `Paused${lane.by ? ` by ${lane.by}` : ""}${lane.reason ? ` (${lane.reason})` : ""} · ${obeying}`;
}

/**
 * Each provider line (a worker service) from its live instances' heartbeats: jobs at the provider, free places there,
 * steps running and jobs waiting per lane. Stale and stopped instances are left out (their figures are old).
 */
export function linesOf(workers) {
  const lines = new Map();
  for (const w of workers) {
    if (w.state !== "live") continue;
    const line = lines.get(w.service) || { service: w.service, provider: w.provider, instances: 0, atProvider: 0, free: 0, steps: 0, waiting: {} };
    line.instances++;
    line.atProvider += w.atProvider || 0;
    line.free += w.providerQueueFree || 0;
    line.steps += w.stepsRunning || 0;
    for (const [lane, n] of Object.entries(w.waiting || {})) line.waiting[lane] = (line.waiting[lane] || 0) + n;
    lines.set(w.service, line);
  }
  return [...lines.values()].sort((a, b) => a.service.localeCompare(b.service));
}
