// Validates Kubernetes manifests (YAML, several documents a file) against
// the Kubernetes OpenAPI schema, with the validators the kubernetes-models
// package generates from that schema (ajv), and refuses fields the schema
// does not know (the API server's strict field validation; the generated
// validators accept them): a field is unknown when the validator never
// read it. tests/t-kubernetes.sh installs the pinned packages.
//   node validate.js FILE...          one line per object, exit 1 on an error
//   node validate.js --json FILE...   the objects as JSON, one a line
"use strict";
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const models = path.dirname(require.resolve("kubernetes-models/package.json"));

// The generated validator of apiVersion + kind: core v1 is "Core".
function validator(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  const name = "IoK8sApi" + cap(group.split(".")[0]) + cap(version) + kind;
  const file = path.join(models, "_schemas", name + ".js");
  return fs.existsSync(file) ? require(file).validate : null;
}

// watch(value): a copy whose objects record the keys read from them.
function watch(value, where, seen) {
  if (value === null || typeof value !== "object") return value;
  const read = new Set();
  const copy = Array.isArray(value)
    ? value.map((v, i) => watch(v, where + "/" + i, seen))
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, watch(v, where + "/" + k, seen)]));
  if (!Array.isArray(value)) seen.push({ where, keys: Object.keys(value), read });
  return new Proxy(copy, {
    get(target, key, receiver) {
      if (typeof key === "string") read.add(key);
      return Reflect.get(target, key, receiver);
    },
  });
}

function check(obj) {
  if (!obj || typeof obj.apiVersion !== "string" || typeof obj.kind !== "string")
    return ["not a Kubernetes object (apiVersion, kind)"];
  const validate = validator(obj.apiVersion, obj.kind);
  if (!validate) return [`no schema for ${obj.apiVersion} ${obj.kind}`];
  const seen = [];
  const errors = [];
  if (!validate(watch(obj, "", seen)))
    for (const e of validate.errors)
      errors.push(`${e.instancePath || "/"}: ${e.keyword} ${JSON.stringify(e.params)}`);
  for (const { where, keys, read } of seen)
    for (const k of keys) if (!read.has(k)) errors.push(`${where}/${k}: unknown field`);
  return errors;
}

let json = false, bad = 0;
for (const file of process.argv.slice(2)) {
  if (file === "--json") { json = true; continue; }
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      console.log(`${file}: YAML: ${doc.errors[0].message}`);
      bad++;
      continue;
    }
    const obj = doc.toJSON();
    if (obj === null) continue;
    if (json) { console.log(JSON.stringify(obj)); continue; }
    const name = `${obj.kind}/${obj.metadata && obj.metadata.name}`;
    const errors = check(obj);
    if (errors.length) {
      bad++;
      for (const e of errors) console.log(`${file}: ${name}: ${e}`);
    } else {
      console.log(`${file}: ${name}: valid`);
    }
  }
}
process.exit(bad ? 1 : 0);
