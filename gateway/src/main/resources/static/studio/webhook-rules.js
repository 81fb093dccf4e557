// What the webhooks panel says, without a page (tested by src/test/js/webhook-rules.test.mjs):
// the events to choose from, the warning on a disabled endpoint and a delivery log row.

/** The events an endpoint can receive (docs/webhooks.md), the usual two ticked for a new one. */
export const EVENT_CHOICES = Object.freeze([
  { value: "job.completed", label: "Job completed", checked: true },
  { value: "job.failed", label: "Job failed", checked: true },
  { value: "job.cancelled", label: "Job cancelled", checked: false },
  { value: "job.started", label: "Job started at its provider", checked: false },
]);

/** The endpoint's events in the order of the choices (the API answers them as stored). */
export function eventsText(events) {
  const known = EVENT_CHOICES.map((choice) => choice.value);
  const ordered = [...(events || [])].sort((a, b) => rank(known, a) - rank(known, b));
  return ordered.length ? ordered.join(", ") : "no events";
}

const rank = (known, value) => (known.includes(value) ? known.indexOf(value) : known.length);

/** The owner's own switch, as the gateway records it (Webhooks.change). */
const BY_OWNER = "disabled by its owner";

/**
 * Null while the endpoint is on. Switched off by its owner: a quiet note. Switched off by the dispatcher after days
 * of failures: a warning with its reason, told how to go on from here (the reason's own advice is for the API).
 */
export function disabledWarning(endpoint) {
  if (!endpoint || endpoint.enabled) return null;
  const reason = (endpoint.disabledReason || "").trim();
  if (!reason || reason === BY_OWNER) {
    return { alarm: false, text: "Off: you disabled it. Nothing is sent to it until you enable it." };
  }
  const told = reason.replace(/\s*Fix the receiver, then PATCH \{"enabled": true\}\.?$/, "");
  return {
    alarm: true,
    text: `DESAYRE stopped sending to this endpoint. ${told}${/[.)]$/.test(told) ? "" : "."} `
      + "Fix the receiver, send a test, then enable it: the deliveries that wait are sent again.",
  };
}

/**
 * The header's Webhooks button: it tells the owner, without opening the panel, that the dispatcher stopped sending
 * to some of their endpoints (an endpoint they switched off themselves is no news).
 */
export function webhooksButton(endpoints) {
  const stopped = (endpoints || []).filter((endpoint) => disabledWarning(endpoint)?.alarm).length;
  if (!stopped) return { text: "Webhooks", alarm: false, title: "" };
  return {
    text: `Webhooks · ${stopped} stopped`,
    alarm: true,
    title: `DESAYRE stopped sending to ${stopped === 1 ? "one of your endpoints" : `${stopped} of your endpoints`} `
      + "after its deliveries kept failing: open to see why.",
  };
}

/** A delivery's state as a person reads it. */
function stateText(delivery, now) {
  if (delivery.state === "delivered") return "delivered";
  if (delivery.state === "failed") return "failed for good";
  if (delivery.nextAttemptAt) return `pending, next try ${ago(delivery.nextAttemptAt, now)}`;
  return "pending";
}

/** "3 min ago", "in 30 s", or the date past a day. */
export function ago(iso, now = Date.now()) {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "";
  const seconds = Math.round((now - at) / 1000);
  const span = Math.abs(seconds);
  const words = span < 60 ? `${span} s` : span < 3600 ? `${Math.round(span / 60)} min` : span < 86400 ? `${Math.round(span / 3600)} h` : null;
  if (!words) return new Date(at).toISOString().slice(0, 16).replace("T", " ") + " UTC";
  if (span < 5) return "now";
  return seconds >= 0 ? `${words} ago` : `in ${words}`;
}

const EXCERPT = 160;

/** One row of the delivery log: every cell as text (the DOM places it with textContent). */
export function deliveryRow(delivery, now = Date.now()) {
  const excerpt = (delivery.responseExcerpt || "").replace(/\s+/g, " ").trim();
  return {
    event: delivery.type,
    state: stateText(delivery, now),
    bad: delivery.state === "failed" || (delivery.state === "pending" && delivery.attempts > 0),
    status: delivery.responseStatus == null ? "—" : String(delivery.responseStatus),
    attempts: String(delivery.attempts),
    latency: delivery.latencyMs == null ? "—" : delivery.latencyMs < 1000 ? `${delivery.latencyMs} ms` : `${(delivery.latencyMs / 1000).toFixed(1)} s`,
    when: ago(delivery.lastAttemptAt || delivery.createdAt, now),
    excerpt: excerpt.length > EXCERPT ? excerpt.slice(0, EXCERPT - 1) + "…" : excerpt,
  };
}
