// Everything the menu bar and the keyboard shortcuts do: history, clipboard, files, validation, run.
import { nextTick } from "vue";
import { api, ApiError } from "./api";
import { store, log, dirty, confirmDialog } from "./store";
import {
  graph, exportDoc, loadDoc, addDoc, nodeDoc, onGraphChange, isQuiet, selectNodes, uniqueName, zoomToFit, withQuiet,
} from "./canvas";
import { clone } from "./enc";

// ---- history (snapshots of the graph document) ------------------------------------------------------
const history = { stack: [], index: -1 };
const MAX_HISTORY = 200;
let pending = null;

function updateFlags() {
  store.canUndo = history.index > 0;
  store.canRedo = history.index < history.stack.length - 1;
}

export function commit() {
  if (isQuiet()) return;
  pending = null;
  const snap = JSON.stringify(exportDoc());
  store.snapshot = snap;
  if (snap === history.stack[history.index]) return;
  history.stack.splice(history.index + 1);
  history.stack.push(snap);
  if (history.stack.length > MAX_HISTORY) history.stack.shift();
  history.index = history.stack.length - 1;
  updateFlags();
}

export function scheduleCommit() {
  if (isQuiet() || pending) return;
  pending = setTimeout(commit, 0);
}

export function resetHistory(saved = true) {
  const snap = JSON.stringify(exportDoc());
  history.stack = [snap];
  history.index = 0;
  store.snapshot = snap;
  if (saved) store.savedSnapshot = snap;
  updateFlags();
}

function restore(snap) {
  const selected = new Set(graph().selectedNodes.map((n) => n.id));
  loadDoc(JSON.parse(snap));
  store.snapshot = snap;
  selectNodes(graph().nodes.filter((n) => selected.has(n.id)));
  validateAll();
  updateFlags();
}

export function undo() {
  if (pending) commit();
  if (history.index <= 0) return log("info", "Nothing to undo");
  history.index--;
  restore(history.stack[history.index]);
  log("info", "Undo");
}

export function redo() {
  if (history.index >= history.stack.length - 1) return log("info", "Nothing to redo");
  history.index++;
  restore(history.stack[history.index]);
  log("info", "Redo");
}

onGraphChange(() => scheduleCommit());

// ---- selection, clipboard -----------------------------------------------------------------------------------
let clipboard = null;
const newId = () => (window.crypto?.randomUUID ? window.crypto.randomUUID() : `n${Date.now()}${Math.random().toString(16).slice(2)}`);

export function deleteSelection() {
  const nodes = [...graph().selectedNodes];
  if (!nodes.length) return;
  for (const n of nodes) graph().removeNode(n);
  graph().selectedNodes = [];
  log("info", `Deleted ${nodes.length === 1 ? `node ${nodes[0].title}` : `${nodes.length} nodes`}`);
  commit();
}

export function copySelection() {
  const nodes = graph().selectedNodes;
  if (!nodes.length) return log("info", "Nothing selected to copy");
  const ids = new Set(nodes.map((n) => n.id));
  const doc = exportDoc();
  clipboard = { nodes: nodes.map(nodeDoc), edges: doc.edges.filter((e) => ids.has(e.from.node) && ids.has(e.to.node)) };
  log("info", `Copied ${nodes.length} node${nodes.length > 1 ? "s" : ""}`);
}

export function paste() {
  if (!clipboard) return log("info", "The clipboard is empty; select nodes and press Ctrl+C first");
  const ids = {};
  const doc = clone(clipboard);
  for (const nd of doc.nodes) {
    ids[nd.id] = newId();
    nd.id = ids[nd.id];
    nd.position = { x: nd.position.x + 40, y: nd.position.y + 40 };
  }
  for (const nd of doc.nodes) nd.name = uniqueName(nd.name);
  const reserved = [];
  for (const nd of doc.nodes) {
    // names must also differ between the pasted nodes themselves
    let name = nd.name;
    for (let i = 2; reserved.includes(name); i++) name = `${nd.name.replace(/_\d+$/, "")}_${i}`;
    nd.name = name;
    reserved.push(name);
  }
  for (const e of doc.edges) {
    e.from.node = ids[e.from.node];
    e.to.node = ids[e.to.node];
  }
  const added = withQuiet(() => addDoc(doc));
  clipboard.nodes.forEach((nd) => (nd.position = { x: nd.position.x + 40, y: nd.position.y + 40 }));
  selectNodes(added);
  added.forEach(validateNode);
  commit();
  log("info", `Pasted ${added.length} node${added.length > 1 ? "s" : ""}`);
}

// ---- validation ------------------------------------------------------------------------------------------------
const timers = {};

export function validateNode(node, delay = 0) {
  if (!node || node.spark.kind !== "module" || !node.spark.config) return;
  clearTimeout(timers[node.id]);
  timers[node.id] = setTimeout(async () => {
    try {
      const result = await api.validateConfig(node.spark.module, node.spark.config);
      if (graph().findNodeById(node.id)) store.errors[node.id] = result.errors || {};
    } catch (err) {
      log("error", `Validation of ${node.title} failed: ${err.message}`);
    }
  }, delay);
}

export function validateAll() {
  graph().nodes.forEach((n) => validateNode(n));
}

function reportErrors(errors, what) {
  const byNode = {};
  for (const e of errors) {
    const node = e.node ? graph().findNodeById(e.node) : null;
    log("error", node && !e.message.startsWith(node.title) ? `${node.title}: ${e.message}` : e.message);
    (byNode[e.node || ""] = byNode[e.node || ""] || []).push(e.message);
  }
  store.exportErrors = byNode;
  log("error", `${what} failed: ${errors.length} error${errors.length > 1 ? "s" : ""} (listed above)`);
}

// ---- files -----------------------------------------------------------------------------------------------------
async function discardOk() {
  return !dirty.value || confirmDialog("The current graph has unsaved changes. Discard them?");
}

const stem = (path) => (path ? path.replace(/\.(sge|scfg|scfg\.gz)$/i, "") : "model");

export function openDialog(mode) {
  const base = stem(store.sessionPath || store.modelPath);
  const modes = {
    loadSession: { title: "Load session", suffixes: [".sge"], save: false, action: loadSession },
    loadModel: { title: "Load model", suffixes: [".scfg", ".scfg.gz"], save: false, action: loadModel },
    saveSessionAs: { title: "Save session as", suffixes: [".sge"], save: true, name: `${base}.sge`, action: saveSession },
    exportModelAs: { title: "Export model as", suffixes: [".scfg"], save: true, name: `${base}.scfg`, action: exportModel },
    recording: { title: "Choose a recording", suffixes: [".npy", ".npz"], save: false, action: (p) => (store.run.path = p) },
  };
  store.dialog = { mode, ...modes[mode], dir: "", entries: [], filename: modes[mode].name || "" };
}

export async function newGraph() {
  if (!(await discardOk())) return;
  loadDoc({ nodes: [], edges: [] });
  store.sessionPath = null;
  store.modelPath = null;
  resetHistory();
  log("info", "New empty graph");
}

export async function loadSession(path) {
  if (!(await discardOk())) return;
  try {
    const { session, path: rel } = await api.loadSession(path);
    loadDoc(session.graph);
    const view = session.view || {};
    if (view.panning) Object.assign(graph().panning, view.panning);
    if (view.scaling) graph().scaling = view.scaling;
    store.sessionPath = rel;
    store.modelPath = session.model_path || null;
    resetHistory();
    validateAll();
    log("success", `Loaded session ${rel} (${session.graph.nodes.length} nodes)`);
  } catch (err) {
    log("error", `Could not load session ${path}: ${err.message}`);
  }
}

export async function loadModel(path) {
  if (!(await discardOk())) return;
  try {
    const { graph: doc, path: rel } = await api.loadModel(path);
    loadDoc(doc);
    store.sessionPath = null;
    store.modelPath = rel;
    resetHistory();
    await nextTick();
    zoomToFit();
    validateAll();
    log("success", `Loaded model ${rel} (${doc.nodes.length} nodes)`);
  } catch (err) {
    log("error", `Could not load model ${path}: ${err.message}`);
  }
}

export async function saveSession(path) {
  if (!path) return openDialog("saveSessionAs");
  commit();
  const g = graph();
  const session = { graph: exportDoc(), view: { panning: { ...g.panning }, scaling: g.scaling }, model_path: store.modelPath };
  try {
    const { path: rel } = await api.saveSession(path, session);
    store.sessionPath = rel;
    store.savedSnapshot = store.snapshot;
    log("success", `Saved session ${rel}`);
  } catch (err) {
    log("error", `Could not save session ${path}: ${err.message} (the previous file is unchanged)`);
  }
}

export async function exportModel(path) {
  if (!path) return openDialog("exportModelAs");
  commit();
  try {
    const { path: rel } = await api.exportModel(path, exportDoc());
    store.modelPath = rel;
    store.exportErrors = {};
    log("success", `Exported model ${rel}; load it with spark.nn.BrainConfig.from_file("${rel}")`);
  } catch (err) {
    if (err instanceof ApiError && err.data && Array.isArray(err.data.errors)) reportErrors(err.data.errors, "Export");
    else log("error", `Could not export ${path}: ${err.message}`);
  }
}

// ---- run panel ----------------------------------------------------------------------------------------------------
export async function runModel() {
  const r = store.run;
  if (r.running) return;
  const stimulus = r.kind === "constant" ? { kind: "constant", value: Number(r.value) }
    : r.kind === "noise" ? { kind: "noise", mean: Number(r.mean), std: Number(r.std), seed: Number(r.seed) }
      : { kind: "file", path: r.path };
  if (r.kind === "file" && !r.path) return log("warning", "Choose a recording (.npy or .npz) first");
  commit();
  r.running = true;
  store.bottomTab = "run";
  log("info", `Running the model for ${r.steps} steps...`);
  try {
    const result = await api.run(exportDoc(), Number(r.steps), stimulus);
    r.result = result;
    const total = result.spikes.reduce((a, s) => a + s.count, 0);
    store.exportErrors = {};
    log("success", `Run finished: ${total} spikes in ${result.steps} steps`);
  } catch (err) {
    if (err instanceof ApiError && err.data && Array.isArray(err.data.errors)) reportErrors(err.data.errors, "Run");
    else log("error", err.message);
  } finally {
    r.running = false;
  }
}
