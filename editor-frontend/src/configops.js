// Reading and writing fields of a node's config (ENC), and the shared-keyword links ("_s_" keywords):
// a linked field pushes its value into every same-named field of the configs nested below it.
import { clone, defaultConfig, isConfig } from "./enc";

function guessKind(v) {
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return "number";
  if (typeof v === "string") return "str";
  if (isConfig(v)) return "config";
  if (v && v.$type === "dtype") return "dtype";
  if (v && v.$type === "array") return "array";
  if (v && v.$type === "float") return "float";
  return "any";
}

// A schema for a config we have no catalogue schema for (built from its values).
export function schemaFromEnc(enc) {
  return {
    class: enc.class,
    fields: Object.entries(enc.fields || {}).map(([name, v]) => ({ name, kind: guessKind(v), default: v, units: null, description: null, required: false })),
  };
}

export function isNested(field, value) {
  return field.kind === "config" || (isConfig(value) && field.kind !== "any");
}

export function nestedSchema(field, value) {
  if (field.schema && (!isConfig(value) || value.class === field.schema.class)) return field.schema;
  return isConfig(value) ? schemaFromEnc(value) : field.schema || { class: "?", fields: [] };
}

// Fields to show for a config: the schema's, then any extra ones present in the value.
export function fieldsOf(schema, config) {
  const known = new Set(schema.fields.map((f) => f.name));
  const extra = Object.entries(config.fields || {})
    .filter(([name]) => !known.has(name))
    .map(([name, v]) => ({ name, kind: guessKind(v), default: v, units: null, description: "not in the catalogue schema", required: false }));
  return [...schema.fields, ...extra];
}

export function valueOf(config, field) {
  return config.fields && field.name in config.fields ? config.fields[field.name] : field.default;
}

// Nested config ENC under `field` of `config`, created from defaults when absent.
function child(config, field) {
  let v = config.fields[field.name];
  if (!isConfig(v)) {
    v = isConfig(field.default) ? clone(field.default) : defaultConfig(field.schema || { class: "?", fields: [] });
    config.fields[field.name] = v;
  }
  return v;
}

// Whether a config nested (at any depth) below `schema` has a field called `name`.
export function descendantHas(schema, config, name, depth = 0) {
  if (depth > 12) return false;
  for (const f of fieldsOf(schema, config)) {
    const v = valueOf(config, f);
    if (!isNested(f, v)) continue;
    const sub = nestedSchema(f, v);
    const subConfig = isConfig(v) ? v : { fields: {} };
    if (sub.fields.some((g) => g.name === name) || descendantHas(sub, subConfig, name, depth + 1)) return true;
  }
  return false;
}

function propagate(schema, config, name, value, depth = 0) {
  if (depth > 12) return;
  for (const f of fieldsOf(schema, config)) {
    const current = valueOf(config, f);
    if (!isNested(f, current) || !isConfig(current)) continue; // an absent optional config stays absent
    const sub = child(config, f);
    const subSchema = nestedSchema(f, sub);
    if (subSchema.fields.some((g) => g.name === name)) sub.fields[name] = clone(value);
    propagate(subSchema, sub, name, value, depth + 1);
  }
}

// Config classes that can fill a nested config field: the catalogue group named like the field
// ("soma" -> somas, "learning_rule" -> learning_rules) or, for initializers, the catalogue's initializers.
export function configChoices(catalogue, field) {
  if (!catalogue) return [];
  if (field.kind === "initializer") return (catalogue.initializers || []).map((e) => e.config || e);
  const groups = catalogue.groups || {};
  for (const [group, entries] of Object.entries(groups)) {
    if (group === field.name || group === `${field.name}s` || group === `${field.name}es`) return entries.map((e) => e.config);
  }
  return [];
}

// Walk to the config holding the field at `path` (creating nested configs as needed).
function parentOf(node, rootSchema, path) {
  let config = node.spark.config;
  let schema = rootSchema;
  for (const seg of path.slice(0, -1)) {
    const f = fieldsOf(schema, config).find((g) => g.name === seg);
    config = child(config, f);
    schema = nestedSchema(f, config);
  }
  return { config, schema };
}

export function setValue(node, rootSchema, path, value) {
  const { config, schema } = parentOf(node, rootSchema, path);
  const name = path[path.length - 1];
  config.fields[name] = clone(value);
  if ((node.spark.links || []).includes(path.join("."))) propagate(schema, config, name, value);
}

export function toggleLink(node, rootSchema, path, field) {
  const key = path.join(".");
  const links = node.spark.links || (node.spark.links = []);
  const i = links.indexOf(key);
  if (i >= 0) {
    links.splice(i, 1);
    return false;
  }
  links.push(key);
  const { config, schema } = parentOf(node, rootSchema, path);
  propagate(schema, config, field.name, valueOf(config, field));
  return true;
}

// The link that controls the field at `path`, if a config above it links a field of the same name.
export function controllingLink(node, path) {
  const name = path[path.length - 1];
  for (const link of node.spark.links || []) {
    const parts = link.split(".");
    if (parts[parts.length - 1] !== name) continue;
    const prefix = parts.slice(0, -1);
    const parent = path.slice(0, -1);
    if (prefix.length < parent.length && prefix.every((p, i) => p === parent[i])) return link;
  }
  return null;
}
