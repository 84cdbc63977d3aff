"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { makeOffice, fakeFetch, answer, load, people } = require("./support");

/** recipients.move_to_bcc as the service sends it: the addresses it counted outside. */
const addresses = (list) => list.map((r) => r.address);

function setup(draft) {
  const office = makeOffice(draft);
  const { Sendward, Fixes } = load({ office, fetch: fakeFetch(() => answer(500, {})) });
  const item = global.Office.context.mailbox.item;
  return { office, Sendward, Fixes, item, read: () => Sendward.readDraft(item) };
}

test("move to BCC: 157 outside recipients leave To in chunks of 100, colleagues stay", async () => {
  const colleague = { address: "ann@northshire.gov.uk", name: "Ann" };
  const { office, Fixes, item, read } = setup({ to: people(157).concat([colleague]), cc: [{ address: "bob@social.northshire.gov.uk" }] });

  const moved = await Fixes.moveOutsideToBcc(item, await read(), addresses(people(157)));

  assert.equal(moved, 157);
  assert.deepEqual(office.state.to.map((r) => r.address), ["ann@northshire.gov.uk"]);
  assert.deepEqual(office.state.cc.map((r) => r.address), ["bob@social.northshire.gov.uk"]);
  assert.equal(office.state.bcc.length, 157);
  assert.deepEqual(office.state.calls.slice(0, 2), ["bcc.setAsync:100", "bcc.addAsync:57"]);
});

test("move to BCC moves exactly the addresses the verdict names: a second internal domain, its subdomain and a trusted partner stay", async () => {
  const colleague = { address: "carol@northshire-council.org.uk", name: "Carol" };
  const partner = { address: "dr.jones@nhs.net", name: "Dr Jones" };
  const subdomain = { address: "dan@social.northshire-council.org.uk", name: "Dan" };
  const { office, Fixes, item, read } = setup({ to: people(4).concat([colleague, partner]), cc: [subdomain, ...people(2, "lookalike-nhs.net")] });
  // recipients.move_to_bcc: the service counted these outside (any case: compared lower-cased)
  const named = addresses(people(4)).concat(["PERSON.0@lookalike-nhs.net", "person.1@lookalike-nhs.net"]);

  const draft = await read();
  assert.equal(Fixes.outsideVisible(draft, named).length, 6);
  const moved = await Fixes.moveOutsideToBcc(item, draft, named);

  assert.equal(moved, 6);
  assert.deepEqual(office.state.to.map((r) => r.address), [colleague.address, partner.address]);
  assert.deepEqual(office.state.cc.map((r) => r.address), [subdomain.address]);
  assert.deepEqual(office.state.bcc.map((r) => r.address).sort(), [
    "person.0@gmail.com", "person.0@lookalike-nhs.net", "person.1@hotmail.co.uk",
    "person.1@lookalike-nhs.net", "person.2@yahoo.co.uk", "person.3@outlook.com",
  ]);
});

test("a verdict that names nobody (an older service): nothing is moved and no fix is guessed", async () => {
  const colleague = { address: "carol@northshire-council.org.uk", name: "Carol" };
  const { office, Fixes, item, read } = setup({ to: people(2).concat([colleague, { address: "ann@northshire.gov.uk" }]) });
  const draft = await read();

  assert.equal(Fixes.outsideVisible(draft, undefined).length, 0);
  assert.equal(await Fixes.moveOutsideToBcc(item, draft, undefined), 0);
  assert.equal(office.state.to.length, 4);
  assert.deepEqual(office.state.calls, []);
});

test("split sends one e-mail to each outside recipient only; a trusted partner stays on this draft", async () => {
  const partner = { address: "dr.jones@nhs.net", name: "Dr Jones" };
  const { office, Fixes, item, read } = setup({ to: people(3).concat([partner]) });

  const result = await Fixes.splitPerRecipient(item, await read(), addresses(people(3)));

  assert.equal(result.opened, 2);
  assert.ok(office.state.to.some((r) => r.address === partner.address));
  assert.ok(!office.state.opened.some((p) => p.toRecipients[0] === partner.address));
});

test("move to BCC with nobody left in To puts the sender there", async () => {
  const { office, Fixes, item, read } = setup({ to: people(3), bcc: [{ address: "person.0@gmail.com" }] });

  await Fixes.moveOutsideToBcc(item, await read(), addresses(people(3)));

  assert.deepEqual(office.state.to.map((r) => r.address), ["ils@northshire.gov.uk"]);
  assert.equal(office.state.bcc.length, 3, "an address already in BCC is not added twice");
});

test("split: this draft keeps the first outside recipient, a new draft opens for each other", async () => {
  const { office, Fixes, item, read } = setup({ to: people(3), subject: "Your appointment", attachments: [{ name: "a.pdf", content: "AA==" }] });

  const result = await Fixes.splitPerRecipient(item, await read(), addresses(people(3)));

  assert.deepEqual(result, { opened: 2, attachmentsNotCopied: true });
  assert.deepEqual(office.state.to.map((r) => r.address), ["person.0@gmail.com"]);
  assert.deepEqual(office.state.opened.map((p) => p.toRecipients[0]), ["person.1@hotmail.co.uk", "person.2@yahoo.co.uk"]);
  assert.equal(office.state.opened[0].subject, "Your appointment");
});

test("split refuses more recipients than it can sensibly open", async () => {
  const { Fixes, item, read } = setup({ to: people(26) });
  assert.equal(Fixes.SPLIT_LIMIT, 25);
  await assert.rejects(Fixes.splitPerRecipient(item, await read(), addresses(people(26))), /too many recipients/);
});

test("split refuses a body longer than a new message form takes (32 KB), before opening anything", async () => {
  const { office, Fixes, item, read } = setup({ to: people(3), body: "<p>" + "x".repeat(33 * 1024) + "</p>" });
  await assert.rejects(Fixes.splitPerRecipient(item, await read(), addresses(people(3))), /longer than Outlook can copy/);
  assert.deepEqual(office.state.opened, []);
  assert.equal(office.state.to.length, 3, "nobody was taken off this draft");
});

test("remove an attachment by the id the request used", async () => {
  const { office, Fixes, item } = setup({ attachments: [{ id: "x1", name: "clients.xlsx", content: "AA==" }] });
  await Fixes.removeAttachment(item, "x1");
  assert.deepEqual(office.state.removed, ["x1"]);
  assert.equal(office.state.attachments.length, 0);
});

test("remove a look-alike recipient from every field", async () => {
  const { office, Fixes, item, read } = setup({
    to: [{ address: "referrals@northshlre.gov.uk" }, { address: "ann@northshire.gov.uk" }],
    bcc: [{ address: "x@NORTHSHLRE.gov.uk" }],
  });

  const removed = await Fixes.removeRecipientsAt(item, await read(), "northshlre.gov.uk");

  assert.equal(removed, 2);
  assert.deepEqual(office.state.to.map((r) => r.address), ["ann@northshire.gov.uk"]);
  assert.deepEqual(office.state.bcc, []);
});

test("wrong recipient: replaced by the address meant, in the same field, or removed", async () => {
  const { office, Fixes, item, read } = setup({
    to: [{ address: "ann@northshire.gov.uk" }, { address: "John.Smith@gmail.com", name: "John Smith" }],
    cc: [{ address: "bob@northshire.gov.uk" }],
  });

  const changed = await Fixes.replaceRecipient(item, await read(), "john.smith@gmail.com", "john.smith@partner.org");

  assert.equal(changed, 1);
  assert.deepEqual(office.state.to.map((r) => r.address), ["ann@northshire.gov.uk", "john.smith@partner.org"]);
  assert.deepEqual(office.state.cc.map((r) => r.address), ["bob@northshire.gov.uk"]);

  await Fixes.replaceRecipient(item, await read(), "bob@northshire.gov.uk", null);
  assert.deepEqual(office.state.cc, []);
});

test("wrong recipient: the address meant is not added twice when it is already there", async () => {
  const { office, Fixes, item, read } = setup({
    to: [{ address: "john.smith@partner.org" }],
    cc: [{ address: "john.smith@gmail.com" }],
  });

  await Fixes.replaceRecipient(item, await read(), "john.smith@gmail.com", "john.smith@partner.org");

  assert.deepEqual(office.state.to.map((r) => r.address), ["john.smith@partner.org"]);
  assert.deepEqual(office.state.cc, []);
});

// -- a fix failing half-way: whatever step fails, nobody is dropped from the message -----------

/** Makes `method` of `target` fail from its `from`-th call on (1: the first), as Office.js reports it. */
function failFrom(target, method, from = 1) {
  const real = target[method];
  let calls = 0;
  target[method] = function (...args) {
    calls += 1;
    if (calls < from) return real.apply(this, args);
    args.pop()({ status: "failed", error: { name: "Error", message: "GenericResponseError" } });
  };
}

/** assert.rejects' check for the error officeCall reports: reason "office", the call named in detail. */
const officeFailure = (pattern) => (error) => error.reason === "office" && pattern.test(error.detail);

test("move to BCC failing when To is rewritten: rejected, and everyone is still on the message", async () => {
  const { office, Fixes, item, read } = setup({ to: people(5).concat([{ address: "ann@northshire.gov.uk" }]) });
  failFrom(item.to, "setAsync");

  await assert.rejects(Fixes.moveOutsideToBcc(item, await read(), addresses(people(5))), officeFailure(/setAsync failed: GenericResponseError/));

  assert.equal(office.state.to.length, 6, "To is untouched: nobody was taken off before the failure");
  assert.equal(office.state.bcc.length, 5, "BCC came first, so the outside people are also in BCC");
});

test("move to BCC failing after the first 100 of 157: To is untouched and the error surfaces", async () => {
  const { office, Fixes, item, read } = setup({ to: people(157) });
  failFrom(item.bcc, "addAsync");

  await assert.rejects(Fixes.moveOutsideToBcc(item, await read(), addresses(people(157))), officeFailure(/addAsync failed/));

  assert.equal(office.state.to.length, 157);
  assert.equal(office.state.bcc.length, 100);
  assert.deepEqual(office.state.calls, ["bcc.setAsync:100"]);
});

test("split failing on the second new draft: rejected, and this draft keeps every recipient", async () => {
  const { office, Fixes, item, read } = setup({ to: people(4) });
  failFrom(global.Office.context.mailbox, "displayNewMessageFormAsync", 2);

  const refusal = await Fixes.splitPerRecipient(item, await read(), addresses(people(4))).catch((error) => error);

  assert.ok(officeFailure(/displayNewMessageFormAsync failed/)(refusal));
  assert.match(refusal.message, /^Outlook opened 1 new e-mail, then would not open more.*close the new e-mails\.$/);
  assert.equal(office.state.opened.length, 1, "one new draft opened before the failure");
  assert.equal(office.state.to.length, 4, "recipients leave this draft only after every new draft opened");
});

// displayNewMessageForm(Async) is documented for Read mode only: in compose it may be missing or refused.

test("split where Outlook cannot open a new e-mail at all: a clear refusal before anything changes", async () => {
  const office = makeOffice({ to: people(4) }, { noNewMessageForm: true });
  const { Sendward, Fixes } = load({ office, fetch: fakeFetch(() => answer(500, {})) });
  const item = global.Office.context.mailbox.item;
  assert.equal(Fixes.canOpenNewMessages(), false);

  const refusal = await Fixes.splitPerRecipient(item, await Sendward.readDraft(item), addresses(people(4))).catch((error) => error);

  assert.equal(refusal.reason, "unsupported");
  assert.match(refusal.message, /cannot open new e-mails from one you are writing.*Move the recipients to BCC/);
  assert.equal(office.state.to.length, 4, "nobody left this draft");
  assert.deepEqual(office.state.opened, []);
});

test("split refused by Outlook while composing: the pane's message says so and offers BCC", async () => {
  const { office, Fixes, item, read } = setup({ to: people(4) });
  assert.equal(Fixes.canOpenNewMessages(), true);
  failFrom(global.Office.context.mailbox, "displayNewMessageFormAsync", 1);

  const refusal = await Fixes.splitPerRecipient(item, await read(), addresses(people(4))).catch((error) => error);

  assert.match(refusal.message, /^Outlook did not open a new e-mail .*Nothing was removed from this e-mail\. Move the recipients to BCC instead\.$/);
  assert.ok(officeFailure(/displayNewMessageFormAsync failed/)(refusal), "the Office error is kept as detail");
  assert.equal(office.state.to.length, 4);
});

test("removing a look-alike failing on CC: rejected, so the pane can say the fix did not finish", async () => {
  const { office, Fixes, item, read } = setup({
    to: [{ address: "referrals@northshlre.gov.uk" }, { address: "ann@northshire.gov.uk" }],
    cc: [{ address: "x@northshlre.gov.uk" }],
  });
  failFrom(item.cc, "setAsync");

  await assert.rejects(Fixes.removeRecipientsAt(item, await read(), "northshlre.gov.uk"), officeFailure(/setAsync failed/));

  assert.deepEqual(office.state.to.map((r) => r.address), ["ann@northshire.gov.uk"]);
  assert.deepEqual(office.state.cc.map((r) => r.address), ["x@northshlre.gov.uk"], "not silently claimed done");
});

test("correct a look-alike: each address at it moves to the real domain, names and fields kept", async () => {
  const { item, office, read, Fixes } = setup({
    to: [
      { address: "ann@northshire.gov.uk", name: "Ann" },
      { address: "bob@northshlre.gov.uk", name: "Bob" },
    ],
    cc: [{ address: "cat@mail.northshlre.gov.uk", name: "" }],
    bcc: [{ address: "x@NORTHSHLRE.gov.uk", name: "x@NORTHSHLRE.gov.uk" }, { address: "y@notnorthshlre.gov.uk" }],
  });

  const fixed = await Fixes.correctRecipientsAt(item, await read(), "northshlre.gov.uk", "northshire.gov.uk");

  assert.equal(fixed, 3);
  assert.deepEqual(office.state.to.map((r) => [r.address, r.name]), [
    ["ann@northshire.gov.uk", "Ann"],
    ["bob@northshire.gov.uk", "Bob"],
  ]);
  assert.deepEqual(office.state.cc.map((r) => r.address), ["cat@mail.northshire.gov.uk"]);
  assert.deepEqual(office.state.bcc.map((r) => r.address), ["x@northshire.gov.uk", "y@notnorthshlre.gov.uk"]);
  assert.equal(office.state.bcc[0].name, "x@northshire.gov.uk", "a name that was the old address goes");
});
