// Values in Spark's config file encoding ("ENC"): helpers to build, read, show and parse them.

export const DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "bool"];

export const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

export function isConfig(v) {
  return v && typeof v === "object" && v.$type === "config";
}

// A config's ENC built from its catalogue schema (defaults everywhere; required fields left out).
export function defaultConfig(schema) {
  const fields = {};
  for (const f of schema.fields || []) {
    if (f.kind === "config" && f.schema && !isConfig(f.default)) {
      fields[f.name] = defaultConfig(f.schema);
    } else if (f.default !== undefined && !(f.required && f.default === null)) {
      fields[f.name] = clone(f.default);
    }
  }
  return { $type: "config", class: schema.class, fields };
}

// ---- shapes --------------------------------------------------------------------------------------
export function shapeItems(v) {
  if (Array.isArray(v)) return v;
  if (v && v.$type === "tuple") return v.items;
  if (typeof v === "number") return [v];
  return null;
}

export function formatShape(v) {
  const items = shapeItems(v);
  return items ? items.join(", ") : "";
}

export function parseShape(text) {
  const t = String(text).trim().replace(/^[([]|[)\]]$/g, "");
  if (t === "") return { value: { $type: "tuple", items: [] } };
  const parts = t.split(/[,\sx×]+/).filter((p) => p !== "");
  const items = parts.map(Number);
  if (items.some((n) => !Number.isInteger(n) || n < 0)) {
    return { error: `shape "${text}" must be non-negative integers separated by commas, e.g. 256 or 16, 16` };
  }
  return { value: { $type: "tuple", items } };
}

// ---- numbers -----------------------------------------------------------------------------------------
export function formatNumber(v) {
  if (v && v.$type === "float") return v.value;
  if (v === null || v === undefined) return "";
  return String(v);
}

export function parseNumber(text, kind) {
  const t = String(text).trim();
  if (kind === "float" && ["nan", "inf", "-inf", "+inf", "infinity", "-infinity"].includes(t.toLowerCase())) {
    const low = t.toLowerCase().replace("infinity", "inf").replace("+", "");
    return { value: { $type: "float", value: low } };
  }
  if (t === "" || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) {
    return { error: `"${text}" is not a${kind === "int" ? "n integer" : " number"}` };
  }
  const n = Number(t);
  if (kind === "int" && !Number.isInteger(n)) return { error: `"${text}" is not an integer` };
  return { value: n };
}

// ---- arrays ----------------------------------------------------------------------------------------------
function halfToFloat(h) {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function floatToHalf(x) {
  const f32 = new Float32Array([x]);
  const bits = new Uint32Array(f32.buffer)[0];
  const sign = (bits >> 16) & 0x8000;
  const exp = ((bits >> 23) & 0xff) - 127 + 15;
  let mant = bits & 0x7fffff;
  if (((bits >> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - exp;
    let half = mant >> shift;
    if ((mant >> (shift - 1)) & 1) half += 1;
    return sign | half;
  }
  let half = sign | (exp << 10) | (mant >> 13);
  if (mant & 0x1000) half += 1; // round to nearest
  return half;
}

const VIEWS = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, bool: Uint8Array,
};

function b64ToBytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function bytesToB64(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin);
}

// Flat list of the numbers in an array ENC (little-endian), or null for dtypes we cannot show.
export function arrayValues(enc) {
  const bytes = b64ToBytes(enc.data || "");
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  if (enc.dtype === "float16") return Array.from(new Uint16Array(buf), halfToFloat);
  if (enc.dtype === "int64" || enc.dtype === "uint64") {
    const view = new DataView(buf);
    const out = [];
    for (let i = 0; i < bytes.length; i += 8) out.push(Number(enc.dtype === "int64" ? view.getBigInt64(i, true) : view.getBigUint64(i, true)));
    return out;
  }
  const View = VIEWS[enc.dtype];
  return View ? Array.from(new View(buf), (v) => (enc.dtype === "bool" ? v !== 0 : v)) : null;
}

export function arraySize(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

function nest(flat, shape) {
  if (shape.length === 0) return flat[0];
  if (shape.length === 1) return flat.slice(0, shape[0]);
  const step = arraySize(shape.slice(1));
  return Array.from({ length: shape[0] }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), shape.slice(1)));
}

export function formatArray(enc) {
  const flat = arrayValues(enc);
  if (!flat) return "";
  return JSON.stringify(nest(flat, enc.shape)).replace(/,/g, ", ");
}

// Parse "0.5", "[1, 2]" or "[[1, 2], [3, 4]]" into an array ENC of the given dtype.
export function parseArray(text, dtype) {
  let data;
  try {
    data = JSON.parse(String(text).trim().replace(/\btrue\b/g, "1").replace(/\bfalse\b/g, "0"));
  } catch {
    return { error: `"${text}" is not an array; write a number or nested lists like [1, 2, 3]` };
  }
  const shape = [];
  let probe = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat = [data].flat(Infinity);
  if (flat.some((v) => typeof v !== "number") || flat.length !== arraySize(shape)) {
    return { error: `"${text}" must be a number or a rectangular nested list of numbers` };
  }
  let bytes;
  if (dtype === "float16") {
    bytes = new Uint8Array(new Uint16Array(flat.map(floatToHalf)).buffer);
  } else if (dtype === "int64" || dtype === "uint64") {
    const view = new DataView(new ArrayBuffer(flat.length * 8));
    flat.forEach((v, i) => (dtype === "int64" ? view.setBigInt64(i * 8, BigInt(Math.trunc(v)), true) : view.setBigUint64(i * 8, BigInt(Math.trunc(v)), true)));
    bytes = new Uint8Array(view.buffer);
  } else {
    const View = VIEWS[dtype];
    if (!View) return { error: `arrays of dtype ${dtype} cannot be edited here` };
    bytes = new Uint8Array(new View(flat.map((v) => (dtype === "bool" ? (v ? 1 : 0) : v))).buffer);
  }
  return { value: { $type: "array", dtype, shape, data: bytesToB64(bytes) } };
}

// ---- any value, for display -------------------------------------------------------------------------------
export function describe(v) {
  if (v === null || v === undefined) return "—";
  if (typeof v !== "object") return String(v);
  switch (v.$type) {
    case "tuple": return `(${v.items.map(describe).join(", ")}${v.items.length === 1 ? "," : ""})`;
    case "dtype": return v.name;
    case "float": return v.value;
    case "array": return `array ${v.dtype} (${v.shape.join(", ")})`;
    case "config": return v.class;
    case "module": case "payload_type": return v.name;
    default: return JSON.stringify(v);
  }
}
