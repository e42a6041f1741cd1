// Shared editor state: catalogue, console, current files, validation errors, dialogs, run panel.
import { reactive, computed } from "vue";

export const store = reactive({
  ready: false,
  root: "",
  catalogue: null,
  entries: {}, // module name (and class name) -> catalogue entry
  payloadTypes: [],
  messages: [],
  filters: { info: true, success: true, warning: true, error: true },
  sessionPath: null,
  modelPath: null,
  snapshot: "",
  savedSnapshot: "",
  errors: {}, // node id -> { "dotted.path" | "": [messages] }   (server validation)
  exportErrors: {}, // node id | "" -> [messages] of the last failed export
  dialog: null, // the open file dialog, see FileDialog.vue
  confirm: null, // { text, resolve }
  canUndo: false,
  canRedo: false,
  bottomTab: "console",
  run: { steps: 100, kind: "constant", value: 1.0, mean: 0.5, std: 0.25, seed: 0, path: "", running: false, result: null },
});

export const dirty = computed(() => store.snapshot !== store.savedSnapshot);

export const fileLabel = computed(() => {
  const path = store.sessionPath || store.modelPath;
  return path || "untitled";
});

let counter = 0;

function stamp() {
  const d = new Date();
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

// Add a message to the console. level: "info" | "success" | "warning" | "error".
export function log(level, text) {
  store.messages.push({ id: ++counter, time: stamp(), level, text: String(text) });
  if (store.messages.length > 2000) store.messages.splice(0, store.messages.length - 2000);
  if (level === "error" && store.bottomTab !== "console") store.bottomTab = "console";
}

export function setCatalogue(catalogue) {
  store.catalogue = catalogue;
  store.payloadTypes = catalogue.payload_types || [];
  const entries = {};
  for (const list of Object.values(catalogue.groups || {})) {
    for (const entry of list) {
      entries[entry.name] = entry;
      if (entry.class && !entries[entry.class]) entries[entry.class] = entry;
    }
  }
  store.entries = entries;
}

// Ask the user to confirm (in-page dialog); resolves true/false.
export function confirmDialog(text) {
  return new Promise((resolve) => {
    store.confirm = {
      text,
      resolve: (answer) => {
        store.confirm = null;
        resolve(answer);
      },
    };
  });
}
