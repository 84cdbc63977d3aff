"use strict";

// The details pane (taskpane.js) on the Office mocks and a small fake DOM: what it shows when the
// Smart Alerts dialog's button opens it, and again while it is open (InitializationContextChanged).

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { makeOffice, fakeFetch, answer, load, run, people, raiseItemEvent, fakeDocument, PANE_IDS, assertCompletedOnce } =
  require("./support");

test.afterEach(assertCompletedOnce);

const CONTEXT_CHANGED = "olkInitializationContextChanged";

const BLOCK = {
  action: "block",
  decision_id: "d-first",
  fail_mode: "open",
  mode: "enforce",
  sender_may_override: false,
  findings: [
    { rule: "recipients.exposed", action: "block", message: "12 people outside can see each other.", evidence: {}, fix: "move_to_bcc" },
  ],
  // the service names the 12 outside people the move-to-BCC fix moves (support.people(12))
  recipients: { total: 12, internal_domains: ["northshire.gov.uk"], move_to_bcc: people(12).map((p) => p.address) },
  attachments: [],
};

const WARN = {
  ...BLOCK,
  action: "warn",
  decision_id: "d-second",
  sender_may_override: true,
  findings: [
    { rule: "recipients.lookalike_domain", action: "warn", message: "northshlre.gov.uk looks like northshire.gov.uk.", evidence: {}, fix: null },
  ],
};

/** Loads a fresh copy of taskpane.js into a fake document; resolves once Office.onReady has run. */
function openPane() {
  global.document = fakeDocument(PANE_IDS);
  global.SendwardFixes = require("../fixes.js");
  const file = path.join(__dirname, "..", "taskpane.js");
  delete require.cache[file];
  require(file);
  return global.document;
}

async function until(condition, what) {
  for (let i = 0; i < 200; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`the pane never showed ${what}`);
}

const headline = (doc) => doc.getElementById("headline").textContent;
const findingsText = (doc) => doc.getElementById("findings").text();

/** Send pressed with the verdicts in order: the handler stores each and passes its decision to the dialog. */
function sendWith(verdicts, options = {}) {
  const office = makeOffice({ to: people(12) }, options);
  const queue = verdicts.slice();
  const fetch = fakeFetch(() => answer(200, queue.length > 1 ? queue.shift() : queue[0]));
  const { Sendward } = load({ office, fetch });
  return { office, fetch, Sendward };
}

test("the dialog passes the decision to the pane as contextData", async () => {
  const { Sendward } = sendWith([BLOCK]);
  const completed = await run(Sendward.onMessageSendHandler);
  assert.equal(completed.commandId, "SendwardPaneButton");
  assert.deepEqual(JSON.parse(completed.contextData), { decision_id: "d-first", action: "block" });
});

test("an open pane shows the new Send's verdict when the dialog's button is pressed again", async () => {
  const { office, Sendward } = sendWith([BLOCK, WARN]);
  const first = await run(Sendward.onMessageSendHandler);
  office.state.initializationContext = first.contextData;
  const doc = openPane();
  await until(() => headline(doc) === "Sendward stopped this e-mail", "the first Send's block");
  assert.match(findingsText(doc), /12 people outside/);

  // The sender changes a recipient and presses Send again; the dialog's button, with the pane still open.
  office.state.to = people(11).concat([{ address: "ann@northshlre.gov.uk", name: "Ann" }]);
  const second = await run(Sendward.onMessageSendHandler);
  assert.equal(raiseItemEvent(office, CONTEXT_CHANGED, { initializationContextData: second.contextData }), 1,
    "the pane listens for InitializationContextChanged");

  await until(() => headline(doc) === "Sendward found a problem", "the second Send's warning");
  assert.match(findingsText(doc), /looks like northshire/);
  assert.doesNotMatch(findingsText(doc), /12 people outside/);
});

test("the pane waits for the decision the dialog named when the handler's write lands late", async () => {
  // a check made now would say allow: the pane must show what Send got, once it is stored
  const { office, Sendward } = sendWith([BLOCK, WARN, { ...BLOCK, action: "allow", decision_id: "d-now", findings: [] }]);
  await run(Sendward.onMessageSendHandler);
  const firstStored = office.state.session["sendward.last"];
  const doc = openPane();
  await until(() => headline(doc) === "Sendward stopped this e-mail", "the first Send's block");

  office.state.to = people(11).concat([{ address: "ann@northshlre.gov.uk", name: "Ann" }]);
  const second = await run(Sendward.onMessageSendHandler);
  const stored = office.state.session["sendward.last"];
  office.state.session["sendward.last"] = firstStored; // what the pane finds when the dialog's button is pressed
  raiseItemEvent(office, CONTEXT_CHANGED, { initializationContextData: second.contextData });
  setTimeout(() => (office.state.session["sendward.last"] = stored), 250); // the write lands after the dialog

  await until(() => headline(doc) === "Sendward found a problem", "the second Send's warning");
});

test("without Mailbox 1.15 the pane registers nothing and still shows the verdict", async () => {
  const { office, Sendward } = sendWith([BLOCK], { mailbox: "1.14" });
  await run(Sendward.onMessageSendHandler);
  const doc = openPane();
  await until(() => headline(doc) === "Sendward stopped this e-mail", "the block");
  assert.equal(raiseItemEvent(office, CONTEXT_CHANGED, { initializationContextData: "{}" }), 0);
});

test("the pane offers one e-mail each only where Outlook can open a new e-mail", async () => {
  const splitOffered = async (options) => {
    const { Sendward } = sendWith([BLOCK], options);
    await run(Sendward.onMessageSendHandler);
    const doc = openPane();
    await until(() => headline(doc) === "Sendward stopped this e-mail", "the block");
    const fixes = doc.querySelectorAll("button[data-fix]").map((b) => b.dataset.fix);
    assert.ok(fixes.includes("move_to_bcc"));
    return fixes.includes("split_message");
  };
  assert.equal(await splitOffered({}), true);
  assert.equal(await splitOffered({ noNewMessageForm: true }), false);
});

test("a newer context wins: an older load still waiting for its decision renders nothing", async () => {
  // the older load ends in a check of its own, which would say allow
  const { office, Sendward } = sendWith([BLOCK, WARN, { ...BLOCK, action: "allow", decision_id: "d-now", findings: [] }]);
  await run(Sendward.onMessageSendHandler);
  const doc = openPane();
  await until(() => headline(doc) === "Sendward stopped this e-mail", "the first Send's block");

  // A context whose decision never arrives: that load reads the first draft, then waits (about a second).
  raiseItemEvent(office, CONTEXT_CHANGED, { initializationContextData: JSON.stringify({ decision_id: "d-never" }) });
  await new Promise((resolve) => setTimeout(resolve, 50));
  office.state.to = people(11).concat([{ address: "ann@northshlre.gov.uk", name: "Ann" }]);
  const second = await run(Sendward.onMessageSendHandler);
  raiseItemEvent(office, CONTEXT_CHANGED, { initializationContextData: second.contextData });
  await until(() => headline(doc) === "Sendward found a problem", "the second Send's warning");

  await new Promise((resolve) => setTimeout(resolve, 1300)); // the older load has given up waiting by now
  assert.equal(headline(doc), "Sendward found a problem", "the older load did not draw the first Send over it");
});
