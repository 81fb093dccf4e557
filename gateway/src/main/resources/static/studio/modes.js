// What the create form makes (image, edit, video): the fields each mode shows, the aspect ratios
// the models accept (the gateway checks again), and the house styles.
import { $, el, form } from "./dom.js";
import { api } from "./api.js";
import { clearErrors } from "./problems.js";
import { preferences } from "./preferences.js";

export const MODES = {
  image: { path: "/api/generate/image", submit: "Generate", label: "What should DESAYRE make?",
    placeholder: "a lighthouse at dusk, waves breaking on the rocks" },
  edit: { path: "/api/generate/edit", submit: "Edit image", label: "What should change?",
    placeholder: "make it night: warm light in every window, stars over the sea" },
  video: { path: "/api/generate/video", submit: "Make video", label: "What should happen?",
    placeholder: "the camera slowly pushes in as the waves break against the rocks" },
};
// Nano Banana's ratios; Grok's for edits and videos
export const IMAGE_RATIOS = ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "4:5", "5:4", "21:9"];
const GROK_RATIOS = ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"];

let aspectTouched = false; // once the user picks an aspect, a new source image no longer changes it
let sourceShape = null;    // {width, height} of the chosen source image, or null
let preferredAspect = null; // the user's default (settings), used where the form would otherwise start at 1:1 or 16:9

export function mode() {
  return form.elements.mode.value;
}

/** Shows what the mode needs: the source picker for edits and videos, the video options, the right ratios. */
export function setMode(next) {
  form.elements.mode.value = next;
  const spec = MODES[next];
  $("prompt-label").textContent = spec.label;
  form.elements.prompt.placeholder = spec.placeholder;
  $("submit").textContent = spec.submit;
  $("source").hidden = next === "image";
  $("source-optional").hidden = next !== "video";
  for (const node of form.querySelectorAll("[data-only]")) node.hidden = node.dataset.only !== next;
  fillRatios(next);
  $("preview-out").hidden = true;
  clearErrors();
}

/** A new source image (or none): a video takes its shape unless the user picked an aspect. */
export function useShape(shape) {
  sourceShape = shape;
  if (shape && mode() === "video" && !aspectTouched) $("aspect").value = closestRatio(shape.width, shape.height);
}

function fillRatios(which) {
  const select = $("aspect");
  const was = select.value;
  const ratios = which === "image" ? IMAGE_RATIOS : GROK_RATIOS;
  const options = ratios.map((r) => el("option", { value: r, text: r }));
  if (which === "edit") options.unshift(el("option", { value: "", text: "Keep the source's shape" }));
  select.replaceChildren(...options);
  const preferred = preferredAspect && ratios.includes(preferredAspect) ? preferredAspect : null;
  const fallback = which === "video" ? (sourceShape ? closestRatio(sourceShape.width, sourceShape.height) : preferred || "16:9")
    : which === "edit" ? "" : preferred || "1:1";
  select.value = aspectTouched && [...select.options].some((o) => o.value === was) ? was : fallback;
}

/** The supported ratio nearest an image's shape, as the gateway picks it for edits. */
function closestRatio(width, height) {
  if (!width || !height) return "16:9";
  const target = Math.log(width / height);
  let best = GROK_RATIOS[0];
  for (const ratio of GROK_RATIOS) {
    const [w, h] = ratio.split(":").map(Number);
    const [bw, bh] = best.split(":").map(Number);
    if (Math.abs(Math.log(w / h) - target) < Math.abs(Math.log(bw / bh) - target)) best = ratio;
  }
  return best;
}

export async function loadProfiles() {
  const select = $("profiles");
  select.replaceChildren();
  for (const profile of await api("GET", "/api/prompts/profiles")) {
    const option = el("option", { value: profile.name, text: profile.name, title: profile.description });
    if (profile.isDefault) option.selected = true;
    select.append(option);
  }
  applyDefaults(preferences());
}

/**
 * The user's defaults (settings → general) on the form as it loads: only what the form offers (a style since removed
 * is left at the house default), and never over what the person already changed in this form.
 */
export function applyDefaults({ styleProfile, aspectRatio, lane, enhance }) {
  if (styleProfile && [...$("profiles").options].some((o) => o.value === styleProfile)) $("profiles").value = styleProfile;
  preferredAspect = aspectRatio || null;
  if (!aspectTouched) fillRatios(mode());
  if (lane) form.elements.batch.checked = lane === "batch";
  if (enhance !== null && enhance !== undefined) form.elements.enhance.checked = enhance;
}

export function wireModes() {
  for (const radio of form.elements.mode) radio.addEventListener("change", () => setMode(radio.value));
  $("aspect").addEventListener("change", () => { aspectTouched = true; });
  setMode(mode());
}
