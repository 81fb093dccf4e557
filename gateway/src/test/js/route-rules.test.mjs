// Which page a path shows (studio/route-rules.js), run by StudioScriptsTest under node's test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decide, isAdmin } from "../../main/resources/static/studio/route-rules.js";

const pages = new Map([["login", {}], ["studio", {}], ["images", {}], ["admin", { adminOnly: true }],
  ["missing", {}], ["forbidden", {}]]);
// as GET /api/auth/me and the sign-in answer name them
const member = { username: "ana", role: "member" };
const admin = { username: "root", role: "admin" };

test("signed out, every page sends the person to the sign-in and remembers where they were going", () => {
  assert.deepEqual(decide("/images/j-1", null, pages, "?q=sea"),
    { redirect: "/login?next=%2Fimages%2Fj-1%3Fq%3Dsea", known: true });
  assert.equal(decide("/login", null, pages).page, "login");
});

test("signed in, a page shows with the rest of its path; the sign-in page is passed over", () => {
  assert.deepEqual(decide("/images/j-1", member, pages), { page: "images", rest: ["j-1"], known: true });
  assert.equal(decide("/login", member, pages).redirect, "/studio");
  assert.equal(decide("/", member, pages).redirect, "/studio");
});

test("an admin page tells other users it is for admins; admins see it", () => {
  assert.equal(decide("/admin/users", member, pages).page, "forbidden");
  assert.deepEqual(decide("/admin/users", admin, pages), { page: "admin", rest: ["users"], known: true });
});

test("a path that is no page is missing, even the names of the studio's own answers and malformed escapes", () => {
  for (const path of ["/nope", "/missing", "/forbidden", "/%E0%A4%A", "/studio/api.js", "/login/x"]) {
    assert.deepEqual(decide(path, member, pages), { page: "missing", rest: [], known: false }, path);
  }
  assert.deepEqual(decide("/images/%E0%A4%A", member, pages).rest, ["%E0%A4%A"]);
});

test("the admin's role is recognised in the API's lower case (and any other case); members and the signed out are not admins", () => {
  assert.equal(isAdmin(admin), true);
  assert.equal(isAdmin({ role: "ADMIN" }), true);
  assert.equal(decide("/admin", { username: "root", role: "ADMIN" }, pages).page, "admin");
  assert.equal(isAdmin(member), false);
  assert.equal(isAdmin(null), false);
  assert.equal(isAdmin({}), false);
});
