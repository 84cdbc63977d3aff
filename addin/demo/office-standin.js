/*
 * A small stand-in for Office.js, for /demo only: just what launchevent.js, fixes.js and the
 * details pane call on a message being composed, plus a Smart Alerts dialog modelled on
 * Outlook's. It records what happened in SendwardDemo.log so the browser tests can assert.
 * Not Microsoft's code and not a general Office.js mock.
 */
(function () {
  "use strict";

  const ok = (value) => ({ status: "succeeded", value });
  const failed = (name, message) => ({ status: "failed", error: { name, code: 9000, message } });
  const MAX_PER_CALL = 100;
  const LONG_RUNNING_MS = 5000; // when Outlook says the add-in is taking longer than expected

  const draft = {
    from: { address: "demo.user@northshire.gov.uk", name: "Demo User" },
    to: [],
    cc: [],
    bcc: [],
    subject: "",
    body: "",
    attachments: []
  };
  const session = {};
  const roaming = {};
  const handlers = {};
  const listeners = [];
  const log = [];
  const opened = [];
  let nextAttachment = 1;
  let sent = false;

  /** Office.js calls back asynchronously; options objects before the callback are optional. */
  function respond(args, result) {
    const callback = args.filter((a) => typeof a === "function").pop();
    if (callback) setTimeout(() => callback(result), 0);
  }

  // -- the compose item --------------------------------------------------------------------

  function details(person) {
    return { emailAddress: person.address, displayName: person.name || person.address, recipientType: "other" };
  }

  function person(entry) {
    if (typeof entry === "string") return { address: entry, name: "" };
    return { address: entry.emailAddress || entry.address || "", name: entry.displayName || entry.name || "" };
  }

  function recipients(field) {
    return {
      getAsync: (...args) => respond(args, ok(draft[field].map(details))),
      setAsync(list, ...args) {
        if (list.length > MAX_PER_CALL) return respond(args, failed("NumberOfRecipientsExceeded", "more than 100"));
        draft[field] = list.map(person);
        changed("recipients");
        respond(args, ok());
      },
      addAsync(list, ...args) {
        if (list.length > MAX_PER_CALL) return respond(args, failed("NumberOfRecipientsExceeded", "more than 100"));
        draft[field] = draft[field].concat(list.map(person));
        changed("recipients");
        respond(args, ok());
      }
    };
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }

  function bodyAs(coercion) {
    if (coercion === "text") return draft.body;
    const paragraphs = draft.body.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`);
    return `<html><body>${paragraphs.join("")}</body></html>`;
  }

  const itemHandlers = {}; // the pane's item events (Office.EventType), by type
  let paneContext = null; // contextData of the dialog button that opened the pane

  const item = {
    itemType: "message",
    addHandlerAsync(type, handler, ...args) {
      (itemHandlers[type] = itemHandlers[type] || []).push(handler);
      respond(args, ok());
    },
    removeHandlerAsync(type, ...args) {
      delete itemHandlers[type];
      respond(args, ok());
    },
    getInitializationContextAsync(...args) {
      respond(args, paneContext == null ? failed("NoContext", "the pane was not opened from a dialog") : ok(paneContext));
    },
    to: recipients("to"),
    cc: recipients("cc"),
    bcc: recipients("bcc"),
    from: { getAsync: (...args) => respond(args, ok(details(draft.from))) },
    subject: {
      getAsync: (...args) => respond(args, ok(draft.subject)),
      setAsync(subject, ...args) {
        draft.subject = subject;
        changed("subject");
        respond(args, ok());
      }
    },
    body: { getAsync: (coercion, ...args) => respond(args, ok(bodyAs(coercion))) },
    getAttachmentsAsync: (...args) =>
      respond(
        args,
        ok(
          draft.attachments.map((a) => ({
            id: a.id,
            name: a.name,
            contentType: a.contentType,
            size: a.size,
            attachmentType: "file",
            isInline: false
          }))
        )
      ),
    getAttachmentContentAsync(id, ...args) {
      const found = draft.attachments.find((a) => a.id === id);
      if (!found) return respond(args, failed("InvalidAttachmentId", "no such attachment"));
      respond(args, ok({ format: "base64", content: found.base64 }));
    },
    addFileAttachmentFromBase64Async(base64, name, ...args) {
      const id = addAttachment(name, "application/octet-stream", base64);
      respond(args, ok(id));
    },
    removeAttachmentAsync(id, ...args) {
      const before = draft.attachments.length;
      draft.attachments = draft.attachments.filter((a) => a.id !== id);
      if (draft.attachments.length === before) return respond(args, failed("InvalidAttachmentId", "no such attachment"));
      record("attachment-removed", { id });
      changed("attachments");
      respond(args, ok());
    },
    saveAsync: (...args) => respond(args, ok("AAMkAGDemoDraft/0001+")),
    sessionData: {
      getAsync: (name, ...args) =>
        respond(args, name in session ? ok(session[name]) : failed("InvalidSessionDataKey", "no such key")),
      setAsync(name, value, ...args) {
        session[name] = String(value);
        respond(args, ok());
      },
      removeAsync(name, ...args) {
        delete session[name];
        respond(args, ok());
      },
      getAllAsync: (...args) => respond(args, ok(JSON.stringify(session))),
      clearAsync(...args) {
        for (const key of Object.keys(session)) delete session[key];
        respond(args, ok());
      }
    }
  };

  function addAttachment(name, contentType, base64) {
    const id = `demo-attachment-${nextAttachment++}`;
    const size = Math.floor((base64.length * 3) / 4);
    draft.attachments.push({ id, name, contentType: contentType || "application/octet-stream", size, base64 });
    changed("attachments");
    return id;
  }

  // -- Office ------------------------------------------------------------------------------

  const Office = {
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    CoercionType: { Html: "html", Text: "text" },
    HostType: { Outlook: "Outlook" },
    PlatformType: { OfficeOnline: "OfficeOnline", PC: "PC" },
    MailboxEnums: {
      SendModeOverride: { PromptUser: "promptUser" },
      RestVersion: { v2_0: "v2.0" },
      AttachmentType: { File: "file", Item: "item", Cloud: "cloud" }
    },
    EventType: { InitializationContextChanged: "olkInitializationContextChanged" },
    actions: {
      associate(name, handler) {
        handlers[name] = handler;
      }
    },
    onReady(callback) {
      const info = { host: "Outlook", platform: "OfficeOnline" };
      return new Promise((resolve) =>
        setTimeout(() => {
          if (callback) callback(info);
          resolve(info);
        }, 0)
      );
    },
    context: {
      platform: "OfficeOnline",
      diagnostics: { platform: "OfficeOnline", version: "demo" },
      requirements: {
        isSetSupported(name, version) {
          return name === "Mailbox" && Number(String(version).split(".")[1] || 0) <= 15;
        }
      },
      roamingSettings: {
        get: (name) => roaming[name],
        set: (name, value) => {
          roaming[name] = value;
        },
        remove: (name) => {
          delete roaming[name];
        },
        saveAsync: (...args) => respond(args, ok())
      },
      mailbox: {
        item,
        userProfile: { emailAddress: draft.from.address, displayName: draft.from.name },
        convertToRestId: (id) => id.replace(/\//g, "-").replace(/\+/g, "_"),
        displayNewMessageFormAsync(parameters, ...args) {
          opened.push(parameters);
          record("new-message", { to: parameters.toRecipients });
          respond(args, ok());
        }
      }
    }
  };

  let token = null; // one request at a time; a new one shortly before expiry

  async function requestToken() {
    const response = await fetch("/demo/token", { method: "POST" });
    if (!response.ok) throw { code: 13001, message: "the demo could not sign you in" };
    const body = await response.json();
    return { value: body.token, until: Date.now() + (body.expires_in - 60) * 1000 };
  }

  const OfficeRuntime = {
    auth: {
      async getAccessToken() {
        if (!token) token = requestToken();
        try {
          const current = await token;
          if (current.until > Date.now()) return current.value;
          token = null;
        } catch (error) {
          token = null;
          throw error;
        }
        return OfficeRuntime.auth.getAccessToken();
      }
    }
  };

  // -- events: background checks and Send ---------------------------------------------------

  const pending = {};

  /** Outlook raises OnMessageRecipientsChanged / OnMessageAttachmentsChanged; bursts are merged. */
  function changed(kind) {
    for (const listener of listeners) listener(kind);
    const handler = { recipients: "onMessageRecipientsChangedHandler", attachments: "onMessageAttachmentsChangedHandler" }[kind];
    if (!handler) return;
    clearTimeout(pending[handler]);
    pending[handler] = setTimeout(() => runEvent(handler), 300);
  }

  function runEvent(name) {
    return new Promise((resolve) => {
      if (!handlers[name]) return resolve(undefined);
      record("event", { name });
      handlers[name]({ type: name, completed: (options) => resolve(options) });
    });
  }

  function record(event, data = {}) {
    log.push({ event, at: Date.now(), ...data });
  }

  async function send() {
    if (sent) return;
    closeDialog();
    const started = Date.now();
    setBusy("Sendward is checking your message\u2026");
    const slow = setTimeout(() => setBusy("Sendward is taking longer than expected\u2026"), LONG_RUNNING_MS);
    const options = await runEvent("onMessageSendHandler");
    clearTimeout(slow);
    setBusy("");
    record("completed", { options, ms: Date.now() - started });
    if (!options || options.allowEvent) {
      markSent("allowed");
    } else {
      showDialog(options);
    }
  }

  function markSent(how) {
    sent = true;
    record("sent", { how, to: draft.to.length, cc: draft.cc.length, bcc: draft.bcc.length });
    for (const listener of listeners) listener("sent");
  }

  // -- the Smart Alerts dialog -------------------------------------------------------------

  function showDialog(options) {
    closeDialog();
    const backdrop = document.createElement("div");
    backdrop.id = "smart-alert";
    backdrop.setAttribute("role", "dialog");
    backdrop.setAttribute("aria-modal", "true");
    backdrop.setAttribute("aria-labelledby", "smart-alert-title");
    // drawn by the same code as the admin simulator's "what the sender sees" (addin/smart-alert.js)
    const box = SendwardSmartAlert.build(options, {
      sendAnyway: () => {
        record("send-anyway");
        closeDialog();
        markSent("send-anyway");
      },
      action: () => {
        record("take-action", { commandId: options.commandId });
        closeDialog();
        openPane(options.commandId, options.contextData);
      },
      dontSend: () => {
        record("dont-send");
        closeDialog();
      }
    });
    backdrop.append(box);
    document.body.append(backdrop);
    record("dialog", { text: box.querySelector("#smart-alert-message").textContent });
  }

  function closeDialog() {
    const existing = document.getElementById("smart-alert");
    if (existing) existing.remove();
  }

  function setBusy(text) {
    for (const listener of listeners) listener("busy", text);
  }

  /**
   * As Outlook does: a pane already open is not reloaded when the dialog's button passes it new
   * data; it gets InitializationContextChanged instead (Mailbox 1.15). The page says whether its
   * pane is open (``paneOpen``); a pane (re)loaded starts with no handlers.
   */
  function openPane(commandId, contextData) {
    const open = Boolean(window.SendwardDemo.paneOpen && window.SendwardDemo.paneOpen());
    const handlersNow = itemHandlers[Office.EventType.InitializationContextChanged] || [];
    if (open && contextData !== undefined && handlersNow.length) {
      paneContext = contextData;
      record("pane-context-changed", { commandId });
      for (const handler of handlersNow) {
        handler({ type: Office.EventType.InitializationContextChanged, initializationContextData: contextData });
      }
      return;
    }
    paneContext = contextData === undefined ? null : contextData;
    for (const type of Object.keys(itemHandlers)) delete itemHandlers[type];
    record("pane", { commandId });
    for (const listener of listeners) listener("pane");
  }

  // -- the demo page's controls ------------------------------------------------------------

  window.Office = Office;
  window.OfficeRuntime = OfficeRuntime;
  window.SendwardDemo = {
    draft,
    log,
    opened,
    session,
    roaming,
    handlers,
    onChange: (listener) => listeners.push(listener),
    setRecipients(field, list) {
      draft[field] = list.map(person);
      changed("recipients");
    },
    setSubject(subject) {
      draft.subject = subject;
    },
    setBody(body) {
      draft.body = body;
    },
    addAttachment,
    removeAttachment: (id) => item.removeAttachmentAsync(id, () => {}),
    clear() {
      draft.to = [];
      draft.cc = [];
      draft.bcc = [];
      draft.subject = "";
      draft.body = "";
      draft.attachments = [];
      for (const key of Object.keys(session)) delete session[key];
      sent = false;
      for (const listener of listeners) listener("cleared");
    },
    send,
    openPane,
    isSent: () => sent
  };
})();
