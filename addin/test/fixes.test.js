"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { makeOffice, fakeFetch, answer, load, people } = require("./support");

function setup(draft) {
  const office = makeOffice(draft);
  const { Sendward, Fixes } = load({ office, fetch: fakeFetch(() => answer(500, {})) });
  const item = global.Office.context.mailbox.item;
  return { office, Sendward, Fixes, item, read: () => Sendward.readDraft(item) };
}

test("move to BCC: 157 outside recipients leave To in chunks of 100, colleagues stay", async () => {
  const colleague = { address: "ann@northshire.gov.uk", name: "Ann" };
  const { office, Fixes, item, read } = setup({ to: people(157).concat([colleague]), cc: [{ address: "bob@social.northshire.gov.uk" }] });

  const moved = await Fixes.moveOutsideToBcc(item, await read());

  assert.equal(moved, 157);
  assert.deepEqual(office.state.to.map((r) => r.address), ["ann@northshire.gov.uk"]);
  assert.deepEqual(office.state.cc.map((r) => r.address), ["bob@social.northshire.gov.uk"]);
  assert.equal(office.state.bcc.length, 157);
  assert.deepEqual(office.state.calls.slice(0, 2), ["bcc.setAsync:100", "bcc.addAsync:57"]);
});

test("move to BCC uses the verdict's inside domains: a second internal domain and a trusted partner stay", async () => {
  const colleague = { address: "carol@northshire-council.org.uk", name: "Carol" };
  const partner = { address: "dr.jones@nhs.net", name: "Dr Jones" };
  const subdomain = { address: "dan@social.northshire-council.org.uk", name: "Dan" };
  const { office, Fixes, item, read } = setup({ to: people(4).concat([colleague, partner]), cc: [subdomain, ...people(2, "lookalike-nhs.net")] });
  const inside = ["northshire.gov.uk", "Northshire-Council.org.uk", "nhs.net"]; // recipients.internal_domains

  const draft = await read();
  assert.equal(Fixes.outsideVisible(draft, inside).length, 6);
  const moved = await Fixes.moveOutsideToBcc(item, draft, inside);

  assert.equal(moved, 6);
  assert.deepEqual(office.state.to.map((r) => r.address), [colleague.address, partner.address]);
  assert.deepEqual(office.state.cc.map((r) => r.address), [subdomain.address]);
  assert.deepEqual(office.state.bcc.map((r) => r.address).sort(), [
    "person.0@gmail.com", "person.0@lookalike-nhs.net", "person.1@hotmail.co.uk",
    "person.1@lookalike-nhs.net", "person.2@yahoo.co.uk", "person.3@outlook.com",
  ]);
});

test("without inside domains from the verdict (an older service) only the sender's domain stays", async () => {
  const colleague = { address: "carol@northshire-council.org.uk", name: "Carol" };
  const { office, Fixes, item, read } = setup({ to: people(2).concat([colleague, { address: "ann@northshire.gov.uk" }]) });

  const moved = await Fixes.moveOutsideToBcc(item, await read(), undefined);

  assert.equal(moved, 3);
  assert.deepEqual(office.state.to.map((r) => r.address), ["ann@northshire.gov.uk"]);
});

test("split sends one e-mail to each outside recipient only; a trusted partner stays on this draft", async () => {
  const partner = { address: "dr.jones@nhs.net", name: "Dr Jones" };
  const { office, Fixes, item, read } = setup({ to: people(3).concat([partner]) });

  const result = await Fixes.splitPerRecipient(item, await read(), ["northshire.gov.uk", "nhs.net"]);

  assert.equal(result.opened, 2);
  assert.ok(office.state.to.some((r) => r.address === partner.address));
  assert.ok(!office.state.opened.some((p) => p.toRecipients[0] === partner.address));
});

test("move to BCC with nobody left in To puts the sender there", async () => {
  const { office, Fixes, item, read } = setup({ to: people(3), bcc: [{ address: "person.0@gmail.com" }] });

  await Fixes.moveOutsideToBcc(item, await read());

  assert.deepEqual(office.state.to.map((r) => r.address), ["ils@northshire.gov.uk"]);
  assert.equal(office.state.bcc.length, 3, "an address already in BCC is not added twice");
});

test("split: this draft keeps the first outside recipient, a new draft opens for each other", async () => {
  const { office, Fixes, item, read } = setup({ to: people(3), subject: "Your appointment", attachments: [{ name: "a.pdf", content: "AA==" }] });

  const result = await Fixes.splitPerRecipient(item, await read());

  assert.deepEqual(result, { opened: 2, attachmentsNotCopied: true });
  assert.deepEqual(office.state.to.map((r) => r.address), ["person.0@gmail.com"]);
  assert.deepEqual(office.state.opened.map((p) => p.toRecipients[0]), ["person.1@hotmail.co.uk", "person.2@yahoo.co.uk"]);
  assert.equal(office.state.opened[0].subject, "Your appointment");
});

test("split refuses more recipients than it can sensibly open", async () => {
  const { Fixes, item, read } = setup({ to: people(26) });
  assert.equal(Fixes.SPLIT_LIMIT, 25);
  await assert.rejects(Fixes.splitPerRecipient(item, await read()), /too many recipients/);
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
