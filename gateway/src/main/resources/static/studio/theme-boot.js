// The theme before the first paint. A classic script in <head>, not a module (modules wait for the whole document, and
// the page would flash dark before turning light). Same rule as theme.js's themeFor: the choice kept in localStorage
// (settings → theme), "system" following the system's light or dark, nothing chosen the studio's dark.
(function () {
  var choice = null;
  try { choice = localStorage.getItem("desayre.theme"); } catch (blocked) { /* storage off: the default */ }
  var light = choice === "light" || (choice === "system" && window.matchMedia("(prefers-color-scheme: light)").matches);
  document.documentElement.dataset.theme = light ? "light" : "dark";
})();
