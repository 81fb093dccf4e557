// The prompts the person sent lately (prompt-history.js), offered over the form under the prompt field when it has focus
// and is empty (Alt+↓ opens them narrowed to what is typed): ↓ and ↑ move through them, Enter or a click takes one, Esc
// closes the list, and typing closes it. It lies over the form rather than pushing it down, so nothing moves under the
// pointer when it closes.
import { $, el, form } from "./dom.js";
import { currentUser } from "./router.js";
import { loadHistory, matching, moveHighlight, remember, saveHistory } from "./prompt-history.js";

let shown = [];      // the prompts listed now
let highlight = -1;  // the row ↓/↑ reached, -1 none

const field = () => form.elements.prompt;
const list = () => $("prompt-history");
const username = () => (currentUser() ? currentUser().username : null);

/** A request was accepted: its prompt goes on top of the list. */
export function rememberPrompt(prompt) {
  const who = username();
  if (who) saveHistory(who, remember(loadHistory(who), prompt));
}

function open() {
  const who = username();
  const typed = field().value;
  // a prompt of several lines is being written: ↑ and ↓ move between its lines, not through the list
  shown = who && !typed.includes("\n") ? matching(loadHistory(who), typed).slice(0, 8) : [];
  highlight = -1;
  if (!shown.length) { close(); return; }
  list().replaceChildren(el("li", { class: "history-head", role: "presentation", "aria-hidden": "true", text: "Recent prompts · ↓ ↑ and Enter, or Esc" }),
    ...shown.map((prompt, i) => {
      const row = el("li", { role: "option", id: `recent-${i}`, "aria-selected": "false", text: prompt });
      row.addEventListener("mousedown", (event) => { event.preventDefault(); take(i); }); // before the field's blur
      return row;
    }));
  list().hidden = false;
}

function close() {
  list().hidden = true;
  list().replaceChildren();
  field().removeAttribute("aria-activedescendant");
  shown = [];
  highlight = -1;
}

function mark() {
  for (const row of list().querySelectorAll("[role=option]")) row.setAttribute("aria-selected", String(row.id === `recent-${highlight}`));
  if (highlight >= 0) {
    field().setAttribute("aria-activedescendant", `recent-${highlight}`);
    $(`recent-${highlight}`).scrollIntoView({ block: "nearest" });
  } else {
    field().removeAttribute("aria-activedescendant");
  }
}

function take(i) {
  field().value = shown[i];
  field().dispatchEvent(new Event("input", { bubbles: true }));
  close();
  field().focus();
}

export function wireRecentPrompts() {
  field().addEventListener("focus", () => { if (!field().value) open(); });
  field().addEventListener("blur", close);
  field().addEventListener("input", (event) => {
    if (!event.isTrusted) return;
    if (field().value) close(); else open();
  });
  field().addEventListener("keydown", (event) => {
    if (list().hidden) {
      if (event.key === "ArrowDown" && event.altKey) { event.preventDefault(); open(); }
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight = moveHighlight(highlight, event.key === "ArrowDown" ? 1 : -1, shown.length);
      mark();
    } else if (event.key === "Enter" && highlight >= 0 && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      take(highlight);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
}
