// The admin page's charts as inline SVG, drawn here without a library: columns stacked over time, a line, and rows.
// Each is a <figure> whose SVG is one image for a screen reader (role="img", <title> and <desc>) and whose numbers are
// also a real table under "Show the numbers" (a <details>, for everyone). The maths is in chart-math.js; colours come
// from admin.css classes on the theme's variables, so the light theme colours them too.
import { el } from "../dom.js";
import { areaPath, bars, labelStep, linePath, niceTicks, scaleY, stack, timeLabel } from "./chart-math.js";

const SVG = "http://www.w3.org/2000/svg";
const PAD = { top: 12, right: 12, bottom: 26, left: 46 };
let figures = 0;

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  for (const child of children) if (child) node.append(child);
  return node;
}

function titled(tag, attrs, text) {
  return svg(tag, attrs, svg("title", {}, text));
}

/** A table: caption, header cells and rows; a cell is text (placed as text) or a node (e.g. a button). */
export function table(caption, headers, rows, { numeric = [] } = {}) {
  const cell = (tag, value, props) => (value instanceof Node ? el(tag, props, value) : el(tag, { ...props, text: String(value) }));
  // the roles keep it a table for screen readers where a phone's CSS lays its rows out as cards (display: block drops
  // the table's semantics in Chromium), and data-label is the column's name each card cell shows before its value
  return el("table", { class: "data", role: "table" },
    caption ? el("caption", { text: caption }) : null,
    el("thead", { role: "rowgroup" }, el("tr", { role: "row" },
      ...headers.map((h, i) => el("th", { scope: "col", role: "columnheader", class: numeric.includes(i) ? "num" : "", text: h })))),
    el("tbody", { role: "rowgroup" }, ...rows.map((row) => el("tr", { role: "row" }, ...row.map((value, i) => (i === 0
      ? cell("th", value, { scope: "row", role: "rowheader" })
      : cell("td", value, { role: "cell", class: numeric.includes(i) ? "num" : "", "data-label": headers[i] })))))));
}

/** A table that scrolls inside its own box on a narrow screen (focusable, so a keyboard can scroll it too). */
export function scrollingTable(label, node) {
  return el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": label }, node);
}

function figure(title, summary, svgNode, legend, tableNode) {
  return el("figure", { class: "chart" },
    el("figcaption", { text: title }),
    svgNode,
    legend,
    el("details", {}, el("summary", { text: "Show the numbers" }), scrollingTable(`${title}: the numbers`, tableNode)),
    el("p", { class: "sr-only", text: summary }));
}

function frame(title, summary, width, height) {
  const id = `chart-${++figures}`;
  return svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-labelledby": `${id}-t ${id}-d`, class: "chart-svg" },
    svg("title", { id: `${id}-t` }, title), svg("desc", { id: `${id}-d` }, summary));
}

function yAxis(group, ticks, y, width, format) {
  for (const tick of ticks) {
    const at = y(tick) + PAD.top;
    group.append(svg("line", { x1: PAD.left, x2: width - PAD.right, y1: at, y2: at, class: "grid" }),
      svg("text", { x: PAD.left - 6, y: at + 4, class: "tick", "text-anchor": "end" }, format(tick)));
  }
}

function legendOf(keys, names) {
  return el("ul", { class: "legend" }, ...keys.map((key) => el("li", {},
    el("span", { class: `swatch s-${key}`, "aria-hidden": "true" }), names[key] || key)));
}

/**
 * Columns over time, each stacked by key (e.g. status). points: [{ at, values: { key: n } }]; order: keys bottom up;
 * names: a key's words; bucket: "hour" or "day" (labels); name(point): a bucket's full name for the table.
 */
export function columnChart({ title, summary, points, order, names, bucket, name, width, height = 200, valueName = "jobs" }) {
  const plotW = Math.max(60, width - PAD.left - PAD.right);
  const plotH = height - PAD.top - PAD.bottom;
  const totals = points.map((p) => Object.values(p.values).reduce((a, b) => a + b, 0));
  const scale = niceTicks(Math.max(0, ...totals), { integer: true });
  const y = scaleY(scale.max, plotH);
  const layout = bars(points.length, plotW);
  const root = frame(title, summary, width, height);
  const group = svg("g");
  yAxis(group, scale.ticks, y, width, String);
  const every = labelStep(points.length, Math.floor(plotW / 56));
  points.forEach((point, i) => {
    for (const seg of stack(point.values, order)) {
      const top = y(seg.to) + PAD.top;
      group.append(titled("rect", { x: PAD.left + layout.x(i), y: top, width: layout.width, height: Math.max(0.5, y(seg.from) - y(seg.to)),
        class: `s-${seg.key}` }, `${name(point)}: ${seg.value} ${names[seg.key] || seg.key}`));
    }
    if (i % every === 0) {
      group.append(svg("text", { x: PAD.left + layout.center(i), y: height - 8, class: "tick", "text-anchor": "middle" },
        timeLabel(point.at, bucket)));
    }
  });
  root.append(group);
  const keys = order.filter((k) => points.some((p) => p.values[k] > 0));
  const rows = points.map((p, i) => [name(p), ...keys.map((k) => p.values[k] || 0), totals[i]]);
  return figure(title, summary, root, legendOf(keys, names),
    table(null, ["Time", ...keys.map((k) => names[k] || k), `All ${valueName}`], rows, { numeric: keys.map((_, i) => i + 1).concat(keys.length + 1) }));
}

/** One line over time with the area under it: points [{ at, value }]; format(value) writes the axis and the table. */
export function lineChart({ title, summary, points, bucket, name, width, height = 180, format = String, valueName = "Value" }) {
  const plotW = Math.max(60, width - PAD.left - PAD.right);
  const plotH = height - PAD.top - PAD.bottom;
  const values = points.map((p) => Math.max(0, p.value));
  const scale = niceTicks(Math.max(0, ...values));
  const y = scaleY(scale.max, plotH);
  const step = points.length > 1 ? plotW / (points.length - 1) : 0;
  const x = (i) => PAD.left + (points.length > 1 ? i * step : plotW / 2);
  const yy = (v) => y(v) + PAD.top;
  const root = frame(title, summary, width, height);
  const group = svg("g");
  yAxis(group, scale.ticks, y, width, format);
  group.append(svg("path", { d: areaPath(values, x, yy, plotH + PAD.top), class: "area" }),
    svg("path", { d: linePath(values, x, yy), class: "line" }));
  const every = labelStep(points.length, Math.floor(plotW / 56));
  points.forEach((point, i) => {
    if (point.value > 0) group.append(titled("circle", { cx: x(i), cy: yy(values[i]), r: 2.5, class: "dot" }, `${name(point)}: ${format(point.value)}`));
    if (i % every === 0) {
      group.append(svg("text", { x: x(i), y: height - 8, class: "tick", "text-anchor": "middle" }, timeLabel(point.at, bucket)));
    }
  });
  root.append(group);
  return figure(title, summary, root, null, table(null, ["Time", valueName], points.map((p) => [name(p), format(p.value)]), { numeric: [1] }));
}

/**
 * Horizontal rows, each stacked by key: rows [{ label, values: { key: n }, note? }]; max: the scale's top (e.g. 1 for
 * rates), or the largest row; format(value) for the axis; columns: the table's extra columns as [header, row → text].
 */
export function rowChart({ title, summary, rows, order, names, width, max = null, format = String, columns = [], rowHeader = "Name" }) {
  const labelW = Math.min(180, Math.max(90, Math.floor(width * 0.32)));
  const rowH = 24;
  const height = PAD.top + rows.length * rowH + PAD.bottom;
  const plotW = Math.max(60, width - labelW - PAD.right);
  const totals = rows.map((r) => Object.values(r.values).reduce((a, b) => a + b, 0));
  const scale = max === null ? niceTicks(Math.max(0, ...totals), { count: 4, integer: true }) : { max, ticks: [0, max / 2, max] };
  const x = (v) => labelW + (scale.max > 0 ? (v / scale.max) * plotW : 0);
  const root = frame(title, summary, width, height);
  const group = svg("g");
  for (const tick of scale.ticks) {
    group.append(svg("line", { x1: x(tick), x2: x(tick), y1: PAD.top, y2: height - PAD.bottom, class: "grid" }),
      svg("text", { x: x(tick), y: height - 8, class: "tick", "text-anchor": "middle" }, format(tick)));
  }
  rows.forEach((row, i) => {
    const top = PAD.top + i * rowH + 4;
    const label = row.label.length > 22 ? `${row.label.slice(0, 21)}…` : row.label;
    group.append(titled("text", { x: labelW - 8, y: top + 12, class: "row-label", "text-anchor": "end" }, row.label));
    group.lastChild.append(label);
    for (const seg of stack(row.values, order)) {
      group.append(titled("rect", { x: x(seg.from), y: top, width: Math.max(0.5, x(seg.to) - x(seg.from)), height: rowH - 8,
        class: `s-${seg.key}` }, `${row.label}: ${format(seg.value)} ${names[seg.key] || seg.key}`));
    }
  });
  root.append(group);
  const keys = order.filter((k) => rows.some((r) => r.values[k] > 0));
  return figure(title, summary, root, keys.length > 1 ? legendOf(keys, names) : null,
    table(null, [rowHeader, ...columns.map((c) => c[0])], rows.map((r) => [r.label, ...columns.map((c) => c[1](r))]),
      { numeric: columns.map((_, i) => i + 1) }));
}
