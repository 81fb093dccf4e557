// The source image of an edit or a video: one of the user's finished images (the gallery's Edit
// and Animate, or the picker) or a file chosen, dropped or pasted, checked as the gateway will
// check it so a bad one is refused before it is sent.
import { $, el, form, studioShown } from "./dom.js";
import { api } from "./api.js";
import { mode, setMode, useShape } from "./modes.js";
import { clearFieldError, fieldError } from "./problems.js";

// the gateway's default upload limits (desayre.uploads.*): checked here only to answer sooner
const UPLOAD = { maxBytes: 20 * 1024 * 1024, minSide: 64, maxSide: 4096, maxPixels: 4096 * 4096 };

/** null, {type: "job", jobId, …} (one of the user's images) or {type: "file", file, …} (an upload). */
let source = null;

export const currentSource = () => source;

export function setSource(next) {
  if (source && source.objectUrl) URL.revokeObjectURL(source.objectUrl);
  source = next;
  $("source-chosen").hidden = !next;
  clearFieldError("image");
  if (next) {
    $("source-thumb").src = next.thumbUrl;
    $("source-thumb").alt = next.type === "file" ? `Upload: ${next.file.name}` : `Your image: ${next.prompt || next.jobId}`;
    $("source-name").textContent = next.type === "file" ? next.file.name : (next.prompt || "One of your images");
    const size = next.width ? `${next.width}×${next.height}` : "";
    $("source-meta").textContent = next.type === "file"
      ? `Upload · ${size} · ${formatBytes(next.file.size)}` : `From your gallery${size ? " · " + size : ""}`;
  } else {
    $("source-thumb").removeAttribute("src");
  }
  useShape(next ? { width: next.width, height: next.height } : null);
  $("source-file").value = "";
}

function formatBytes(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** The format named by a file's first bytes (as the gateway decides it), or null. */
function sniff(b) {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "PNG";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "JPEG";
  if (b.length >= 12 && String.fromCharCode(...b.slice(0, 4)) === "RIFF" && String.fromCharCode(...b.slice(8, 12)) === "WEBP") return "WebP";
  return null;
}

/** Checks a chosen file as the gateway will (type by content, size, sides), so a bad one is refused before it is sent. */
async function useFile(file) {
  if (!file) return;
  if (mode() === "image") setMode("edit");
  clearFieldError("image"); // the last file's complaint is not this one's
  const name = file.name || "The pasted image";
  if (file.size > UPLOAD.maxBytes) {
    return fieldError("image", `${name} is ${formatBytes(file.size)}; an upload may be at most ${formatBytes(UPLOAD.maxBytes)}. Export a smaller or more compressed file.`);
  }
  if (file.size === 0) return fieldError("image", `${name} is empty.`);
  const format = sniff(new Uint8Array(await file.slice(0, 12).arrayBuffer()));
  if (!format) {
    const said = file.type && !/^image\/(png|jpeg|webp)$/.test(file.type) ? ` (it is ${file.type})` : ", whatever its name says";
    return fieldError("image", `${name} is not a PNG, JPEG or WebP image${said}.`);
  }
  const objectUrl = URL.createObjectURL(file);
  const probe = new Image();
  probe.src = objectUrl;
  try {
    await probe.decode();
  } catch (unreadable) {
    URL.revokeObjectURL(objectUrl);
    return fieldError("image", `${name} could not be read as a ${format}; it may be damaged. Export it again.`);
  }
  const width = probe.naturalWidth;
  const height = probe.naturalHeight;
  if (width < UPLOAD.minSide || height < UPLOAD.minSide || width > UPLOAD.maxSide || height > UPLOAD.maxSide
      || width * height > UPLOAD.maxPixels) {
    URL.revokeObjectURL(objectUrl);
    return fieldError("image", `${name} is ${width}×${height} pixels; each side must be ${UPLOAD.minSide} to ${UPLOAD.maxSide} pixels. Resize it and try again.`);
  }
  setSource({ type: "file", file, width, height, thumbUrl: objectUrl, objectUrl });
}

/** Uses one of the user's finished images (a history item) as the source. */
export function useJob(item) {
  const media = (item.media || []).find((m) => (m.mimeType || "").startsWith("image/")) || {};
  setSource({ type: "job", jobId: item.jobId, prompt: item.prompt, width: media.width, height: media.height,
    thumbUrl: item.thumbnailUrl || media.thumbnailUrl || media.url });
}

/** Whether a history item can be the source of an edit or a video: a finished image. */
export const usableSource = (item) => item.status === "COMPLETED" && item.kind !== "VIDEO"
  && (item.media || []).some((m) => (m.mimeType || "").startsWith("image/"));

/** "Edit" or "Animate" on a finished image: the form switches mode, takes the image and waits for words. */
export function startFrom(item, next) {
  setMode(next);
  useJob(item);
  form.scrollIntoView({ behavior: "smooth", block: "start" });
  form.elements.prompt.focus({ preventScroll: true });
}

// ---- the picker of the user's own images --------------------------------------------------

let pickerCursor = null;

async function loadPicker(fresh) {
  const params = new URLSearchParams({ status: "COMPLETED", limit: "24" });
  if (!fresh && pickerCursor) params.set("cursor", pickerCursor);
  const grid = $("picker-grid");
  if (fresh) grid.replaceChildren(el("p", { class: "muted", text: "Loading your images…" }));
  try {
    const page = await api("GET", `/api/history?${params}`);
    if (fresh) grid.replaceChildren();
    for (const item of page.items) {
      if (item.kind === "VIDEO" || !item.thumbnailUrl) continue;
      grid.append(el("div", { class: "tile" }, el("button", {
        class: "open", type: "button", "aria-label": `Use: ${item.prompt || item.jobId}`,
        onclick: () => { useJob(item); $("picker").close(); form.elements.prompt.focus(); },
      }, el("img", { src: item.thumbnailUrl, alt: "", loading: "lazy" }), el("span", { class: "cap", text: item.prompt || "" }))));
    }
    if (!grid.querySelector(".tile") && !page.nextCursor) {
      grid.replaceChildren(el("p", { class: "muted", text: "No finished images yet. Generate one, or upload a file instead." }));
    }
    pickerCursor = page.nextCursor;
    $("picker-more").hidden = !pickerCursor;
  } catch (error) {
    grid.replaceChildren(el("p", { class: "error", text: error.message }));
  }
}

export function wireSource() {
  $("source-file").addEventListener("change", (event) => useFile(event.target.files[0]));
  $("source-clear").addEventListener("click", () => { setSource(null); $("source-file").focus(); });

  // dropping an image anywhere on the form takes it (and switches Image to Edit); elsewhere it must not navigate away
  const drop = $("drop");
  const hasFiles = (event) => event.dataTransfer && [...event.dataTransfer.types].includes("Files");
  form.addEventListener("dragover", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    drop.classList.add("over");
  });
  form.addEventListener("dragleave", (event) => { if (!form.contains(event.relatedTarget)) drop.classList.remove("over"); });
  form.addEventListener("drop", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    drop.classList.remove("over");
    useFile(event.dataTransfer.files[0]);
  });
  window.addEventListener("dragover", (event) => { if (hasFiles(event)) event.preventDefault(); });
  window.addEventListener("drop", (event) => { if (hasFiles(event)) event.preventDefault(); });
  document.addEventListener("paste", (event) => {
    if (!studioShown() || document.querySelector("dialog[open]")) return;
    const file = [...(event.clipboardData ? event.clipboardData.files : [])].find((f) => f.type.startsWith("image/"));
    if (!file) return;
    event.preventDefault();
    useFile(file);
  });

  $("pick-mine").addEventListener("click", () => {
    $("picker").showModal();
    loadPicker(true);
  });
  $("picker-more").addEventListener("click", () => loadPicker(false));
  $("close-picker").addEventListener("click", () => $("picker").close());
}
