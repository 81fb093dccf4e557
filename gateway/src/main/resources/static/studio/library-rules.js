// The libraries' rules (/images and /videos), without DOM so node's test runner checks them
// (src/test/js/library-rules.test.mjs): filters <-> the page's URL query, the history API's query,
// lineage in words, what a remix fills in, shift-click ranges and the bulk delete's report.

/** The two libraries: which kinds each lists (the kind filter narrows them, never widens them). */
export const LIBRARIES = {
  images: { title: "Images", kinds: ["image", "edit"], noun: "image" },
  videos: { title: "Videos", kinds: ["video"], noun: "video" },
};

/** The statuses a library filters by (the history API's own values, lower case in URLs). */
export const STATUSES = ["completed", "failed", "cancelled"];

/** Which library shows a job of this kind. */
export const libraryOf = (kind) => (String(kind).toLowerCase() === "video" ? "videos" : "images");

/** The details page of a job, in its library. */
export const detailPath = (job) => `/${libraryOf(job.kind)}/${encodeURIComponent(job.jobId)}`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const EMPTY = Object.freeze({ q: "", kind: "", status: "", model: "", from: "", to: "", fav: false });

/**
 * The filters a page's URL says (?q=sea&kind=edit&status=failed&model=…&from=2026-11-01&to=…&fav=1). A value the
 * page cannot use (a kind of the other library, a status or date that is not one) is dropped, not sent to be refused.
 */
export function filtersFromQuery(library, params) {
  const get = (name) => (params.get(name) || "").trim();
  const kind = get("kind").toLowerCase();
  const status = get("status").toLowerCase();
  const filters = {
    q: get("q").slice(0, 400),
    kind: LIBRARIES[library].kinds.length > 1 && LIBRARIES[library].kinds.includes(kind) ? kind : "",
    status: STATUSES.includes(status) ? status : "",
    model: get("model").slice(0, 200),
    from: DAY.test(get("from")) ? get("from") : "",
    to: DAY.test(get("to")) ? get("to") : "",
    fav: ["1", "true", "yes"].includes(get("fav").toLowerCase()),
  };
  if (filters.from && filters.to && filters.to < filters.from) filters.to = "";
  return filters;
}

/** The page's URL query for these filters ("" when none): only what differs from no filter, in a fixed order. */
export function queryFromFilters(filters) {
  const params = new URLSearchParams();
  for (const name of ["q", "kind", "status", "model", "from", "to"]) {
    if (filters[name]) params.set(name, filters[name]);
  }
  if (filters.fav) params.set("fav", "1");
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Whether two filter sets ask for the same items. */
export const sameFilters = (a, b) => queryFromFilters({ ...EMPTY, ...a }) === queryFromFilters({ ...EMPTY, ...b });

/** The query of GET /api/history for a library page with these filters. */
export function historyQuery(library, filters, cursor, limit = 30) {
  const params = new URLSearchParams({ limit: String(limit) });
  params.set("kind", filters.kind || LIBRARIES[library].kinds.join(","));
  if (filters.status) params.set("status", filters.status);
  if (filters.model) params.set("model", filters.model);
  if (filters.from) params.set("from", filters.from);
  if (filters.to) params.set("to", filters.to);
  if (filters.fav) params.set("favourite", "true");
  if (filters.q) params.set("q", filters.q);
  if (cursor) params.set("cursor", cursor);
  return params.toString();
}

/** What "nothing here" says: why the grid is empty. */
export function emptyText(library, filters) {
  const noun = LIBRARIES[library].noun;
  const filtered = queryFromFilters(filters) !== "";
  if (!filtered) return `No ${noun}s yet: make one in the studio.`;
  if (filters.fav && queryFromFilters({ ...filters, fav: false }) === "") return `No favourite ${noun}s yet: star one to find it here.`;
  return `No ${noun}s match these filters.`;
}

const KIND_WORD = { IMAGE: "image", EDIT: "edit", VIDEO: "video" };

/** How a job came from its source: "Edit of" / "Animated from" (the source's link follows), or the upload's sentence. */
export function sourceText(job) {
  if (job.sourceJobId) return job.kind === "VIDEO" ? "Animated from" : "Edit of";
  if (job.sourceUploaded) return job.kind === "VIDEO" ? "Animated from an uploaded image (not in your library)."
    : "Edit of an uploaded image (not in your library).";
  return null;
}

/** "2 edits and 1 video were made from this image." — or null when nothing was. */
export function madeFromText(items) {
  if (!items || items.length === 0) return null;
  const counts = new Map();
  for (const item of items) {
    const word = KIND_WORD[item.kind] || "job";
    counts.set(word, (counts.get(word) || 0) + 1);
  }
  const parts = [...counts].map(([word, n]) => `${n} ${word}${n === 1 ? "" : "s"}`);
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  return `${list} ${items.length === 1 ? "was" : "were"} made from this.`;
}

/**
 * What a remix fills the studio's form with: every setting the job was made with. A variation is the same
 * settings with the seed left random and four at once.
 */
export function remixFields(job, { variations = false } = {}) {
  const mode = { IMAGE: "image", EDIT: "edit", VIDEO: "video" }[job.kind] || "image";
  const fields = {
    mode,
    prompt: job.prompt || "",
    aspectRatio: job.aspectRatio || "",
    styleProfile: job.requestedProfile || job.styleProfile || "",
    seed: seedOf(job) === null ? "" : String(seedOf(job)),
    n: "1",
    enhance: job.enhance !== false,
    batch: String(job.priority || "").toLowerCase() === "batch",
    durationSeconds: mode === "video" && job.durationSeconds ? String(job.durationSeconds) : "",
    resolution: mode === "video" && job.resolution ? job.resolution : "",
    sourceJobId: job.sourceJobId || null,
    sourceUploaded: !!job.sourceUploaded,
  };
  if (variations) {
    fields.seed = "";
    fields.n = "4";
  }
  return fields;
}

/** The seed a job was made with: the one the provider says it used (a random one too), else the one asked for, else null. */
export function seedOf(job) {
  if (job.seedUsed !== null && job.seedUsed !== undefined) return job.seedUsed;
  return job.seed === null || job.seed === undefined ? null : job.seed;
}

/** The ids from the last clicked tile to this one, inclusive, in the grid's order (shift-click). */
export function rangeBetween(ids, anchor, target) {
  const from = ids.indexOf(anchor);
  const to = ids.indexOf(target);
  if (from < 0 || to < 0) return to < 0 ? [] : [target];
  return ids.slice(Math.min(from, to), Math.max(from, to) + 1);
}

/** The sentence after a bulk delete: all gone, or which could not be deleted and why. */
export function bulkDeleteReport(total, failures) {
  if (failures.length === 0) return { ok: true, text: `Deleted ${total} item${total === 1 ? "" : "s"}.` };
  const done = total - failures.length;
  const why = failures.slice(0, 3).map((f) => `${f.jobId}: ${f.message}`).join("; ");
  return { ok: false, text: `Deleted ${done} of ${total}; ${failures.length} could not be deleted (${why}${failures.length > 3 ? "; …" : ""}).` };
}

/** The confirm question of a bulk delete: it names the count. */
export const bulkDeleteQuestion = (count) => `Delete ${count} item${count === 1 ? "" : "s"} and their files? This cannot be undone.`;

/** The most jobs one zip may hold (the gateway's ZipRequest.MAX_JOBS). */
export const MAX_ZIP = 100;
