"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { makeOffice, fakeFetch, hangingFetch, answer, load, run, people, assertCompletedOnce } = require("./support");

test.afterEach(assertCompletedOnce);

const SEED = {
  to: people(157),
  subject: "Your appointments",
  attachments: [{ id: "att-0", name: "clients.xlsx", content: "UEsDBBQ=", size: 5 }],
};

const BLOCK = {
  action: "block",
  decision_id: "d-block",
  fail_mode: "open",
  mode: "enforce",
  findings: [
    {
      rule: "recipients.exposed",
      action: "block",
      message: "157 people outside your organisation are in To/CC and will see each other's e-mail addresses. Move them to BCC.",
      evidence: { visible_external: 157 },
      fix: "move_to_bcc",
    },
    {
      rule: "attachment.personal_data",
      action: "block",
      message: "clients.xlsx holds personal data about 163 people (163 names, 163 phone numbers), and it is going outside your organisation.",
      evidence: { attachment: 0, data_subjects: 163 },
      fix: "remove_attachment",
    },
  ],
  recipients: {
    total: 157, visible: 157, external: 157, visible_external: 157, external_domains: 157,
    internal_domains: ["northshire.gov.uk", "nhs.net"], move_to_bcc: ["person.0@gmail.com"],
  },
  attachments: [{ name: "clients.xlsx", scanned: true, data_subjects: 163 }],
};

const WARN = {
  ...BLOCK,
  action: "warn",
  decision_id: "d-warn",
  sender_may_override: true,
  findings: [{ rule: "recipients.exposed", action: "warn", message: "12 people outside your organisation are in To/CC.", evidence: {}, fix: "move_to_bcc" }],
};

const ALLOW = { ...BLOCK, action: "allow", decision_id: "d-allow", findings: [], fail_mode: "closed" };

test("allow: the message is sent and the request carries the draft, a token and the saved draft's id", async () => {
  const office = makeOffice({ ...SEED, cc: people(1, "northshire.gov.uk"), bcc: people(2, "nhs.net") });
  const fetch = fakeFetch(() => answer(200, ALLOW));
  const { Sendward } = load({ office, fetch });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.deepEqual(completed, { allowEvent: true });
  assert.equal(fetch.requests.length, 1);
  const [request] = fetch.requests;
  assert.equal(request.url, "https://sendward.example/api/v1/score");
  assert.equal(request.headers.Authorization, "Bearer token-123");
  assert.equal(request.body.purpose, "send");
  assert.equal(request.body.to.length, 157);
  assert.deepEqual(request.body.cc, [{ address: "person.0@northshire.gov.uk", name: "Person 0" }]);
  assert.equal(request.body.bcc.length, 2);
  assert.equal(request.body.from.address, "ils@northshire.gov.uk");
  assert.equal(request.body.item_id, "REST(EWS-ITEM-ID,v2.0)");
  assert.equal(request.body.attachments[0].id, "att-0");
  assert.equal(request.body.attachments[0].content_base64, undefined, "reference mode sends no bytes");
  assert.equal(request.body.client.platform, "OfficeOnline");
  assert.deepEqual(office.state.roaming, { "sendward.failMode": "closed" }, "the tenant's fail mode is remembered");
});

test("a cloud attachment is sent as a reference with its https link; other links are dropped", async () => {
  const office = makeOffice({
    ...SEED,
    attachments: [
      { id: "att-0", name: "clients.xlsx", attachmentType: "cloud", url: "https://northshire.sharepoint.com/clients.xlsx" },
      { id: "att-1", name: "notes.docx", attachmentType: "cloud", url: "http://intranet/notes.docx" },
    ],
  });
  const fetch = fakeFetch(() => answer(200, ALLOW));
  const { Sendward } = load({ office, fetch });

  await run(Sendward.onMessageSendHandler);

  const [linked, plain] = fetch.requests[0].body.attachments;
  assert.equal(linked.kind, "reference");
  assert.equal(linked.url, "https://northshire.sharepoint.com/clients.xlsx");
  assert.equal(plain.kind, "reference");
  assert.equal(plain.url, undefined, "only https links are sent (the server refuses others)");
});

test("inline mode sends the attachment bytes and saves nothing", async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, ALLOW));
  const { Sendward } = load({ office, fetch, config: { attachments: "inline" } });

  await run(Sendward.onMessageSendHandler);

  assert.equal(office.state.saves, 0);
  assert.equal(fetch.requests[0].body.attachments[0].content_base64, "UEsDBBQ=");
  assert.equal(fetch.requests[0].body.item_id, undefined);
});

test("the request tells the service a budget smaller than the time the handler still waits", async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, ALLOW));
  // Signing in takes a second of the handler's 4: the service must not plan on all 4.
  const { Sendward } = load({ office, fetch, tokenDelayMs: 1000, config: { budgetMs: 4000 } });

  const started = Date.now();
  await run(Sendward.onMessageSendHandler);

  const [request] = fetch.requests;
  const stillWaiting = started + 4000 - request.at;
  assert.ok(stillWaiting <= 3000, "the token took its share");
  assert.equal(typeof request.body.budget_ms, "number");
  assert.ok(request.body.budget_ms < stillWaiting - 250, `budget ${request.body.budget_ms} ms, waiting ${stillWaiting} ms`);
  assert.ok(request.body.budget_ms >= 100, "never below what the service accepts");
});

test("with almost no time left the request still carries a budget the service accepts", async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, ALLOW));
  const { Sendward } = load({ office, fetch, config: { budgetMs: 300 } });

  await run(Sendward.onMessageSendHandler);

  assert.equal(fetch.requests[0].body.budget_ms, 100);
});

test("warn: a dialog with the reasons, Fix it opening the pane, and Send Anyway", async () => {
  const office = makeOffice({ to: people(12) });
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, WARN)) });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.equal(completed.allowEvent, false);
  assert.equal(completed.sendModeOverride, "promptUser");
  assert.equal(completed.cancelLabel, "Fix it");
  assert.equal(completed.commandId, "SendwardPaneButton");
  assert.match(completed.errorMessage, /12 people outside your organisation/);
  assert.match(completed.errorMessageMarkdown, /^\*\*Sendward found a problem/);
  const last = JSON.parse(office.state.session["sendward.last"]);
  assert.equal(last.decision_id, "d-warn", "the pane can find the decision it must override");
});

test("block: no Send Anyway, and the dialog names the spreadsheet and the 157 recipients", async () => {
  const office = makeOffice(SEED);
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, BLOCK)) });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.equal(completed.allowEvent, false);
  assert.equal(completed.sendModeOverride, undefined);
  assert.match(completed.errorMessage, /157 people/);
  assert.match(completed.errorMessage, /clients\.xlsx/);
  assert.ok(completed.errorMessage.length <= 500);
  assert.ok(completed.errorMessageMarkdown.length <= 500);
  assert.match(completed.errorMessageMarkdown, /- 157 people.*\r/);
});

test("the dialog lists the service's problems, one line each, instead of every finding", async () => {
  const verdict = {
    ...BLOCK,
    findings: [
      ...BLOCK.findings,
      { rule: "recipients.external_domains", action: "warn", message: "To/CC span 157 outside organisations.", evidence: {}, fix: "move_to_bcc" },
    ],
    problems: [
      { action: "block", rules: ["recipients.exposed", "recipients.external_domains"], message: "157 people will see each other." },
      { action: "block", rules: ["attachment.personal_data"], message: "clients.xlsx holds personal data about 163 people." },
    ],
  };
  const office = makeOffice(SEED);
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, verdict)) });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.equal((completed.errorMessageMarkdown.match(/^- /gm) || []).length, 2);
  assert.doesNotMatch(completed.errorMessage, /outside organisations/);
  const last = JSON.parse(office.state.session["sendward.last"]);
  assert.equal(last.problems.length, 2, "a cached verdict shows the same lines");
});

test("Send pressed again on the same e-mail names the previous Send's decision; a check does not", async () => {
  const office = makeOffice({ to: people(12) });
  const fetch = fakeFetch(() => answer(200, WARN));
  const { Sendward } = load({ office, fetch });

  await run(Sendward.onMessageSendHandler);
  assert.equal(fetch.requests[0].body.previous_decision_id, undefined, "the first Send has none");
  await run(Sendward.onMessageSendHandler);
  assert.equal(fetch.requests[1].body.previous_decision_id, "d-warn");
  await Sendward.score(Office.context.mailbox.item, { purpose: "precheck", deadline: Date.now() + 5000 });
  assert.equal(fetch.requests[2].body.previous_decision_id, undefined);
});

test("warn where the policy allows no override: no Send Anyway", async () => {
  const office = makeOffice({ to: people(12) });
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, { ...WARN, sender_may_override: false })) });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.equal(completed.allowEvent, false);
  assert.equal(completed.sendModeOverride, undefined);
  assert.doesNotMatch(completed.errorMessage, /Send Anyway/);
});

test("older Outlook (Mailbox 1.12): plain message only; a warning goes when Send is pressed again", async () => {
  const office = makeOffice({ to: people(12) }, { mailbox: "1.12" });
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, WARN)) });

  const first = await run(Sendward.onMessageSendHandler);
  assert.deepEqual(Object.keys(first).sort(), ["allowEvent", "errorMessage"]);
  assert.match(first.errorMessage, /press Send again/);
  assert.deepEqual(await run(Sendward.onMessageSendHandler), { allowEvent: true });

  office.state.to = people(13);
  assert.equal((await run(Sendward.onMessageSendHandler)).allowEvent, false, "a changed draft is warned about again");
});

test("older Outlook: a block stays a block however often Send is pressed", async () => {
  const office = makeOffice(SEED, { mailbox: "1.12" });
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, BLOCK)) });

  await run(Sendward.onMessageSendHandler);
  const second = await run(Sendward.onMessageSendHandler);
  assert.equal(second.allowEvent, false);
  assert.match(second.errorMessage, /send it again/);
});

test("timeout: the service does not answer within the budget; unknown fail mode lets mail go, honestly", async () => {
  const office = makeOffice(SEED);
  const fetch = hangingFetch();
  const { Sendward } = load({ office, fetch, config: { budgetMs: 150 } });

  const started = Date.now();
  const completed = await run(Sendward.onMessageSendHandler);

  assert.ok(Date.now() - started < 1500, "answered within the budget, not after the service");
  assert.equal(completed.allowEvent, false);
  assert.equal(completed.sendModeOverride, "promptUser");
  assert.match(completed.errorMessage, /did not answer in time/);
  assert.match(completed.errorMessage, /Nothing was checked/);
  assert.ok(fetch.requests[0].signal.aborted, "the request was aborted");
});

test("timeout with a closed fail mode remembered: blocked, without Send Anyway", async () => {
  const office = makeOffice(SEED, { roaming: { "sendward.failMode": "closed" } });
  const { Sendward } = load({ office, fetch: hangingFetch(), config: { budgetMs: 100 } });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.equal(completed.allowEvent, false);
  assert.equal(completed.sendModeOverride, undefined);
  assert.match(completed.errorMessage, /requires a check/);
});

test("first-ever send, service down, deployment fail mode closed: blocked without Send Anyway", async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => Promise.reject(new TypeError("Failed to fetch")));
  const { Sendward } = load({ office, fetch, config: { failMode: "closed" } });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.deepEqual(office.state.roaming, {}, "no verdict has told the tenant's fail mode yet");
  assert.equal(completed.allowEvent, false);
  assert.equal(completed.sendModeOverride, undefined);
  assert.match(completed.errorMessage, /could not be reached/);
  assert.match(completed.errorMessage, /requires a check/);
});

test("a tenant's fail mode learnt from a verdict wins over the deployment's", async () => {
  const office = makeOffice(SEED, { roaming: { "sendward.failMode": "open" } });
  const fetch = fakeFetch(() => Promise.reject(new TypeError("Failed to fetch")));
  const { Sendward } = load({ office, fetch, config: { failMode: "closed" } });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.equal(completed.sendModeOverride, "promptUser");
  assert.match(completed.errorMessage, /Nothing was checked/);
});

test("unreachable service on an old client with no Send Anyway: mail goes (fail open)", async () => {
  const office = makeOffice(SEED, { mailbox: "1.12" });
  const fetch = fakeFetch(() => Promise.reject(new TypeError("Failed to fetch")));
  const { Sendward } = load({ office, fetch });

  assert.deepEqual(await run(Sendward.onMessageSendHandler), { allowEvent: true });
});

test("token failure: nothing is sent to the service and the sender is told why", async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, ALLOW));
  const { Sendward } = load({ office, fetch, tokenError: { code: 13001, message: "not signed in" } });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.equal(fetch.requests.length, 0);
  assert.equal(completed.allowEvent, false);
  assert.match(completed.errorMessage, /could not sign you in/);
  assert.deepEqual(global.OfficeRuntime.auth.calls[0], { allowSignInPrompt: false, allowConsentPrompt: false });
});

test("a 401 from the service counts as a sign-in failure", async () => {
  const office = makeOffice(SEED);
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(401, { error: "invalid_token", message: "expired" })) });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.match(completed.errorMessage, /could not sign you in/);
});

test("nested app authentication is tried first when MSAL and the NestedAppAuth set are there", async () => {
  const office = makeOffice({ to: people(1) });
  const fetch = fakeFetch(() => answer(200, ALLOW));
  const { Sendward } = load({ office, fetch, config: { clientId: "c1", apiScope: "api://h/c1/access_as_user" } });
  const isSet = global.Office.context.requirements.isSetSupported;
  global.Office.context.requirements.isSetSupported = (name, version) => name === "NestedAppAuth" || isSet(name, version);
  const seen = [];
  global.msal = {
    createNestablePublicClientApplication: (configuration) => {
      seen.push(configuration.auth.clientId);
      return Promise.resolve({
        acquireTokenSilent: (request) => {
          seen.push(request.scopes[0]);
          return Promise.resolve({ accessToken: "naa-token" });
        },
      });
    },
  };

  await run(Sendward.onMessageSendHandler);

  assert.deepEqual(seen, ["c1", "api://h/c1/access_as_user"]);
  assert.equal(fetch.requests[0].headers.Authorization, "Bearer naa-token");
  assert.equal(global.OfficeRuntime.auth.calls.length, 0, "Office SSO was not needed");
});

test("save failure: the attachment bytes go inline instead of the draft's id", async () => {
  const office = makeOffice(SEED, { saveFails: true });
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.equal(office.state.saves, 1);
  assert.equal(fetch.requests[0].body.item_id, undefined);
  assert.equal(fetch.requests[0].body.attachments[0].content_base64, "UEsDBBQ=");
  assert.equal(completed.allowEvent, false);
});

test("the service refusing the draft (4xx) applies the fail mode, naming the reason", async () => {
  const office = makeOffice(SEED);
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(413, { error: "too_large", message: "too big" })) });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.match(completed.errorMessage, /could not read this e-mail/);
});

test("a rate-limited check (429) says so, not that the e-mail could not be read", async () => {
  const office = makeOffice(SEED);
  const limited = answer(429, { error: "rate_limited", message: "your limit of 120 checks a minute is used up" });
  const { Sendward } = load({ office, fetch: fakeFetch(() => limited) });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.match(completed.errorMessage, /more checks in the last minute/);
  assert.doesNotMatch(completed.errorMessage, /could not read this e-mail/);
});

test("precheck: a recipients change scores in the background, unrecorded, once per draft", async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch });

  assert.equal(await run(Sendward.onMessageRecipientsChangedHandler), undefined);
  await run(Sendward.onMessageAttachmentsChangedHandler);

  assert.equal(fetch.requests.length, 1, "the same draft is not checked twice");
  assert.equal(fetch.requests[0].body.purpose, "precheck");
  const kept = JSON.parse(office.state.session["sendward.precheck"]);
  assert.equal(kept.action, "block");
  assert.deepEqual(kept.attachments_sent, [{ id: "att-0", name: "clients.xlsx" }]);
  assert.deepEqual(kept.recipients.move_to_bcc, ["person.0@gmail.com"], "the pane's fixes need them");

  office.state.bcc = people(1, "gmail.com");
  await run(Sendward.onMessageRecipientsChangedHandler);
  assert.equal(fetch.requests.length, 2, "a changed draft is checked again");
});

test("precheck: waits longer than Send and tells the service the longer budget", async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { budgetMs: 4000, precheckBudgetMs: 30000 } });

  const started = Date.now();
  await run(Sendward.onMessageRecipientsChangedHandler);
  await run(Sendward.onMessageSendHandler);

  const [precheck, send] = fetch.requests;
  assert.equal(precheck.body.purpose, "precheck");
  assert.ok(precheck.body.budget_ms > 20000 && precheck.body.budget_ms < started + 30000 - precheck.at);
  assert.equal(send.body.purpose, "send");
  assert.ok(send.body.budget_ms < 4000);
});

test("precheck: without a configured budget it waits 30 s, not Send's 4 s", async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch });

  await run(Sendward.onMessageRecipientsChangedHandler);

  assert.ok(fetch.requests[0].body.budget_ms > 25000 && fetch.requests[0].body.budget_ms < 30000);
});

test("precheck: a verdict made while Graph failed is not kept as the answer for the draft", async () => {
  const TIMED_OUT = {
    ...BLOCK,
    decision_id: "d-timeout",
    findings: [{
      rule: "attachment.unscannable", action: "block", message: "clients.xlsx could not be checked: the time budget ran out.",
      evidence: { attachment: 0, reason: "time_budget", scanned: false, infrastructure_failure: true }, fix: "none",
    }],
  };
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, TIMED_OUT));
  const { Sendward } = load({ office, fetch });

  await run(Sendward.onMessageRecipientsChangedHandler);
  assert.equal(office.state.session["sendward.precheck"], undefined);
  await run(Sendward.onMessageAttachmentsChangedHandler);
  assert.equal(fetch.requests.length, 2, "the same draft is checked again");

  const reloaded = load({ office, fetch: hangingFetch(), config: { budgetMs: 100 } });
  const completed = await run(reloaded.Sendward.onMessageSendHandler);
  assert.doesNotMatch(completed.errorMessage, /earlier check/);
  assert.match(completed.errorMessage, /did not answer in time/);
});

test("precheck: a verdict missing a lookup (not_checked) is not kept either", async () => {
  const office = makeOffice(SEED);
  const fetch = fakeFetch(() => answer(200, { ...BLOCK, not_checked: ["verified_domains"] }));
  const { Sendward } = load({ office, fetch });

  await run(Sendward.onMessageRecipientsChangedHandler);

  assert.equal(office.state.session["sendward.precheck"], undefined);
});

test("a slow service on Send falls back to the background verdict for the same draft", async () => {
  const office = makeOffice(SEED);
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, BLOCK)) });
  await run(Sendward.onMessageRecipientsChangedHandler);

  const reloaded = load({ office, fetch: hangingFetch(), config: { budgetMs: 100 } });
  const completed = await run(reloaded.Sendward.onMessageSendHandler);

  assert.equal(completed.allowEvent, false);
  assert.match(completed.errorMessage, /earlier check/);
  assert.match(completed.errorMessage, /clients\.xlsx/);
});

test("a background verdict for a different draft is not used", async () => {
  const office = makeOffice(SEED);
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, BLOCK)) });
  await run(Sendward.onMessageRecipientsChangedHandler);
  office.state.to = people(3);

  const reloaded = load({ office, fetch: hangingFetch(), config: { budgetMs: 100 } });
  const completed = await run(reloaded.Sendward.onMessageSendHandler);

  assert.match(completed.errorMessage, /Nothing was checked/);
});

test("an override kept for the draft is sent with the next request and cleared once accepted", async () => {
  const office = makeOffice(SEED);
  office.state.session["sendward.override"] = JSON.stringify({ decision_id: "d-block", justification: "Agreed with the DPO" });
  const accepted = { ...ALLOW, override: { accepted: true, reason: null } };
  const fetch = fakeFetch(() => answer(200, accepted));
  const { Sendward } = load({ office, fetch });

  assert.deepEqual(await run(Sendward.onMessageSendHandler), { allowEvent: true });
  assert.deepEqual(fetch.requests[0].body.override, { decision_id: "d-block", justification: "Agreed with the DPO" });
  assert.equal(office.state.session["sendward.override"], undefined);
});

test("without sessionData the handler still works and keeps state in memory", async () => {
  const office = makeOffice(SEED, { noSessionData: true });
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, BLOCK)) });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.equal(completed.allowEvent, false);
});

test("the handlers are registered with Office.actions.associate", () => {
  const office = makeOffice();
  load({ office, fetch: fakeFetch(() => answer(200, ALLOW)) });
  assert.deepEqual(Object.keys(office.handlers).sort(), [
    "onMessageAttachmentsChangedHandler",
    "onMessageRecipientsChangedHandler",
    "onMessageSendHandler",
  ]);
});

test("monitor mode: an allow verdict with would_action never interrupts", () => {
  const office = makeOffice();
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(200, ALLOW)) });
  assert.deepEqual(Sendward.completionFor({ ...BLOCK, action: "allow", would_action: "block", mode: "monitor" }, ""), {
    allowEvent: true,
  });
});

test("precheck: an attachment read that never calls back does not hang the event; the file goes unread", async () => {
  const office = makeOffice(SEED, { behave: { getAttachmentContentAsync: "never" } }); // office-js issue #5845
  const fetch = fakeFetch(() => answer(200, BLOCK));
  const { Sendward } = load({ office, fetch, config: { attachments: "inline", precheckBudgetMs: 400 } });

  await run(Sendward.onMessageRecipientsChangedHandler);

  assert.equal(fetch.requests.length, 1, "the rest of the draft is still checked");
  assert.equal(fetch.requests[0].body.attachments[0].content_base64, undefined, "sent as unread, not as bytes");
});

// -- the service failing on its side (5xx): never an allow, the fail mode decides ---------------

for (const [status, body] of [
  [500, { error: "internal", message: "internal error" }],
  [503, { error: "unavailable", message: "the policy store cannot be reached; try again" }],
]) {
  test(`a ${status} from the service with an unknown fail mode: not sent silently, Send Anyway offered`, async () => {
    const office = makeOffice(SEED);
    const { Sendward } = load({ office, fetch: fakeFetch(() => answer(status, body)) });

    const completed = await run(Sendward.onMessageSendHandler);

    assert.equal(completed.allowEvent, false);
    assert.equal(completed.sendModeOverride, "promptUser");
    assert.match(completed.errorMessage, /Sendward could not check this e-mail/);
    assert.match(completed.errorMessage, /Nothing was checked/);
  });

  test(`a ${status} from the service with a closed fail mode: blocked without Send Anyway`, async () => {
    const office = makeOffice(SEED, { roaming: { "sendward.failMode": "closed" } });
    const { Sendward } = load({ office, fetch: fakeFetch(() => answer(status, body)) });

    const completed = await run(Sendward.onMessageSendHandler);

    assert.equal(completed.allowEvent, false);
    assert.equal(completed.sendModeOverride, undefined);
    assert.match(completed.errorMessage, /requires a check before e-mail leaves/);
  });
}

test("a 502 from a proxy, with an HTML body, is a failure too, never a verdict", async () => {
  const office = makeOffice(SEED);
  const html = { ok: false, status: 502, json: () => Promise.reject(new SyntaxError("Unexpected token <")) };
  const { Sendward } = load({ office, fetch: fakeFetch(() => html) });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.equal(completed.allowEvent, false);
  assert.match(completed.errorMessage, /Nothing was checked/);
});

test("a 5xx whose body looks like a verdict is still a failure, not that verdict", async () => {
  const office = makeOffice(SEED);
  const { Sendward } = load({ office, fetch: fakeFetch(() => answer(500, ALLOW)) });

  const completed = await run(Sendward.onMessageSendHandler);

  assert.equal(completed.allowEvent, false, "an allow inside an error reply is not an allow");
  assert.match(completed.errorMessage, /Nothing was checked/);
});
