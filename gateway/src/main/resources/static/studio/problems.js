// A refused request shown where it belongs: each named field beside its control, the rest (and
// when to try again) under the create form.
import { $, el, form } from "./dom.js";
import { countDown, stopCountdown } from "./countdown.js";

const UPLOAD_PROBLEMS = new Set(["upload-too-large", "unsupported-upload", "upload-dimensions", "unreadable-upload"]);

/** The control each request field belongs to; the upload and the source job share the source picker. */
function control(field) {
  if (field === "image" || field === "sourceJobId") return $("source");
  if (field === "priority") return form.elements.batch;
  const node = form.elements[field];
  return node instanceof Element ? node : null;
}

export function fieldError(field, message) {
  const node = control(field);
  if (!node) return false;
  if (node === $("source")) {
    node.setAttribute("aria-invalid", "true");
    $("source-error").textContent = message;
    return true;
  }
  markField(node, `error-${field}`, message);
  return true;
}

export function clearFieldError(field) {
  const node = control(field);
  if (!node) return;
  node.removeAttribute("aria-invalid");
  if (node === $("source")) { $("source-error").textContent = ""; return; }
  unmarkField(node, `error-${field}`);
}

/** Marks a control invalid, its message (note id) beside it: in any form of the studio. */
function markField(node, id, message) {
  node.setAttribute("aria-invalid", "true");
  let note = document.getElementById(id);
  if (!note) {
    note = el("span", { class: "field-error", id });
    (node.closest("label") || (node instanceof HTMLFieldSetElement ? node : node.parentElement)).append(note);
  }
  note.textContent = message;
  node.setAttribute("aria-describedby", id);
}

function unmarkField(node, id) {
  node.removeAttribute("aria-invalid");
  const note = document.getElementById(id);
  if (note) note.remove();
  node.removeAttribute("aria-describedby");
}

/**
 * A problem in one of the studio's smaller forms (e.g. the webhooks panel), shown as the create form shows one:
 * each field the API named beside its control (controlOf finds it), the sentence in line, focus on the first.
 */
export function showFormProblem(into, line, error, controlOf = (field) => into.elements[field]) {
  clearFormProblem(into, line);
  let placed = 0;
  for (const { field, message } of error.errors || []) {
    const node = controlOf(field);
    if (node instanceof Element) { markField(node, `${into.id}-error-${node.name || field}`, message); placed++; }
  }
  line.textContent = placed && placed === (error.errors || []).length
    ? (placed === 1 ? "Fix the marked field and try again." : `Fix the ${placed} marked fields and try again.`)
    : error.message;
  const first = into.querySelector("[aria-invalid='true']");
  if (first) (first instanceof HTMLFieldSetElement ? first.querySelector("input") || first : first).focus();
}

/** Typing in (or ticking) a field of such a form takes its complaint away. */
export function clearFormFieldProblem(node) {
  const marked = node.closest("[aria-invalid]");
  if (!marked) return;
  marked.removeAttribute("aria-invalid");
  const note = document.getElementById(marked.getAttribute("aria-describedby"));
  if (note) note.remove();
  marked.removeAttribute("aria-describedby");
}

export function clearFormProblem(into, line) {
  for (const node of into.querySelectorAll("[aria-invalid]")) { node.removeAttribute("aria-invalid"); node.removeAttribute("aria-describedby"); }
  for (const note of into.querySelectorAll("span.field-error")) note.remove();
  line.textContent = "";
}

export function clearErrors() {
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  for (const note of form.querySelectorAll("span.field-error")) note.remove();
  $("source-error").textContent = "";
  $("create-error").textContent = "";
  stopCountdown();
}

/** Puts a problem where it belongs: each named field beside its control, the rest (and when to retry) under the form. */
export function showProblem(error) {
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
  if (error.retryAfter) countDown(line, sentence, error.retryAfter);
  const first = form.querySelector("[aria-invalid='true']");
  if (first) (first === $("source") ? $("source-file") : first).focus();
}

/** Typing in a field takes its complaint away. */
export function wireProblems() {
  form.addEventListener("input", (event) => { if (event.target.name) clearFieldError(event.target.name); });
}
