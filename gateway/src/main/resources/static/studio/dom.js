// DOM helpers shared by every part of the studio. User text is only ever placed with textContent
// (the "text" prop), never parsed as HTML.

export const $ = (id) => document.getElementById(id);

/** A new element: "class", "text", on<event> handlers and plain attributes, then its children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/** The create form (image, edit, video): several modules read and mark its fields. */
export const form = $("create");

/** Whether the studio page (the create form) is on screen. */
export const studioShown = () => !$("page-studio").hidden;
