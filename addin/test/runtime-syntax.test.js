"use strict";
// Classic Outlook on Windows runs launchevent.js in a JavaScript-only runtime that supports
// ECMAScript 2016 only; Microsoft's troubleshooting guide adds that the conditional operator
// stops the file loading and that imports are not supported.

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const acorn = require("acorn");
const walk = require("acorn-walk");

const OPTIONS = { ecmaVersion: 2016, sourceType: "script" };

function problems(source) {
  const found = [];
  walk.full(acorn.parse(source, OPTIONS), (node) => {
    if (node.type === "ConditionalExpression") found.push(`conditional operator at ${node.start}`);
    if (node.type === "ImportExpression" || node.type === "ImportDeclaration") found.push("import");
  });
  if (/\brequire\s*\(/.test(source)) found.push("require()");
  return found;
}

test("launchevent.js is ECMAScript 2016 without the conditional operator or imports", () => {
  const source = fs.readFileSync(path.join(__dirname, "..", "launchevent.js"), "utf8");
  assert.deepEqual(problems(source), []);
});

test("the check itself rejects what the runtime rejects", () => {
  assert.throws(() => acorn.parse("async function f() { await g(); }", OPTIONS));
  assert.throws(() => acorn.parse("const a = b?.c;", OPTIONS));
  assert.throws(() => acorn.parse("const a = { ...b };", OPTIONS));
  assert.deepEqual(problems("var a = b ? 1 : 2;"), ["conditional operator at 8"]);
});
