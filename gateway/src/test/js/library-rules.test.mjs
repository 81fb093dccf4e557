// The libraries' rules (studio/library-rules.js), run by StudioScriptsTest under node's test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bulkDeleteQuestion, bulkDeleteReport, detailPath, emptyText, filtersFromQuery, historyQuery, madeFromText,
  queryFromFilters, rangeBetween, remixFields, sameFilters, sourceText,
} from "../../main/resources/static/studio/library-rules.js";

const q = (text) => new URLSearchParams(text);

test("filters survive a round trip through the URL, in a fixed order, with nothing for no filter", () => {
  const filters = filtersFromQuery("images", q("?fav=1&status=FAILED&q=sea&kind=edit&model=grok-2&from=2026-11-01&to=2026-11-30"));
  assert.deepEqual(filters, { q: "sea", kind: "edit", status: "failed", model: "grok-2", from: "2026-11-01", to: "2026-11-30", fav: true });
  assert.equal(queryFromFilters(filters), "?q=sea&kind=edit&status=failed&model=grok-2&from=2026-11-01&to=2026-11-30&fav=1");
  assert.deepEqual(filtersFromQuery("images", q(queryFromFilters(filters).slice(1))), filters);
  assert.equal(queryFromFilters(filtersFromQuery("videos", q(""))), "");
  assert.ok(sameFilters(filtersFromQuery("images", q("status=failed&fav=true")), filtersFromQuery("images", q("fav=1&status=FAILED"))));
});

test("a value a page cannot use is dropped instead of being sent to be refused", () => {
  const filters = filtersFromQuery("videos", q("kind=edit&status=maybe&from=yesterday&to=2026-13&fav=please"));
  assert.deepEqual(filters, { q: "", kind: "", status: "", model: "", from: "", to: "", fav: false });
  assert.equal(filtersFromQuery("images", q("kind=video")).kind, "");
  assert.equal(filtersFromQuery("images", q("from=2026-11-30&to=2026-11-01")).to, "", "a range that ends before it starts");
});

test("the history query asks for the library's kinds unless one is chosen", () => {
  assert.equal(historyQuery("images", filtersFromQuery("images", q(""))), "limit=30&kind=image%2Cedit");
  assert.equal(historyQuery("videos", filtersFromQuery("videos", q("fav=1&q=sea")), "c1", 10),
    "limit=10&kind=video&favourite=true&q=sea&cursor=c1");
  assert.equal(historyQuery("images", filtersFromQuery("images", q("kind=edit&status=failed&model=m&from=2026-11-01&to=2026-11-02"))),
    "limit=30&kind=edit&status=failed&model=m&from=2026-11-01&to=2026-11-02");
});

test("an empty grid says why", () => {
  assert.equal(emptyText("images", filtersFromQuery("images", q(""))), "No images yet: make one in the studio.");
  assert.equal(emptyText("videos", filtersFromQuery("videos", q("fav=1"))), "No favourite videos yet: star one to find it here.");
  assert.equal(emptyText("images", filtersFromQuery("images", q("fav=1&q=sea"))), "No images match these filters.");
});

test("lineage reads both ways", () => {
  assert.equal(sourceText({ kind: "EDIT", sourceJobId: "a" }), "Edit of");
  assert.equal(sourceText({ kind: "VIDEO", sourceJobId: "a" }), "Animated from");
  assert.equal(sourceText({ kind: "VIDEO", sourceUploaded: true }), "Animated from an uploaded image (not in your library).");
  assert.equal(sourceText({ kind: "IMAGE" }), null);
  assert.equal(madeFromText([]), null);
  assert.equal(madeFromText([{ kind: "VIDEO" }]), "1 video was made from this.");
  assert.equal(madeFromText([{ kind: "EDIT" }, { kind: "VIDEO" }, { kind: "EDIT" }]), "2 edits and 1 video were made from this.");
  assert.equal(detailPath({ kind: "VIDEO", jobId: "j 1" }), "/videos/j%201");
  assert.equal(detailPath({ kind: "EDIT", jobId: "j2" }), "/images/j2");
});

test("a remix takes every setting; a variation keeps them but the seed, four at once", () => {
  const video = { kind: "VIDEO", prompt: "waves", aspectRatio: "16:9", styleProfile: "desayre-cinematic", requestedProfile: null,
    seed: 42, enhance: false, priority: "BATCH", durationSeconds: 6, resolution: "720p", sourceJobId: "src", sourceUploaded: false };
  assert.deepEqual(remixFields(video), { mode: "video", prompt: "waves", aspectRatio: "16:9", styleProfile: "desayre-cinematic",
    seed: "42", n: "1", enhance: false, batch: true, durationSeconds: "6", resolution: "720p", sourceJobId: "src", sourceUploaded: false });
  const image = { kind: "IMAGE", prompt: "a lighthouse", aspectRatio: "1:1", styleProfile: "x", requestedProfile: "y", seed: 0,
    enhance: null, priority: "interactive", durationSeconds: null, resolution: null, sourceJobId: null };
  const remix = remixFields(image);
  assert.equal(remix.seed, "0", "seed 0 is a seed");
  assert.equal(remix.styleProfile, "y", "the style asked for, not the one it resolved to");
  assert.equal(remix.enhance, true);
  assert.equal(remix.durationSeconds, "");
  assert.equal(remixFields({ ...image, seed: null, seedUsed: 9001 }).seed, "9001", "a random seed, as the provider reports it");
  assert.equal(remixFields({ ...image, seed: null, seedUsed: null }).seed, "");
  const variations = remixFields(image, { variations: true });
  assert.equal(variations.seed, "");
  assert.equal(variations.n, "4");
  assert.equal(remixFields(video, { variations: true }).n, "4");
});

test("shift-click selects the range in grid order, either direction", () => {
  const ids = ["a", "b", "c", "d", "e"];
  assert.deepEqual(rangeBetween(ids, "b", "d"), ["b", "c", "d"]);
  assert.deepEqual(rangeBetween(ids, "d", "b"), ["b", "c", "d"]);
  assert.deepEqual(rangeBetween(ids, "gone", "c"), ["c"]);
});

test("a bulk delete asks with the count and reports what failed", () => {
  assert.equal(bulkDeleteQuestion(3), "Delete 3 items and their files? This cannot be undone.");
  assert.equal(bulkDeleteQuestion(1), "Delete 1 item and their files? This cannot be undone.");
  assert.deepEqual(bulkDeleteReport(2, []), { ok: true, text: "Deleted 2 items." });
  assert.deepEqual(bulkDeleteReport(3, [{ jobId: "b", message: "There is no job b in your history." }]),
    { ok: false, text: "Deleted 2 of 3; 1 could not be deleted (b: There is no job b in your history.)." });
});
