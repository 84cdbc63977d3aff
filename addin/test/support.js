// A mailbox item for the handler tests, built on office-addin-mock, and a way to load
// launchevent.js against it with a fake fetch and token source.
"use strict";

const path = require("node:path");
const { OfficeMockObject } = require("office-addin-mock");

const ok = (value) => ({ status: "succeeded", value });
const failed = (message) => ({ status: "failed", error: { name: "Error", message } });

// Outlook on the web, new Outlook and mobile run at most three async calls at once and refuse more.
const MAX_CONCURRENT_CALLS = 3;

/**
 * An Office async method (callback last) as Outlook runs it: counted while in flight, refused
 * beyond three at once, and misbehaving as the test asks through `state.behave[name]`:
 * "never" (never calls back, office-js #5845), "empty" (succeeds with empty content, #4725),
 * "fails", or { slowMs } (answers late). `state.delayMs` delays every call a little.
 */
function asyncMethod(state, name, impl) {
  return (...args) => {
    const callback = args.pop();
    state.started.push(name);
    if (state.inFlight >= MAX_CONCURRENT_CALLS) {
      state.refused.push(name);
      callback(failed("Too many concurrent calls"));
      return;
    }
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    const finish = (result) => {
      state.inFlight -= 1;
      callback(result);
    };
    const behaviour = state.behave[name];
    if (behaviour === "never") return; // stays in flight for good, as Outlook's does
    const answer = () => {
      if (behaviour === "empty") finish(ok(name === "getAttachmentContentAsync" ? { format: "base64", content: "" } : ""));
      else if (behaviour === "fails") finish(failed("InternalServerError"));
      else impl(args, finish);
    };
    const delay = (behaviour && behaviour.slowMs) || state.delayMs;
    if (delay) setTimeout(answer, delay);
    else answer();
  };
}

function recipientField(state, name) {
  return {
    getAsync: asyncMethod(state, `${name}.getAsync`, (args, callback) =>
      callback(ok(state[name].map((r) => ({ emailAddress: r.address, displayName: r.name || "" }))))
    ),
    setAsync(list, ...rest) {
      const callback = rest.pop();
      if (list.length > 100) return callback(failed("NumberOfRecipientsExceeded"));
      state[name] = list.map((r) => ({ address: r.emailAddress, name: r.displayName || "" }));
      state.calls.push(`${name}.setAsync:${list.length}`);
      callback(ok());
    },
    addAsync(list, ...rest) {
      const callback = rest.pop();
      if (list.length > 100) return callback(failed("NumberOfRecipientsExceeded"));
      state[name] = state[name].concat(list.map((r) => ({ address: r.emailAddress, name: r.displayName || "" })));
      state.calls.push(`${name}.addAsync:${list.length}`);
      callback(ok());
    },
  };
}

/** A compose item with the given draft. options.mailbox is the newest Mailbox set supported. */
function makeOffice(draft = {}, options = {}) {
  const state = {
    from: draft.from || { address: "ils@northshire.gov.uk", name: "ILS team" },
    to: draft.to || [],
    cc: draft.cc || [],
    bcc: draft.bcc || [],
    subject: draft.subject || "Hello",
    body: draft.body || "<p>Please see attached.</p>",
    attachments: (draft.attachments || []).map((a, i) => ({
      id: a.id || `att-${i}`,
      name: a.name,
      contentType: a.contentType || "application/octet-stream",
      size: a.size || (a.content || "").length,
      attachmentType: a.attachmentType || "file",
      ...(a.url ? { url: a.url } : {}),
      isInline: Boolean(a.isInline),
      content: a.content || "",
    })),
    session: {},
    roaming: { ...(options.roaming || {}) },
    saveFails: Boolean(options.saveFails),
    saves: 0,
    opened: [],
    removed: [],
    calls: [],
    behave: { ...(options.behave || {}) },
    delayMs: options.delayMs || 0,
    started: [],
    refused: [],
    inFlight: 0,
    maxInFlight: 0,
    itemHandlers: {},
    initializationContext: options.initializationContext == null ? null : options.initializationContext,
  };
  const newest = options.mailbox || "1.15";
  const item = {
    to: recipientField(state, "to"),
    cc: recipientField(state, "cc"),
    bcc: recipientField(state, "bcc"),
    from: {
      getAsync: asyncMethod(state, "from.getAsync", (args, cb) =>
        cb(ok({ emailAddress: state.from.address, displayName: state.from.name }))
      ),
    },
    subject: { getAsync: asyncMethod(state, "subject.getAsync", (args, cb) => cb(ok(state.subject))) },
    body: { getAsync: asyncMethod(state, "body.getAsync", (args, cb) => cb(ok(state.body))) },
    getAttachmentsAsync: asyncMethod(state, "getAttachmentsAsync", (args, cb) =>
      cb(ok(state.attachments.map(({ content, ...details }) => details)))
    ),
    getAttachmentContentAsync: asyncMethod(state, "getAttachmentContentAsync", ([id], cb) => {
      const found = state.attachments.find((a) => a.id === id);
      cb(found ? ok({ format: "base64", content: found.content }) : failed("InvalidAttachmentId"));
    }),
    // The task pane's events (Mailbox 1.15): handlers kept by type, raised with raiseItemEvent.
    addHandlerAsync(type, handler, ...rest) {
      const callback = rest.filter((a) => typeof a === "function").pop();
      (state.itemHandlers[type] = state.itemHandlers[type] || []).push(handler);
      if (callback) callback(ok());
    },
    getInitializationContextAsync(cb) {
      cb(state.initializationContext == null ? failed("No context") : ok(state.initializationContext));
    },
    removeAttachmentAsync(id, cb) {
      state.attachments = state.attachments.filter((a) => a.id !== id);
      state.removed.push(id);
      cb(ok());
    },
    saveAsync: asyncMethod(state, "saveAsync", (args, cb) => {
      state.saves += 1;
      cb(state.saveFails ? failed("ItemNotSaved") : ok("EWS-ITEM-ID"));
    }),
    sessionData: {
      getAsync: asyncMethod(state, "sessionData.getAsync", ([key], cb) =>
        cb(key in state.session ? ok(state.session[key]) : failed("NotFound"))
      ),
      setAsync: asyncMethod(state, "sessionData.setAsync", ([key, value], cb) => {
        state.session[key] = value;
        cb(ok());
      }),
      removeAsync: asyncMethod(state, "sessionData.removeAsync", ([key], cb) => {
        delete state.session[key];
        cb(ok());
      }),
    },
  };
  if (options.noSessionData) delete item.sessionData;
  if (options.noItemEvents) delete item.addHandlerAsync;
  const handlers = {};
  const data = {
    host: "outlook",
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    CoercionType: { Html: "html", Text: "text" },
    MailboxEnums: { SendModeOverride: { PromptUser: "promptUser" }, RestVersion: { v2_0: "v2.0" } },
    actions: { associate: (name, fn) => (handlers[name] = fn) },
    EventType: { InitializationContextChanged: "olkInitializationContextChanged" },
    onReady: (callback) => Promise.resolve().then(() => callback && callback({ host: "Outlook" })),
    context: {
      platform: options.platform || "OfficeOnline",
      diagnostics: { platform: options.platform || "OfficeOnline", version: "16.0.18000" },
      requirements: {
        isSetSupported: (name, version) => name === "Mailbox" && Number(version.split(".")[1]) <= Number(newest.split(".")[1]),
      },
      roamingSettings: {
        get: (key) => state.roaming[key],
        set: (key, value) => (state.roaming[key] = value),
        saveAsync: asyncMethod(state, "roamingSettings.saveAsync", (args, cb) => cb(ok())),
      },
      mailbox: {
        item,
        convertToRestId: (id, version) => `REST(${id},${version})`,
        userProfile: { emailAddress: state.from.address },
        displayNewMessageFormAsync(parameters, cb) {
          state.opened.push(parameters);
          cb(ok());
        },
      },
    },
  };
  if (options.noNewMessageForm) delete data.context.mailbox.displayNewMessageFormAsync;
  return { Office: new OfficeMockObject(data), state, handlers };
}

/** A fetch that answers with `verdict` (or runs `respond(request)`), recording each request. */
function fakeFetch(respond) {
  const requests = [];
  const fetch = (url, options) => {
    const request = { url, headers: options.headers, body: JSON.parse(options.body), signal: options.signal, at: Date.now() };
    requests.push(request);
    return Promise.resolve(respond(request));
  };
  fetch.requests = requests;
  return fetch;
}

const answer = (status, body) => ({ ok: status < 400, status, json: () => Promise.resolve(body) });

/** A fetch that never answers until its signal aborts (the service hangs). */
function hangingFetch() {
  return fakeFetch(
    (request) =>
      new Promise((resolve, reject) => {
        if (request.signal) {
          request.signal.addEventListener("abort", () => {
            const error = new Error("aborted");
            error.name = "AbortError";
            reject(error);
          });
        }
      })
  );
}

/** Loads a fresh copy of launchevent.js (and fixes.js) with these globals. */
function load({ office, fetch, token = "token-123", tokenError = null, tokenDelayMs = 0, config = {} }) {
  global.Office = office.Office;
  global.fetch = fetch;
  global.SENDWARD_CONFIG = { apiBase: "https://sendward.example", attachments: "reference", ...config };
  global.OfficeRuntime = {
    auth: {
      getAccessToken: (options) => {
        global.OfficeRuntime.auth.calls.push(options);
        const settle = () => (tokenError ? Promise.reject(tokenError) : Promise.resolve(token));
        if (!tokenDelayMs) return settle();
        return new Promise((resolve) => setTimeout(resolve, tokenDelayMs)).then(settle);
      },
      calls: [],
    },
  };
  delete global.msal;
  for (const name of ["launchevent.js", "fixes.js"]) delete require.cache[path.join(__dirname, "..", name)];
  const Sendward = require("../launchevent.js");
  global.Sendward = Sendward;
  const Fixes = require("../fixes.js");
  return { Sendward, Fixes };
}

const doubleCompletions = [];

/**
 * Runs an event handler and resolves with what it passed to event.completed. Outlook acts on the
 * first call only (issue 18): a second call is recorded and fails the test (see assertCompletedOnce).
 */
function run(handler) {
  return new Promise((resolve) => {
    let calls = 0;
    handler({
      completed: (options) => {
        calls += 1;
        if (calls > 1) doubleCompletions.push(options);
        else resolve(options);
      },
    });
  });
}

/** For afterEach: no handler called event.completed twice. */
function assertCompletedOnce() {
  const found = doubleCompletions.splice(0);
  if (found.length) throw new Error(`event.completed was called again with ${JSON.stringify(found[0])}`);
}

/** Raises an item event (Office.EventType) on the handlers the add-in registered; returns how many ran. */
function raiseItemEvent(office, type, args = {}) {
  const handlers = office.state.itemHandlers[type] || [];
  for (const handler of handlers) handler({ type, ...args });
  return handlers.length;
}

/**
 * Just enough of a DOM for the details pane (taskpane.js): elements by id, created elements with
 * attributes, text, children, dataset and click listeners. Not a browser: no layout, no CSS selectors
 * beyond "button[data-fix]".
 */
function fakeDocument(ids) {
  const all = [];
  function makeElement(tag) {
    const listeners = {};
    const node = {
      tagName: tag.toUpperCase(),
      attributes: {},
      dataset: {},
      children: [],
      textContent: "",
      hidden: false,
      disabled: false,
      value: "",
      className: "",
      setAttribute(name, value) {
        node.attributes[name] = String(value);
        if (name.startsWith("data-")) node.dataset[name.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = String(value);
        if (name === "class") node.className = String(value);
        if (name === "id") node.id = String(value);
      },
      getAttribute: (name) => (name in node.attributes ? node.attributes[name] : null),
      append(...items) {
        for (const child of items) node.children.push(typeof child === "string" ? { textContent: child } : child);
      },
      replaceChildren(...items) {
        node.children = [];
        node.append(...items);
      },
      get childElementCount() {
        return node.children.filter((c) => c.tagName).length;
      },
      addEventListener(type, listener) {
        (listeners[type] = listeners[type] || []).push(listener);
      },
      click() {
        for (const listener of listeners.click || []) listener({ type: "click", target: node });
      },
      /** All text below this node, as a browser's textContent would give it. */
      text() {
        return [node.textContent, ...node.children.map((c) => (c.text ? c.text() : c.textContent))].join(" ");
      },
    };
    all.push(node);
    return node;
  }
  const byId = {};
  for (const id of ids) {
    byId[id] = makeElement("div");
    byId[id].id = id;
  }
  return {
    readyState: "complete",
    createElement: makeElement,
    getElementById: (id) => byId[id] || null,
    addEventListener() {},
    querySelectorAll(selector) {
      if (selector !== "button[data-fix]") throw new Error(`fakeDocument: unsupported selector ${selector}`);
      return all.filter((n) => n.tagName === "BUTTON" && "fix" in n.dataset);
    },
  };
}

/** The element ids taskpane.html declares. */
const PANE_IDS = ["status", "summary", "headline", "subline", "fix-result", "findings", "override", "justification",
  "override-submit", "override-result", "recheck"];

function people(count, domain) {
  const webmail = ["gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com"];
  return Array.from({ length: count }, (_, i) => ({
    address: `person.${i}@${domain || webmail[i % webmail.length]}`,
    name: `Person ${i}`,
  }));
}

module.exports = {
  makeOffice, fakeFetch, hangingFetch, answer, load, run, people, assertCompletedOnce, raiseItemEvent, fakeDocument, PANE_IDS,
};
