"use strict";
// Issue 13: whatever Office.js does (calls that never call back, succeed with empty content,
// answer late, refuse a fourth concurrent call), Send ends in one event.completed within the
// budget, a verdict in hand is shown as it is, and an attachment not read is never sent as read.

const test = require("node:test");
const assert = require("node:assert/strict");
const { makeOffice, fakeFetch, hangingFetch, answer, load, run, people, assertCompletedOnce } = require("./support");

test.afterEach(assertCompletedOnce);

const TIMEOUT = { timeout: 8000 }; // a hang fails the test instead of stalling the run

const SEED = {
  to: people(40),
  subject: "Your appointments",
  attachments: [{ id: "att-0", name: "clients.csv", content: "bmFtZSxwaG9uZQ==", size: 10 }],
};

const BLOCK = {
  action: "block",
  decision_id: "d-block",
  fail_mode: "open",
  mode: "enforce",
  sender_may_override: false,
  findings: [
    { rule: "recipients.exposed", action: "block", message: "40 people outside your organisation are in To/CC.", evidence: {}, fix: "move_to_bcc" },
  ],
  recipients: { total: 40, visible: 40, external: 40, visible_external: 40, external_domains: 5, internal_domains: [] },
  attachments: [{ name: "clients.csv", scanned: true, data_subjects: 0 }],
};

const WARN = { ...BLOCK, action: "warn", decision_id: "d-warn", findings: [{ ...BLOCK.findings[0], action: "warn" }] };

function isBlockShown(completed) {
  assert.equal(completed.allowEvent, false);
  assert.match(completed.errorMessage, /^Sendward stopped this e-mail/);
  assert.doesNotMatch(completed.errorMessage, /did not answer|could not check/);
  assert.equal(completed.sendModeOverride, undefined);
}

// -- calls that never call back ------------------------------------------------------------

for (const step of ["to.getAsync", "cc.getAsync", "bcc.getAsync", "subject.getAsync", "body.getAsync", "getAttachmentsAsync"]) {
  test(`Send: ${step} never calls back; the fail mode answers within the budget, and no verdict is made up`, TIMEOUT, async () => {
    const office = makeOffice(SEED, { behave: { [step]: "never" }, roaming: { "sendward.failMode": "closed" } });
    const fetch = fakeFetch(() => answer(200, BLOCK));
    const { Sendward } = load({ office, fetch, config: { budgetMs: 400 } });

    const completed = await run(Sendward.onMessageSendHandler);

    assert.equal(fetch.requests.length, 0, "nothing is scored on half a draft");
    assert.equal(completed.allowEvent, false);
    assert.match(completed.errorMessage, /could not check this e-mail/);
    assert.match(completed.errorMessage, /requires a check/);
  });
}

test("Send: from.getAsync never calls back; the draft is still checked and the block shown", TIMEOUT, async () => {
  const office = makeOffice(SEED, { behave: { "from.getAsync": "never" } });
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { budgetMs: 600 } });

  isBlockShown(await run(Sendward.onMessageSendHandler));
  assert.equal(fetch.requests[0].body.from, undefined);
});

test("Send: saveAsync never calls back; the bytes go inline in the time left and the block is shown", TIMEOUT, async () => {
  const office = makeOffice(SEED, { behave: { saveAsync: "never" } });
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { budgetMs: 800 } });

  isBlockShown(await run(Sendward.onMessageSendHandler));
  assert.equal(fetch.requests[0].body.item_id, undefined);
  assert.equal(fetch.requests[0].body.attachments[0].content_base64, "bmFtZSxwaG9uZQ==");
});

test("Send: getAttachmentContentAsync never calls back; the file goes unread and the rest is still checked", TIMEOUT, async () => {
  const office = makeOffice(SEED, { behave: { getAttachmentContentAsync: "never" } });
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { budgetMs: 800, attachments: "inline" } });

  isBlockShown(await run(Sendward.onMessageSendHandler));
  const [sent] = fetch.requests[0].body.attachments;
  assert.equal(sent.content_base64, undefined, "no bytes: the service names it as not read");
  assert.equal(sent.size, 10);
  assert.ok(fetch.requests[0].body.budget_ms >= 100, "the service was still given time");
});

test("Send: sessionData.getAsync never calls back; the check goes on without the stored state", TIMEOUT, async () => {
  const office = makeOffice(SEED, { behave: { "sessionData.getAsync": "never" } });
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { budgetMs: 800 } });

  isBlockShown(await run(Sendward.onMessageSendHandler));
  assert.equal(fetch.requests.length, 1);
});

for (const behaviour of ["never", { slowMs: 3000 }]) {
  test(`Send: a block that arrived in time is shown even when sessionData.setAsync is ${JSON.stringify(behaviour)}`, TIMEOUT, async () => {
    const office = makeOffice(SEED, { behave: { "sessionData.setAsync": behaviour } });
    const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, BLOCK)), config: { budgetMs: 600 } });

    isBlockShown(await run(Sendward.onMessageSendHandler));
  });
}

test("Send: slow calls everywhere still end in one answer; the block is shown", TIMEOUT, async () => {
  const office = makeOffice(SEED, { delayMs: 30 });
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, BLOCK)), config: { budgetMs: 2000 } });

  isBlockShown(await run(Sendward.onMessageSendHandler));
});

// -- the fallback reuses what was read ------------------------------------------------------

test("deadline: the fallback uses the background verdict already read, and reads nothing again", TIMEOUT, async () => {
  const office = makeOffice(SEED);
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, BLOCK)) });
  await run(Sendward.onMessageRecipientsChangedHandler);
  office.state.started.length = 0;

  const reloaded = load({ office, fetch: hangingFetch(), config: { budgetMs: 300 } });
  const completed = await run(reloaded.Sendward.onMessageSendHandler);

  assert.match(completed.errorMessage, /earlier check/);
  assert.equal(office.state.started.filter((name) => name === "to.getAsync").length, 1, "the draft was read once");
  assert.equal(office.state.started.filter((name) => name === "sessionData.getAsync").length, 3, "precheck, override and the last Send, once each");
});

test("deadline: a body read that never calls back leaves no fingerprint, so no earlier verdict is trusted", TIMEOUT, async () => {
  const office = makeOffice(SEED);
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, BLOCK)) });
  await run(Sendward.onMessageRecipientsChangedHandler);
  office.state.behave["body.getAsync"] = "never";
  const before = office.state.started.length;

  const reloaded = load({ office, fetch: hangingFetch(), config: { budgetMs: 300 } });
  const completed = await run(reloaded.Sendward.onMessageSendHandler);

  assert.match(completed.errorMessage, /Nothing was checked/);
  assert.equal(office.state.started.slice(before).filter((name) => name === "body.getAsync").length, 1, "not read again");
});

test("precheck: a recipients read that never calls back ends the event within its own budget", TIMEOUT, async () => {
  const office = makeOffice(SEED, { behave: { "to.getAsync": "never" } });
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { precheckBudgetMs: 300 } });

  assert.equal(await run(Sendward.onMessageRecipientsChangedHandler), undefined);
  assert.equal(fetch.requests.length, 0);
});

// -- empty content -------------------------------------------------------------------------

test("empty content for a non-empty attachment is sent as unread, not as an empty file", TIMEOUT, async () => {
  const office = makeOffice(SEED, { behave: { getAttachmentContentAsync: "empty" } }); // office-js #4725, #6098
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { attachments: "inline" } });

  await run(Sendward.onMessageSendHandler);

  const [sent] = fetch.requests[0].body.attachments;
  assert.equal(sent.content_base64, undefined);
  assert.equal(sent.size, 10, "the declared size goes with it");
});

test("an attachment that really is empty (declared size 0) is sent as empty bytes", TIMEOUT, async () => {
  const office = makeOffice({ ...SEED, attachments: [{ id: "att-0", name: "empty.txt", content: "", size: 0 }] });
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { attachments: "inline" } });

  await run(Sendward.onMessageSendHandler);

  assert.equal(fetch.requests[0].body.attachments[0].content_base64, "");
});

// -- at most three Office calls at once -----------------------------------------------------

test("the mock refuses a fourth concurrent call, as Outlook on the web does", () => {
  const office = makeOffice(SEED, { behave: { "to.getAsync": "never", "cc.getAsync": "never", "bcc.getAsync": "never" } });
  const item = office.Office.context.mailbox.item;
  const results = [];
  for (const field of [item.to, item.cc, item.bcc]) field.getAsync(() => {});
  item.subject.getAsync((result) => results.push(result.status));
  assert.deepEqual(results, ["failed"]);
  assert.deepEqual(office.state.refused, ["subject.getAsync"]);
});

test("Send keeps at most three Office calls in flight, so none is refused", TIMEOUT, async () => {
  const attachments = [0, 1, 2, 3, 4].map((i) => ({ id: `att-${i}`, name: `f${i}.csv`, content: "YWJj", size: 3 }));
  const office = makeOffice({ ...SEED, attachments }, { delayMs: 15 });
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { budgetMs: 3000, attachments: "inline" } });

  isBlockShown(await run(Sendward.onMessageSendHandler));

  assert.deepEqual(office.state.refused, []);
  assert.equal(office.state.maxInFlight, 3);
  assert.ok(fetch.requests[0].body.attachments.every((a) => a.content_base64 === "YWJj"), "every file was read");
});

test("a call that never calls back frees its place after its timeout; later checks still run", TIMEOUT, async () => {
  const office = makeOffice(SEED, { behave: { "from.getAsync": "never" } });
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { budgetMs: 500 } });

  await run(Sendward.onMessageSendHandler);
  await run(Sendward.onMessageSendHandler);

  assert.equal(fetch.requests.length, 2);
});

// -- the budget counts from when the runtime loaded ------------------------------------------

test("the first Send counts its budget from when launchevent.js loaded, later ones from their start", TIMEOUT, async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { budgetMs: 2500 } });
  await new Promise((resolve) => setTimeout(resolve, 800)); // the runtime loaded, Outlook's clock runs

  await run(Sendward.onMessageSendHandler);
  await run(Sendward.onMessageSendHandler);

  const [first, second] = fetch.requests.map((r) => r.body.budget_ms);
  // 2500 - 800 loading - 500 network margin leaves at most 1200; from the handler start it would be ~1950.
  assert.ok(first <= 1200, `first budget ${first}`);
  assert.ok(second > first + 400, `second budget ${second}, first ${first}`);
});

// -- warnings: the service says whether the sender may override -----------------------------

test("warn without sender_may_override: no Send Anyway on new clients", async () => {
  const office = makeOffice({ to: people(12) });
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, WARN)) });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.equal(completed.allowEvent, false);
  assert.equal(completed.sendModeOverride, undefined);
  assert.doesNotMatch(completed.errorMessage, /Send Anyway/);
});

test("older Outlook: a warning the sender may not override is not let through by a second Send", async () => {
  const office = makeOffice({ to: people(12) }, { mailbox: "1.12" });
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, WARN)) });

  const first = await run(Sendward.onMessageSendHandler);
  const second = await run(Sendward.onMessageSendHandler);

  assert.doesNotMatch(first.errorMessage, /press Send again/);
  assert.equal(second.allowEvent, false);
  assert.equal(office.state.session["sendward.warned"], undefined);
});

test("older Outlook: a verdict without the field (an older service) never lets a second Send through", async () => {
  const { sender_may_override, ...legacy } = WARN;
  const office = makeOffice({ to: people(12) }, { mailbox: "1.12" });
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, legacy)) });

  await run(Sendward.onMessageSendHandler);
  assert.equal((await run(Sendward.onMessageSendHandler)).allowEvent, false);
});

// -- the harness -------------------------------------------------------------------------

test("the harness catches a handler that calls event.completed twice", async () => {
  const first = await run((event) => {
    event.completed({ allowEvent: false });
    event.completed({ allowEvent: true });
  });
  assert.deepEqual(first, { allowEvent: false });
  assert.throws(assertCompletedOnce, /called again/);
});

// -- reference mode: a draft Graph cannot find yet ------------------------------------------

test("a draft Graph cannot find yet (409 draft_not_synced): the bytes go inline within the budget", TIMEOUT, async () => {
  const office = makeOffice(SEED);
  const notSynced = answer(409, { error: "draft_not_synced", message: "not yet" });
  const fetch = fakeFetch((request) => (request.body.item_id ? notSynced : answer(200, BLOCK)));
  const { Sendward } = load({ office, fetch, config: { budgetMs: 2000 } });

  isBlockShown(await run(Sendward.onMessageSendHandler));

  const [byReference, inline] = fetch.requests;
  assert.equal(byReference.body.item_id, "REST(EWS-ITEM-ID,v2.0)");
  assert.equal(inline.body.item_id, undefined);
  assert.equal(inline.body.attachments[0].content_base64, "bmFtZSxwaG9uZQ==");
  assert.ok(inline.body.budget_ms <= byReference.body.budget_ms, "the second request fits in what is left");
});

test("a 409 that is not draft_not_synced is not retried: the fail mode decides", TIMEOUT, async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(409, { error: "conflict", message: "?" }));
  const { Sendward } = load({ office, fetch });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.equal(fetch.requests.length, 1);
  assert.match(completed.errorMessage, /could not check this e-mail/);
});

test("classic Outlook on Windows sends the bytes inline: its cached mode saves drafts locally first", TIMEOUT, async () => {
  const office = makeOffice(SEED, { platform: "PC" });
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch });

  await run(Sendward.onMessageSendHandler);

  assert.equal(office.state.saves, 0);
  assert.equal(fetch.requests[0].body.item_id, undefined);
  assert.equal(fetch.requests[0].body.attachments[0].content_base64, "bmFtZSxwaG9uZQ==");
});

test("the background check sends the bytes inline in reference mode too, so Send finds them read", TIMEOUT, async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { attachments: "reference" } });

  await run(Sendward.onMessageRecipientsChangedHandler);
  await run(Sendward.onMessageSendHandler);

  const [precheck, send] = fetch.requests;
  assert.equal(precheck.body.purpose, "precheck");
  assert.equal(precheck.body.attachments[0].content_base64, "bmFtZSxwaG9uZQ==");
  assert.equal(precheck.body.item_id, undefined);
  assert.equal(send.body.item_id, "REST(EWS-ITEM-ID,v2.0)", "Send names the same attachment ids by reference");
  assert.deepEqual(send.body.attachments.map((a) => a.id), precheck.body.attachments.map((a) => a.id));
});

// -- MSAL.js only when a token is needed ---------------------------------------------------

function fakeDocument(onAppend) {
  const appended = [];
  return {
    appended,
    createElement: (tag) => ({ tag }),
    head: {
      appendChild(node) {
        appended.push(node);
        setTimeout(() => onAppend(node), 5);
      },
    },
  };
}

function withNestedAuth() {
  const isSet = global.Office.context.requirements.isSetSupported;
  global.Office.context.requirements.isSetSupported = (name, version) => name === "NestedAppAuth" || isSet(name, version);
}

test("MSAL.js is loaded on the first token request, once, from the service", TIMEOUT, async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { clientId: "c1", apiScope: "api://h/c1/access_as_user" } });
  withNestedAuth();
  global.document = fakeDocument((script) => {
    global.msal = {
      createNestablePublicClientApplication: () =>
        Promise.resolve({ acquireTokenSilent: () => Promise.resolve({ accessToken: "naa-token" }) }),
    };
    script.onload();
  });
  try {
    await run(Sendward.onMessageSendHandler);
    await run(Sendward.onMessageSendHandler);
    assert.deepEqual(global.document.appended.map((s) => s.src), ["https://sendward.example/addin/vendor/msal-browser.min.js"]);
    assert.equal(fetch.requests[1].headers.Authorization, "Bearer naa-token");
  } finally {
    delete global.document;
  }
});

test("without a client id MSAL.js is never loaded: Office SSO gives the token", TIMEOUT, async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch });
  withNestedAuth();
  global.document = fakeDocument(() => assert.fail("nothing should be loaded"));
  try {
    await run(Sendward.onMessageSendHandler);
    assert.equal(global.document.appended.length, 0);
    assert.equal(fetch.requests[0].headers.Authorization, "Bearer token-123");
  } finally {
    delete global.document;
  }
});

test("where MSAL.js cannot load (no DOM, or it fails) Office SSO gives the token", TIMEOUT, async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { clientId: "c1", apiScope: "api://h/c1/access_as_user" } });
  withNestedAuth();
  await run(Sendward.onMessageSendHandler); // no document: the JS-only runtime
  global.document = fakeDocument((script) => script.onerror());
  try {
    await run(Sendward.onMessageSendHandler);
    assert.deepEqual(fetch.requests.map((r) => r.headers.Authorization), ["Bearer token-123", "Bearer token-123"]);
  } finally {
    delete global.document;
  }
});

test("an older client shown an earlier warning while the service is away is not told a second Send goes", TIMEOUT, async () => {
  const office = makeOffice(SEED, { mailbox: "1.13" });
  const warned = { ...WARN, sender_may_override: true };
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, warned)) });
  await run(Sendward.onMessageRecipientsChangedHandler);

  const reloaded = load({ office, fetch: hangingFetch(), config: { budgetMs: 300 } });
  const completed = await run(reloaded.Sendward.onMessageSendHandler);

  assert.equal(completed.allowEvent, false);
  assert.match(completed.errorMessage, /earlier check/);
  assert.doesNotMatch(completed.errorMessage, /press Send again/);
});
