// Menus and keyboard shortcuts (one table drives both).
import { store, log } from "./store";
import { graph, zoomToFit } from "./canvas";
import {
  newGraph, openDialog, saveSession, exportModel, undo, redo, copySelection, paste, deleteSelection, runModel,
} from "./actions";

const ITEMS = {
  new: { label: "New", keys: "Alt+N", action: newGraph },
  loadSession: { label: "Load session (.sge)…", keys: "Ctrl+O", action: () => openDialog("loadSession") },
  loadModel: { label: "Load model (.scfg)…", keys: "Ctrl+Shift+O", action: () => openDialog("loadModel") },
  saveSession: { label: "Save session", keys: "Ctrl+S", action: () => saveSession(store.sessionPath) },
  saveSessionAs: { label: "Save session as…", keys: "Ctrl+Shift+S", action: () => openDialog("saveSessionAs") },
  exportModel: { label: "Export model", keys: "Ctrl+E", action: () => exportModel(store.modelPath) },
  exportModelAs: { label: "Export model as…", keys: "Ctrl+Shift+E", action: () => openDialog("exportModelAs") },
  undo: { label: "Undo", keys: "Ctrl+Z", action: undo, enabled: () => store.canUndo },
  redo: { label: "Redo", keys: "Ctrl+Y", action: redo, enabled: () => store.canRedo },
  copy: { label: "Copy", keys: "Ctrl+C", action: copySelection },
  paste: { label: "Paste", keys: "Ctrl+V", action: paste },
  delete: { label: "Delete selected", keys: "Del", action: deleteSelection },
  selectAll: { label: "Select all", keys: "Ctrl+A", action: () => (graph().selectedNodes = [...graph().nodes]) },
  zoomToFit: { label: "Zoom to fit", keys: "F", action: zoomToFit },
  run: { label: "Run model", keys: "Ctrl+Enter", action: runModel },
  runPanel: { label: "Show Run panel", keys: "", action: () => (store.bottomTab = "run") },
  console: { label: "Show console", keys: "", action: () => (store.bottomTab = "console") },
  shortcuts: { label: "Keyboard shortcuts", keys: "", action: showShortcuts },
};

const entry = (id) => ({ id, ...ITEMS[id] });
const divider = { divider: true };

export const MENUS = [
  { name: "File", items: ["new", null, "loadSession", "loadModel", null, "saveSession", "saveSessionAs", null, "exportModel", "exportModelAs"] },
  { name: "Edit", items: ["undo", "redo", null, "copy", "paste", "delete", "selectAll"] },
  { name: "View", items: ["zoomToFit", "console", "runPanel"] },
  { name: "Run", items: ["run"] },
  { name: "Help", items: ["shortcuts"] },
].map((m) => ({ name: m.name, items: m.items.map((id) => (id ? entry(id) : divider)) }));

function showShortcuts() {
  const lines = Object.values(ITEMS).filter((i) => i.keys).map((i) => `${i.keys}: ${i.label.replace("…", "")}`);
  log("info", `Shortcuts: ${lines.join(" · ")} · right-click the canvas: add a node · drag from a port: connect`);
}

function isTextField(el) {
  if (!el) return false;
  const tag = el.tagName;
  return tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && !["checkbox", "radio", "button"].includes(el.type)) || el.isContentEditable;
}

// Keyboard shortcuts, caught before the canvas sees them (capture phase).
export function onKeyDown(ev) {
  if (store.dialog || store.confirm) {
    if (ev.key === "Escape") {
      if (store.confirm) store.confirm.resolve(false);
      else store.dialog = null;
    }
    return;
  }
  const ctrl = ev.ctrlKey || ev.metaKey;
  const key = ev.key.toLowerCase();
  const inField = isTextField(document.activeElement);
  let id = null;
  if (ctrl && key === "s") id = ev.shiftKey ? "saveSessionAs" : "saveSession";
  else if (ctrl && key === "o") id = ev.shiftKey ? "loadModel" : "loadSession";
  else if (ctrl && key === "e") id = ev.shiftKey ? "exportModelAs" : "exportModel";
  else if (ctrl && key === "enter") id = "run";
  else if (ev.altKey && key === "n") id = "new";
  else if (!inField) {
    if (ctrl && key === "z") id = ev.shiftKey ? "redo" : "undo";
    else if (ctrl && key === "y") id = "redo";
    else if (ctrl && key === "c") id = "copy";
    else if (ctrl && key === "v") id = "paste";
    else if (ctrl && key === "a") id = "selectAll";
    else if (key === "delete") id = "delete";
  }
  if (!id) return;
  ev.preventDefault();
  ev.stopPropagation();
  ITEMS[id].action();
}
