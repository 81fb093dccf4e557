// The studio's keyboard shortcuts, as rules on a KeyboardEvent's fields (no DOM: node-tested in shortcut-rules.test.mjs).

/** What the "?" list shows. Esc is the browser's own for every <dialog>. */
export const SHORTCUTS = [
  { keys: "Ctrl+Enter (⌘+Enter on a Mac)", what: "Generate, from anywhere in the create form" },
  { keys: "↓ / ↑ then Enter", what: "Pick one of your recent prompts, in the prompt field" },
  { keys: "Esc", what: "Close a dialog or the list of recent prompts" },
  { keys: "?", what: "Show these shortcuts (outside a text field)" },
];

/** Ctrl+Enter, or Cmd+Enter on a Mac: never with Alt or Shift (Shift+Enter stays a line break). */
export function isGenerate(event) {
  return event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && !event.isComposing;
}

/** "?" while not typing into a field, and with no Ctrl/Cmd/Alt (those are the browser's). */
export function isHelp(event, typing) {
  return event.key === "?" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey;
}

/** Whether an element takes typed text (where "?" is a character, not a shortcut). */
export function takesText(tagName, type, contentEditable) {
  const tag = (tagName || "").toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT" || contentEditable === true || contentEditable === "true") return true;
  if (tag !== "INPUT") return false;
  return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes((type || "text").toLowerCase());
}
