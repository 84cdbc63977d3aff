/*
 * One-click fixes the details pane applies to the draft. They change only the draft in front of
 * the sender; whether the result is acceptable is decided by the service when it checks again.
 * Needs Sendward (launchevent.js) loaded first. Who is "outside" is the verdict's word
 * (recipients.move_to_bcc: the addresses it counted), so the fix moves exactly the people the
 * service counted and the pane decides nothing about domains itself.
 */
var SendwardFixes = (function () {
  "use strict";

  var SPLIT_LIMIT = 25; // opening more compose windows than this helps nobody
  // displayNewMessageForm(Async) takes a body of at most 32 KB (Microsoft's reference).
  var NEW_MESSAGE_BODY_LIMIT = 32 * 1024;

  function domainOf(address) {
    return String(address || "").split("@").pop().trim().toLowerCase().replace(/\.$/, "");
  }

  function senderAddress(draft) {
    if (draft.from && draft.from.address) {
      return draft.from.address;
    }
    try {
      return Office.context.mailbox.userProfile.emailAddress || "";
    } catch (error) {
      return "";
    }
  }

  function asRecipients(list) {
    return list.map(function (r) {
      return { emailAddress: r.address, displayName: r.name || r.address };
    });
  }

  /** setAsync/addAsync take at most 100 recipients per call: set the first 100, add the rest. */
  /** Rewrites To, CC and BCC in that order (one after another: a failure leaves the rest as they were). */
  function setAllRecipients(item, to, cc, bcc) {
    return setRecipients(item.to, to)
      .then(function () {
        return setRecipients(item.cc, cc);
      })
      .then(function () {
        return setRecipients(item.bcc, bcc);
      });
  }

  function setRecipients(field, list) {
    var chunks = [];
    for (var i = 0; i < list.length; i += Sendward.RECIPIENTS_PER_CALL) {
      chunks.push(asRecipients(list.slice(i, i + Sendward.RECIPIENTS_PER_CALL)));
    }
    var first = Sendward.officeCall(field, "setAsync", [chunks.shift() || []]);
    return chunks.reduce(function (done, chunk) {
      return done.then(function () {
        return Sendward.officeCall(field, "addAsync", [chunk]);
      });
    }, first);
  }

  function unique(list) {
    var seen = {};
    return list.filter(function (r) {
      var key = r.address.toLowerCase();
      if (seen[key]) {
        return false;
      }
      seen[key] = true;
      return true;
    });
  }

  /**
   * The To/CC recipients the verdict names in `moveToBcc` (recipients.move_to_bcc); none for a
   * verdict that names nobody (an older service), so no fix is offered rather than a guessed one.
   */
  function outsideVisible(draft, moveToBcc) {
    var named = {};
    (moveToBcc || []).forEach(function (address) {
      named[String(address).trim().toLowerCase()] = true;
    });
    return draft.to.concat(draft.cc).filter(function (r) {
      return r.address && named[String(r.address).trim().toLowerCase()] === true;
    });
  }

  /** Moves the visible recipients the verdict names to BCC. Resolves to how many moved. */
  function moveOutsideToBcc(item, draft, moveToBcc) {
    var moving = outsideVisible(draft, moveToBcc);
    if (moving.length === 0) {
      return Promise.resolve(0);
    }
    function staying(r) {
      return moving.indexOf(r) === -1;
    }
    var to = draft.to.filter(staying);
    var cc = draft.cc.filter(staying);
    var bcc = unique(draft.bcc.concat(moving));
    if (to.length === 0 && senderAddress(draft)) {
      to = [{ address: senderAddress(draft), name: (draft.from && draft.from.name) || "" }];
    }
    // BCC first: if a later step fails, nobody has been dropped from the message.
    return setRecipients(item.bcc, bcc)
      .then(function () {
        return setRecipients(item.to, to);
      })
      .then(function () {
        return setRecipients(item.cc, cc);
      })
      .then(function () {
        return moving.length;
      });
  }

  /**
   * Whether this Outlook has a way to open a new e-mail at all. Microsoft documents
   * displayNewMessageForm(Async) for Read mode only: a client that has it may still refuse it while
   * the sender writes an e-mail, so splitPerRecipient also says clearly when it does.
   */
  function canOpenNewMessages() {
    var mailbox = Office.context && Office.context.mailbox;
    return Boolean(mailbox) &&
      (typeof mailbox.displayNewMessageFormAsync === "function" || typeof mailbox.displayNewMessageForm === "function");
  }

  function openNewMessage(parameters) {
    var mailbox = Office.context.mailbox;
    if (typeof mailbox.displayNewMessageFormAsync === "function") {
      return Sendward.officeCall(mailbox, "displayNewMessageFormAsync", [parameters]);
    }
    try {
      mailbox.displayNewMessageForm(parameters);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve();
  }

  var SPLIT_INSTEAD = "Nothing was removed from this e-mail. Move the recipients to BCC instead";

  /** The sentence the pane shows when Outlook would not open the new e-mails (the Office error kept as detail). */
  function splitRefused(error, openedCount) {
    var said = openedCount
      ? "Outlook opened " + openedCount + " new e-mail" + (openedCount === 1 ? "" : "s") + ", then would not open more"
      : "Outlook did not open a new e-mail";
    var clear = new Error(
      said + " (it cannot always do so while you write one). " + SPLIT_INSTEAD +
        (openedCount ? ", and close the new e-mails." : ".")
    );
    clear.reason = (error && error.reason) || "office";
    clear.detail = (error && (error.detail || error.message)) || "";
    return clear;
  }

  /**
   * One e-mail per outside recipient: this draft keeps the first, a new draft opens for each of
   * the others with the same subject and text. Attachments are not copied (Office.js can only
   * attach files by URL to a new message).
   */
  function splitPerRecipient(item, draft, moveToBcc) {
    var outside = outsideVisible(draft, moveToBcc);
    if (outside.length < 2) {
      return Promise.resolve({ opened: 0 });
    }
    if (outside.length > SPLIT_LIMIT) {
      return Promise.reject(new Error("too many recipients to split (" + outside.length + ")"));
    }
    if (draft.body.content.length > NEW_MESSAGE_BODY_LIMIT) {
      // Checked before any window opens: a cut-off copy of the text must never be sent.
      return Promise.reject(new Error("the text is longer than Outlook can copy into a new e-mail (32 KB)"));
    }
    if (!canOpenNewMessages()) {
      var unsupported = new Error("this version of Outlook cannot open new e-mails from one you are writing. " + SPLIT_INSTEAD + ".");
      unsupported.reason = "unsupported";
      return Promise.reject(unsupported);
    }
    var others = outside.slice(1);
    var leaving = {};
    others.forEach(function (r) {
      leaving[r.address.toLowerCase()] = true;
    });
    function staying(r) {
      return !leaving[r.address.toLowerCase()];
    }
    var openedCount = 0;
    var opened = others.reduce(function (done, r) {
      return done.then(function () {
        return openNewMessage({ toRecipients: [r.address], subject: draft.subject, htmlBody: draft.body.content }).then(function () {
          openedCount += 1;
        });
      });
    }, Promise.resolve());
    return opened
      .catch(function (error) {
        throw splitRefused(error, openedCount); // recipients leave this draft only once every new one opened
      })
      .then(function () {
        return setRecipients(item.to, draft.to.filter(staying));
      })
      .then(function () {
        return setRecipients(item.cc, draft.cc.filter(staying));
      })
      .then(function () {
        return { opened: others.length, attachmentsNotCopied: draft.attachments.length > 0 };
      });
  }

  function removeAttachment(item, attachmentId) {
    return Sendward.officeCall(item, "removeAttachmentAsync", [attachmentId]);
  }

  /** Removes every recipient at a domain (a look-alike of the organisation's). Resolves to how many. */
  function removeRecipientsAt(item, draft, domain) {
    var target = String(domain || "").toLowerCase();
    function keep(r) {
      return domainOf(r.address) !== target;
    }
    var removed = draft.to.concat(draft.cc, draft.bcc).filter(function (r) {
      return !keep(r);
    }).length;
    return setAllRecipients(item, draft.to.filter(keep), draft.cc.filter(keep), draft.bcc.filter(keep)).then(function () {
      return removed;
    });
  }

  /**
   * recipients.misdirected: the flagged address out of To, CC and BCC, or in its place the one the
   * sender usually writes to (in the same field), unless that one is already there.
   */
  function replaceRecipient(item, draft, address, replacement) {
    var target = String(address || "").trim().toLowerCase();
    var instead = String(replacement || "").trim();
    var present = draft.to.concat(draft.cc, draft.bcc).some(function (r) {
      return String(r.address).trim().toLowerCase() === instead.toLowerCase();
    });
    var changed = 0;
    function swap(list) {
      var out = [];
      list.forEach(function (r) {
        if (String(r.address).trim().toLowerCase() !== target) {
          out.push(r);
          return;
        }
        changed += 1;
        if (instead && !present) {
          out.push({ address: instead, name: instead });
          present = true;
        }
      });
      return out;
    }
    var to = swap(draft.to);
    var cc = swap(draft.cc);
    var bcc = swap(draft.bcc);
    return setAllRecipients(item, to, cc, bcc).then(function () {
      return changed;
    });
  }

  /** The part of ``address``'s domain that is ``domain`` (itself or a subdomain of it), or -1. */
  function domainAt(address, domain) {
    var at = domainOf(address);
    if (at === domain) {
      return 0;
    }
    if (at.length > domain.length && at.slice(-domain.length - 1) === "." + domain) {
      return at.length - domain.length;
    }
    return -1;
  }

  /**
   * Corrects every recipient at a look-alike domain to the domain it imitates
   * (a.b@northshlre.gov.uk -> a.b@northshire.gov.uk), keeping names and fields. Resolves to how many.
   */
  function correctRecipientsAt(item, draft, domain, real) {
    var target = String(domain || "").toLowerCase();
    var replacement = String(real || "").toLowerCase();
    var corrected = 0;
    function fix(list) {
      return list.map(function (r) {
        var where = domainAt(r.address, target);
        if (where < 0 || !replacement) {
          return r;
        }
        corrected += 1;
        var local = r.address.slice(0, r.address.lastIndexOf("@") + 1);
        var host = domainOf(r.address);
        // a display name that was only the wrong address would keep showing it
        var name = String(r.name || "").toLowerCase() === r.address.toLowerCase() ? "" : r.name;
        return { address: local + host.slice(0, where) + replacement, name: name };
      });
    }
    var to = fix(draft.to);
    var cc = fix(draft.cc);
    var bcc = fix(draft.bcc);
    return setAllRecipients(item, to, cc, bcc).then(function () {
      return corrected;
    });
  }

  return {
    SPLIT_LIMIT: SPLIT_LIMIT,
    canOpenNewMessages: canOpenNewMessages,
    NEW_MESSAGE_BODY_LIMIT: NEW_MESSAGE_BODY_LIMIT,
    correctRecipientsAt: correctRecipientsAt,
    domainOf: domainOf,
    outsideVisible: outsideVisible,
    moveOutsideToBcc: moveOutsideToBcc,
    splitPerRecipient: splitPerRecipient,
    removeAttachment: removeAttachment,
    removeRecipientsAt: removeRecipientsAt,
    replaceRecipient: replaceRecipient
  };
})();

if (typeof module === "object" && module && module.exports) {
  module.exports = SendwardFixes;
}
