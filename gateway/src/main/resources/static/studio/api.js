// The client of the public API. The session is an HTTP-only cookie set by /api/auth/login;
// state-changing calls echo the XSRF-TOKEN cookie (when the gateway sets one) as X-XSRF-TOKEN.

let sessionEnded = () => {};

/** What to do when the API answers 401 (the session ended): the studio shows the sign-in. */
export function onSessionEnded(handler) {
  sessionEnded = handler;
}

function cookie(name) {
  const match = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : null;
}

/**
 * Calls the API. A body that is FormData goes as multipart (the browser writes the Content-Type
 * with its boundary); anything else as JSON. A problem+json answer becomes an Error carrying the
 * API's own sentence, its field errors, its type and, on 429/503, how many seconds to wait.
 * With onUpload, a multipart body reports its progress (fraction sent) while it uploads.
 */
export async function api(method, path, body, extraHeaders = {}, onUpload = null) {
  const headers = { Accept: "application/json", ...extraHeaders };
  const multipart = body instanceof FormData;
  if (body !== undefined && !multipart) headers["Content-Type"] = "application/json";
  const xsrf = cookie("XSRF-TOKEN");
  if (xsrf && method !== "GET") headers["X-XSRF-TOKEN"] = xsrf;
  let response;
  try {
    response = multipart && onUpload ? await upload(method, path, headers, body, onUpload)
      : await fetch(path, { method, headers, credentials: "same-origin",
        body: body === undefined ? undefined : multipart ? body : JSON.stringify(body) });
  } catch (offline) {
    throw new Error("The studio could not be reached. Check the connection and try again.");
  }
  if (response.status === 401 && path !== "/api/auth/login") {
    sessionEnded();
    throw new Error("Your session has ended. Please sign in again.");
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (notJson) { /* e.g. a proxy's HTML error page */ }
  if (!response.ok) {
    const error = new Error((data && data.detail) || `The studio answered ${response.status}.`);
    error.status = response.status;
    error.type = data && typeof data.type === "string" ? data.type.replace(/^.*\/problems\//, "") : null;
    error.errors = data && Array.isArray(data.errors) ? data.errors : [];
    error.retryAfter = retryAfterSeconds(response.headers.get("Retry-After"));
    throw error;
  }
  return data;
}

/** fetch cannot report upload progress; XMLHttpRequest can. Answers a fetch Response all the same. */
function upload(method, path, headers, body, onUpload) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => { if (event.lengthComputable) onUpload(event.loaded / event.total); };
    xhr.onload = () => {
      const answered = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/\r?\n/)) {
        const at = line.indexOf(":");
        if (at > 0) answered.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      resolve(new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status, headers: answered }));
    };
    xhr.onerror = xhr.onabort = xhr.ontimeout = () => reject(new TypeError("upload failed"));
    xhr.send(body);
  });
}

/** Retry-After is either seconds or an HTTP date. */
function retryAfterSeconds(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** A random key that also works outside secure contexts (plain http on a LAN has no crypto.randomUUID). */
export function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
