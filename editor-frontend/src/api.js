// Talking to the editor server. The launch token arrives once in the page URL (?token=...); it is kept
// for this tab in sessionStorage, removed from the address bar, and sent with every request.

const KEY = "spark-editor-token";
const params = new URLSearchParams(window.location.search);
let token = params.get("token") || window.sessionStorage.getItem(KEY) || "";
if (params.get("token")) {
  window.sessionStorage.setItem(KEY, token);
  params.delete("token");
  const rest = params.toString();
  window.history.replaceState(null, "", window.location.pathname + (rest ? `?${rest}` : ""));
}

export class ApiError extends Error {
  constructor(message, status, data) {
    super(message);
    this.status = status;
    this.data = data;
  }
}

async function request(method, path, body, raw = false) {
  const headers = { "X-Spark-Token": token };
  let payload;
  if (body !== undefined) {
    if (raw) {
      payload = body;
      headers["Content-Type"] = "application/octet-stream";
    } else {
      payload = JSON.stringify(body);
      headers["Content-Type"] = "application/json";
    }
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  } catch (err) {
    throw new ApiError(`the editor server does not answer (${err.message}); is it still running?`, 0, null);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const message = (data && data.error) || `${method} ${path} failed with HTTP ${response.status}`;
    throw new ApiError(message, response.status, data);
  }
  return data;
}

export const api = {
  state: () => request("GET", "api/state"),
  catalogue: () => request("GET", "api/catalogue"),
  files: (dir) => request("GET", `api/files?dir=${encodeURIComponent(dir || "")}`),
  loadSession: (path) => request("POST", "api/session/load", { path }),
  saveSession: (path, session) => request("POST", "api/session/save", { path, session }),
  loadModel: (path) => request("POST", "api/model/load", { path }),
  exportModel: (path, graph) => request("POST", "api/model/export", { path, graph }),
  validateConfig: (module, config) => request("POST", "api/validate/config", { module, config }),
  validateModel: (graph) => request("POST", "api/validate/model", { graph }),
  run: (graph, steps, stimulus) => request("POST", "api/run", { graph, steps, stimulus }),
  upload: (path, blob) => request("POST", `api/upload?path=${encodeURIComponent(path)}`, blob, true),
};
