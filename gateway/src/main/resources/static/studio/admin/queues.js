// The queues tab: lanes (waiting, paused or running, pause/resume), dead-letter queues (depth, records with their
// reason, replay or discard one or all), consumer lag, circuit breakers and worker instances (heartbeats, last seen),
// from GET /api/admin/queues. Live: it asks again every few seconds while the tab is on screen, and stops on leave.
import { $, el } from "../dom.js";
import { api } from "../api.js";
import { confirmAction } from "./confirm.js";
import { scrollingTable, table } from "./chart.js";
import { ago, breakersOf, dlqAction, dlqDone, laneState, linesOf, utc } from "./admin-rules.js";

const REFRESH_MS = 5000;
let timer = null;
let live = false;
let openDlq = null; // the DLQ whose records are shown

export function wireQueues() {}

export async function enterQueues() {
  live = true;
  await refresh();
}

export function leaveQueues() {
  live = false;
  clearTimeout(timer);
  timer = null;
}

async function refresh() {
  clearTimeout(timer);
  if (document.hidden) { // a background tab asks nothing; it catches up when seen again
    timer = setTimeout(refresh, REFRESH_MS);
    return;
  }
  try {
    const status = await api("GET", "/api/admin/queues");
    if (!live) return;
    $("queues-error").textContent = status.kafka.available ? "" : status.kafka.error;
    render(status);
    $("queues-updated").textContent = `Live · updated ${new Date(status.at).toISOString().slice(11, 19)} UTC`;
  } catch (error) {
    if (!live) return;
    $("queues-error").textContent = `The queues could not be read: ${error.message}`;
    $("queues-updated").textContent = "Live · trying again";
  }
  if (live) timer = setTimeout(refresh, REFRESH_MS);
}

function render(status) {
  const busy = document.activeElement && $("admin-queues").contains(document.activeElement) ? document.activeElement.id : null;
  const lines = linesOf(status.workers);
  $("queues-lines").replaceChildren(lines.length === 0 ? el("p", { class: "muted", text: "No live worker instance: nothing is sent to a provider." })
    : scrollingTable("Provider lines", table(null, ["Worker", "Provider", "Live instances", "At the provider", "Free places", "Steps running", "Waiting"],
      lines.map((l) => [l.service, l.provider, l.instances, l.atProvider, l.free, l.steps,
        Object.entries(l.waiting).map(([lane, n]) => `${lane.toLowerCase()} ${n}`).join(", ") || "0"]), { numeric: [2, 3, 4, 5] })));
  $("queues-lanes").replaceChildren(scrollingTable("Lanes", table(null, ["Worker", "Lane", "Waiting", "State", "Action"],
    status.lanes.map((lane) => [lane.service, lane.lane.toLowerCase(), lane.waiting === null ? "—" : lane.waiting, laneState(lane),
      laneButton(lane)]), { numeric: [2] })));
  $("queues-dlqs").replaceChildren(status.dlqs.length === 0 ? el("p", { class: "muted", text: "Kafka did not answer: no DLQ depths." })
    : scrollingTable("Dead-letter queues", table(null, ["DLQ", "Records", "Handled", "Depth", "Actions"],
      status.dlqs.map((dlq) => [dlq.topic, dlq.records, dlq.handled, dlq.depth, dlqButtons(dlq)]), { numeric: [1, 2, 3] })));
  $("queues-lag").replaceChildren(status.consumers.length === 0 ? el("p", { class: "muted", text: "No consumer group has committed offsets yet." })
    : scrollingTable("Consumer lag", table(null, ["Group", "Topic", "State", "Members", "Lag"],
      status.consumers.map((c) => [c.group, c.topic, c.state, c.members, c.lag]), { numeric: [3, 4] })));
  const breakers = breakersOf(status.workers);
  $("queues-breakers").replaceChildren(breakers.length === 0 ? el("p", { class: "muted", text: "No worker reports a breaker." })
    : scrollingTable("Circuit breakers", table(null, ["Model", "State", "Failure rate", "Calls", "Refused", "Instance"],
      breakers.map((b) => [b.model, el("span", { class: `pill ${b.state === "CLOSED" ? "on" : "off"}`, text: b.state }),
        b.failureRate < 0 ? "—" : `${Math.round(b.failureRate * 10) / 10} %`, b.calls, b.notPermitted, b.instanceId]), { numeric: [2, 3, 4] })));
  $("queues-workers").replaceChildren(status.workers.length === 0 ? el("p", { class: "muted", text: status.workerTopicsRead
    ? "No worker instance has sent a heartbeat." : "Reading the workers' heartbeats…" })
    : scrollingTable("Worker instances", table(null, ["Instance", "Worker", "State", "Last seen", "Steps", "At provider", "Free", "Waiting", "Paused"],
      status.workers.map((w) => [w.instanceId, w.service, el("span", { class: `pill ${w.state === "live" ? "on" : "off"}`, text: w.state }),
        el("span", { title: utc(w.lastSeen), text: ago(w.lastSeen, Date.parse(status.at)) }), w.stepsRunning, w.atProvider,
        w.providerQueueFree, Object.entries(w.waiting || {}).map(([lane, n]) => `${lane.toLowerCase()} ${n}`).join(", ") || "0",
        (w.pausedLanes || []).map((l) => l.toLowerCase()).join(", ") || "none"]), { numeric: [4, 5, 6] })));
  if (busy && $(busy)) $(busy).focus(); // a live refresh never takes the keyboard's place away
}

function laneButton(lane) {
  const action = lane.paused ? "resume" : "pause";
  const name = lane.lane.toLowerCase();
  return el("button", { type: "button", class: `secondary small${lane.paused ? "" : " danger"}`, id: `lane-${lane.service}-${name}`,
    "aria-label": `${lane.paused ? "Resume" : "Pause"} the ${name} lane of ${lane.service}`, text: lane.paused ? "Resume" : "Pause",
    onclick: () => switchLane(lane, action) });
}

async function switchLane(lane, action) {
  const name = lane.lane.toLowerCase();
  if (action === "pause" && !await confirmAction({ title: `Pause the ${name} lane of ${lane.service}?`,
    text: `Its workers stop sending ${name} jobs to the provider; they wait in line until you resume it.`, ok: "Pause" })) return;
  await act({ action, lane: name, worker: lane.service }, () => `${action === "pause" ? "Paused" : "Resumed"} the ${name} lane of `
    + `${lane.service}: its instances ${action === "pause" ? "stop" : "start"} sending ${name} jobs within a moment (the table shows when each obeys).`);
}

function dlqButtons(dlq) {
  const id = dlq.topic.replace(/[^a-z0-9]+/gi, "-");
  return el("div", { class: "row-actions" },
    el("button", { type: "button", class: "secondary small", id: `dlq-view-${id}`, "aria-label": `Records of ${dlq.topic}`,
      text: "Records", onclick: () => showRecords(dlq.topic) }),
    dlq.depth > 0 ? el("button", { type: "button", class: "secondary small", id: `dlq-replay-${id}`, "aria-label": `Replay all of ${dlq.topic}`,
      text: "Replay all", onclick: () => all("replay", dlq) }) : null,
    dlq.depth > 0 ? el("button", { type: "button", class: "secondary small danger", id: `dlq-discard-${id}`,
      "aria-label": `Discard all of ${dlq.topic}`, text: "Discard all", onclick: () => all("discard", dlq) }) : null);
}

async function all(action, dlq) {
  const ok = await confirmAction(action === "replay"
    ? { title: `Replay ${dlq.depth} record${dlq.depth === 1 ? "" : "s"}?`, ok: "Replay all",
      text: `Every record of ${dlq.topic} not handled yet goes back to ${dlq.origin}. Consumers are idempotent, but a record that failed for good fails again.` }
    : { title: `Discard ${dlq.depth} record${dlq.depth === 1 ? "" : "s"}?`, ok: "Discard all",
      text: `Every record of ${dlq.topic} not handled yet is marked discarded: it will not be replayed. This cannot be undone.` });
  if (ok) await act(dlqAction(action, dlq.topic), dlqDone, dlq.topic);
}

async function one(action, topic, record) {
  if (action === "discard" && !await confirmAction({ title: "Discard this record?", ok: "Discard",
    text: `Record ${record.partition}/${record.offset}${record.jobId ? ` (job ${record.jobId})` : ""} will not be replayed.` })) return;
  await act(dlqAction(action, topic, record), dlqDone, topic);
}

async function act(body, says, dlq = null) {
  $("queues-done").textContent = "";
  $("queues-error").textContent = "";
  try {
    const answer = await api("POST", "/api/admin/queues", body);
    $("queues-done").textContent = says(answer);
  } catch (error) {
    $("queues-error").textContent = error.message;
  }
  if (dlq && openDlq === dlq) await showRecords(dlq);
  if (live) await refresh();
}

async function showRecords(topic) {
  openDlq = topic;
  const box = $("queues-records");
  box.hidden = false;
  try {
    const answer = await api("GET", `/api/admin/queues/dlq/${encodeURIComponent(topic)}?limit=100`);
    const records = answer.records;
    box.replaceChildren(...[
      el("div", { class: "admin-head" }, el("h3", { id: "dlq-records-title", text: `Records of ${topic}` }),
        el("button", { type: "button", class: "link", text: "Hide", onclick: () => { openDlq = null; box.hidden = true; } })),
      records.length === 0 ? el("p", { class: "muted", text: "No records: this DLQ is empty." })
        : el("ul", { class: "dlq-list", "aria-labelledby": "dlq-records-title" }, ...records.map((r) => recordRow(topic, r))),
      records.length >= 100 ? el("p", { class: "muted", text: "The oldest 100 are shown." }) : null].filter(Boolean));
  } catch (error) {
    box.replaceChildren(el("p", { class: "error", role: "alert", text: error.message }));
  }
}

function recordRow(topic, record) {
  return el("li", { class: `dlq-record${record.handled ? " handled" : ""}`, "data-job": record.jobId || "",
    "data-position": `${record.partition}/${record.offset}` },
    el("div", { class: "delivery-facts" },
      el("strong", { text: `${record.partition}/${record.offset}` }),
      el("span", { text: record.jobId ? `job ${record.jobId}` : "no job id" }),
      el("span", { class: "muted", text: utc(record.timestamp) }),
      record.failureClass ? el("span", { class: "pill off", text: record.failureClass }) : null,
      record.replays ? el("span", { class: "muted", text: `replayed ${record.replays}×` }) : null,
      record.handled ? el("span", { class: "pill", text: record.handled === "replay" ? "replayed" : "discarded" }) : null),
    el("p", { class: "excerpt", text: record.failure || "No reason recorded." }),
    record.handled ? null : el("div", { class: "row-actions" },
      el("button", { type: "button", class: "secondary small", "aria-label": `Replay record ${record.partition}/${record.offset}`,
        text: "Replay", onclick: () => one("replay", topic, record) }),
      el("button", { type: "button", class: "secondary small danger", "aria-label": `Discard record ${record.partition}/${record.offset}`,
        text: "Discard", onclick: () => one("discard", topic, record) })));
}
