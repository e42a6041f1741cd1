// The graph canvas, on top of BaklavaJS: node types from the catalogue, typed ports, the connection
// rules, and the translation between the Baklava graph and the editor's graph document.
import { watch, nextTick } from "vue";
import { Node, NodeInterface, Graph, DummyConnection } from "@baklavajs/core";
import { useBaklava } from "@baklavajs/renderer-vue";
import { store, log } from "./store";
import { clone, defaultConfig } from "./enc";

export let viewModel = null;
let quiet = 0; // > 0 while the graph is rebuilt (no history entries, no messages)
const listeners = new Set(); // called after every change of the graph

export const graph = () => viewModel.displayedGraph;
export const isQuiet = () => quiet > 0;
export const onGraphChange = (fn) => listeners.add(fn);
const changed = (what) => {
  if (!quiet) listeners.forEach((fn) => fn(what));
};

export function snakeCase(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

export function validName(name) {
  return typeof name === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && name !== "__call__";
}

export function uniqueName(base, except = null) {
  const taken = new Set(graph().nodes.filter((n) => n !== except).map((n) => n.title));
  const stem = validName(base) ? base : "node";
  if (!taken.has(stem)) return stem;
  const root = stem.replace(/_\d+$/, "");
  for (let i = 2; ; i++) if (!taken.has(`${root}_${i}`)) return `${root}_${i}`;
}

function makePort(key, payloadType, label) {
  const intf = new NodeInterface(label || key, null);
  intf.sparkPort = key;
  intf.type = payloadType;
  intf.port = true;
  return intf;
}

const specLabel = (spec) => `${spec.payload_type} (${(spec.shape || []).join(", ")}) ${spec.dtype}`;

class SparkNode extends Node {
  constructor(type, title, baseName) {
    super();
    this.type = type;
    this._title = title;
    this.baseName = baseName;
    this.sparkNamed = false;
    this.inputs = {};
    this.outputs = {};
    this.spark = {};
  }

  onPlaced() {
    if (!this.sparkNamed) {
      this._title = uniqueName(this.baseName, this);
      this.sparkNamed = true;
    }
  }
}

function moduleNodeClass(entry) {
  return class extends SparkNode {
    constructor() {
      super(`module:${entry.name}`, entry.class || entry.name, snakeCase(entry.class || entry.name));
      for (const [key, port] of Object.entries(entry.inputs || {})) this.addInput(key, makePort(key, port.payload_type));
      for (const [key, port] of Object.entries(entry.outputs || {})) this.addOutput(key, makePort(key, port.payload_type));
      this.spark = { kind: "module", module: entry.name, config: defaultConfig(entry.config), links: [] };
    }
  };
}

const DEFAULT_SPEC = () => ({ payload_type: "FloatArray", shape: [1], dtype: "float32" });

class InputNode extends SparkNode {
  constructor() {
    super("brain:input", "Input", "input");
    this.spark = { kind: "input", spec: DEFAULT_SPEC() };
    this.addOutput("out", makePort("out", "FloatArray", specLabel(this.spark.spec)));
  }
}

class OutputNode extends SparkNode {
  constructor() {
    super("brain:output", "Output", "output");
    this.spark = { kind: "output", spec: DEFAULT_SPEC() };
    this.addInput("in", makePort("in", "FloatArray", specLabel(this.spark.spec)));
  }
}

// A module whose class is not in the catalogue (e.g. from a file written with extra modules).
function unknownNode(nd, doc) {
  const node = new SparkNode(`unknown:${nd.module}`, nd.module, snakeCase(String(nd.module)));
  for (const e of doc.edges) {
    if (e.to.node === nd.id && !node.inputs[e.to.port]) node.addInput(e.to.port, makePort(e.to.port, null));
    if (e.from.node === nd.id && !node.outputs[e.from.port]) node.addOutput(e.from.port, makePort(e.from.port, null));
  }
  node.spark = { kind: "module", module: nd.module, config: null, links: [] };
  return node;
}

const nodeClasses = {};

// ---- connection rules ----------------------------------------------------------------------------------
function portText(intf) {
  const node = graph().findNodeById(intf.nodeId);
  return `${node ? node.title : "?"}.${intf.sparkPort || intf.name}`;
}

function refusal(from, to) {
  if (from.type && to.type && from.type !== to.type) {
    return `${portText(from)} sends ${from.type} but ${portText(to)} expects ${to.type}; payload types must match`;
  }
  return null;
}

function checkConnection(from, to) {
  if (!from || !to) return { connectionAllowed: false };
  if (from.isInput && !to.isInput) [from, to] = [to, from];
  if (from.isInput || !to.isInput) return { connectionAllowed: false };
  if (this.connections.some((c) => c.from === from && c.to === to)) {
    return { connectionAllowed: false, reason: `${portText(from)} is already connected to ${portText(to)}` };
  }
  const reason = refusal(from, to);
  if (reason) return { connectionAllowed: false, reason };
  if (this.events.checkConnection.emit({ from, to }).prevented) return { connectionAllowed: false };
  const target = this.findNodeById(to.nodeId);
  // a brain output reads exactly one port: a new connection replaces the old one
  const danger = target && target.spark.kind === "output" ? this.connections.filter((c) => c.to === to) : [];
  return { connectionAllowed: true, dummyConnection: new DummyConnection(from, to), connectionsInDanger: danger };
}

function addConnection(from, to) {
  const check = this.checkConnection(from, to);
  if (!check.connectionAllowed) {
    if (check.reason && !quiet) log("error", `Connection refused: ${check.reason}`);
    return undefined;
  }
  return Graph.prototype.addConnection.call(this, from, to);
}

// ---- setup ------------------------------------------------------------------------------------------------
export function createCanvas() {
  viewModel = useBaklava();
  const s = viewModel.settings;
  s.enableMinimap = false;
  s.toolbar.enabled = false;
  s.palette.enabled = false;
  s.sidebar.enabled = false;
  s.displayValueOnHover = false;
  s.nodes.defaultWidth = 230;
  s.contextMenu.enabled = true;
  const raw = viewModel.editor.graph;
  raw.checkConnection = checkConnection;
  raw.addConnection = addConnection;
  const token = Symbol("spark");
  raw.events.addNode.subscribe(token, () => changed("node"));
  raw.events.removeNode.subscribe(token, (node) => {
    delete store.errors[node.id];
    changed("node");
  });
  raw.events.addConnection.subscribe(token, () => changed("connection"));
  raw.events.removeConnection.subscribe(token, () => changed("connection"));
  raw.nodeEvents.beforeTitleChanged.subscribe(token, (title, prevent, node) => {
    if (!validName(title)) {
      log("error", `Name "${title}" is not allowed: use letters, digits and _ (not starting with a digit)`);
      prevent();
    } else if (graph().nodes.some((n) => n !== node && n.title === title)) {
      log("error", `Name "${title}" is already used by another node; names must be unique`);
      prevent();
    }
  });
  raw.nodeEvents.titleChanged.subscribe(token, () => changed("name"));
  viewModel.hooks.renderNode.subscribe(token, ({ node, el }) => {
    el.dataset.nodeName = node.title;
    el.dataset.kind = node.spark.kind;
    const title = el.querySelector(".__title");
    if (title) {
      const cls = node.spark.kind === "module" ? (store.entries[node.spark.module]?.class || node.spark.module) : `brain ${node.spark.kind}`;
      title.dataset.sparkClass = cls;
    }
    el.classList.toggle("--invalid", isInvalid(node.id));
    return { node, el };
  });
  viewModel.hooks.renderInterface.subscribe(token, ({ intf, el }) => {
    if (intf.type) el.dataset.interfaceType = intf.type;
    el.dataset.port = intf.sparkPort || intf.name;
    el.title = intf.type ? `${intf.sparkPort}: ${intf.type}` : intf.sparkPort || "";
    return { intf, el };
  });
  return viewModel;
}

export function isInvalid(id) {
  return Object.keys(store.errors[id] || {}).length > 0 || (store.exportErrors[id] || []).length > 0;
}

// Nodes are drawn by Baklava: mark the invalid ones whenever the validation results change.
watch(() => [store.errors, store.exportErrors], async () => {
  await nextTick();
  for (const n of viewModel ? graph().nodes : []) document.getElementById(n.id)?.classList.toggle("--invalid", isInvalid(n.id));
}, { deep: true });

export function registerCatalogue(catalogue) {
  const editor = viewModel.editor;
  editor.registerNodeType(InputNode, { category: "brain", title: "Input" });
  editor.registerNodeType(OutputNode, { category: "brain", title: "Output" });
  for (const [group, entries] of Object.entries(catalogue.groups || {})) {
    for (const entry of entries) {
      const cls = moduleNodeClass(entry);
      nodeClasses[entry.name] = cls;
      editor.registerNodeType(cls, { category: group, title: entry.class || entry.name });
    }
  }
}

// ---- input / output specs -------------------------------------------------------------------------------
export function setSpec(node, spec) {
  node.spark.spec = spec;
  const intf = node.spark.kind === "input" ? node.outputs.out : node.inputs.in;
  intf.type = spec.payload_type;
  intf.name = specLabel(spec);
  for (const c of [...graph().connections]) {
    if ((c.from === intf || c.to === intf) && refusal(c.from, c.to)) {
      log("warning", `Removed connection ${portText(c.from)} -> ${portText(c.to)}: ${refusal(c.from, c.to)}`);
      graph().removeConnection(c);
    }
  }
  changed("spec");
}

// ---- graph document <-> Baklava ----------------------------------------------------------------------
export function nodeDoc(n) {
  const d = { id: n.id, kind: n.spark.kind, name: n.title, position: { x: Math.round(n.position?.x ?? 0), y: Math.round(n.position?.y ?? 0) } };
  if (n.spark.kind === "module") {
    d.module = n.spark.module;
    d.config = clone(n.spark.config) ?? null;
    d.links = [...(n.spark.links || [])];
  } else {
    d.spec = clone(n.spark.spec);
  }
  return d;
}

export function exportDoc() {
  const g = graph();
  return {
    nodes: g.nodes.map(nodeDoc),
    edges: g.connections.map((c) => ({
      from: { node: c.from.nodeId, port: c.from.sparkPort },
      to: { node: c.to.nodeId, port: c.to.sparkPort },
    })),
  };
}

function createNode(nd, doc) {
  let node;
  if (nd.kind === "input") node = new InputNode();
  else if (nd.kind === "output") node = new OutputNode();
  else {
    const entry = store.entries[nd.module];
    node = entry ? new nodeClasses[entry.name]() : unknownNode(nd, doc);
    if (!entry) log("error", `Node "${nd.name}": module class "${nd.module}" is not in the catalogue`);
  }
  node.id = nd.id;
  for (const intf of [...Object.values(node.inputs), ...Object.values(node.outputs)]) intf.nodeId = nd.id;
  node._title = nd.name;
  node.sparkNamed = true;
  node.position = { x: nd.position?.x ?? 0, y: nd.position?.y ?? 0 };
  if (nd.kind === "module") {
    node.spark.config = nd.config ? clone(nd.config) : node.spark.config;
    node.spark.links = [...(nd.links || [])];
  }
  return node;
}

// Add the nodes and edges of `doc` to the graph (ids must be new); returns the added nodes.
export function addDoc(doc) {
  const g = graph();
  const added = [];
  for (const nd of doc.nodes) {
    const node = createNode(nd, doc);
    const placed = g.addNode(node);
    if (placed && nd.spec) setSpec(placed, clone(nd.spec));
    if (placed) added.push(placed);
  }
  for (const e of doc.edges) {
    const a = g.findNodeById(e.from.node)?.outputs[e.from.port];
    const b = g.findNodeById(e.to.node)?.inputs[e.to.port];
    if (!a || !b) {
      log("warning", `Skipped a connection to a missing port (${e.from.port} -> ${e.to.port})`);
      continue;
    }
    const check = g.checkConnection(a, b);
    if (!check.connectionAllowed) {
      log("warning", `Skipped connection ${portText(a)} -> ${portText(b)}${check.reason ? `: ${check.reason}` : ""}`);
      continue;
    }
    Graph.prototype.addConnection.call(g, a, b);
  }
  return added;
}

// Replace the whole graph by `doc` (no history entry).
export function loadDoc(doc) {
  quiet++;
  try {
    const g = graph();
    g.selectedNodes = [];
    for (const n of [...g.nodes]) g.removeNode(n);
    store.errors = {};
    store.exportErrors = {};
    addDoc(doc);
  } finally {
    quiet--;
  }
}

export function withQuiet(fn) {
  quiet++;
  try {
    return fn();
  } finally {
    quiet--;
  }
}

export function addNodeOfType(type, x, y) {
  const info = viewModel.editor.nodeTypes.get(type);
  const node = new info.type();
  node.position = { x, y };
  return graph().addNode(node);
}

export function selectNodes(nodes) {
  graph().selectedNodes = [...nodes];
}

export function centerOn(node) {
  const g = graph();
  const el = document.querySelector(".baklava-editor");
  if (!el || !node) return;
  const r = el.getBoundingClientRect();
  g.panning.x = r.width / 2 / g.scaling - (node.position.x + (node.width || 230) / 2);
  g.panning.y = r.height / 2 / g.scaling - (node.position.y + 80);
}

// Fit every node in view (never zooming in past 100%, nor out past 35% where text is unreadable).
export function zoomToFit() {
  const g = graph();
  const el = document.querySelector(".baklava-editor");
  if (!el || !g.nodes.length) return;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const n of g.nodes) {
    const dom = document.getElementById(n.id);
    const w = dom ? dom.offsetWidth : n.width || 230;
    const h = dom ? dom.offsetHeight : 150;
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y - 40);
    x1 = Math.max(x1, n.position.x + w);
    y1 = Math.max(y1, n.position.y + h);
  }
  const r = el.getBoundingClientRect();
  const pad = 30;
  const s = Math.max(0.35, Math.min(1, (r.width - 2 * pad) / (x1 - x0), (r.height - 2 * pad) / (y1 - y0)));
  g.scaling = s;
  g.panning.x = (r.width / s - (x1 - x0)) / 2 - x0;
  g.panning.y = (r.height / s - (y1 - y0)) / 2 - y0;
}
