// A mailbox item for the handler tests, built on office-addin-mock, and a way to load
// launchevent.js against it with a fake fetch and token source.
"use strict";

const path = require("node:path");
const { OfficeMockObject } = require("office-addin-mock");

const ok = (value) => ({ status: "succeeded", value });
const failed = (message) => ({ status: "failed", error: { name: "Error", message } });

function recipientField(state, name) {
  return {
    getAsync(...args) {
      args.pop()(ok(state[name].map((r) => ({ emailAddress: r.address, displayName: r.name || "" }))));
    },
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
  };
  const newest = options.mailbox || "1.15";
  const item = {
    to: recipientField(state, "to"),
    cc: recipientField(state, "cc"),
    bcc: recipientField(state, "bcc"),
    from: { getAsync: (cb) => cb(ok({ emailAddress: state.from.address, displayName: state.from.name })) },
    subject: { getAsync: (cb) => cb(ok(state.subject)) },
    body: { getAsync: (coercion, cb) => cb(ok(state.body)) },
    getAttachmentsAsync: (cb) => cb(ok(state.attachments.map(({ content, ...details }) => details))),
    getAttachmentContentAsync(id, cb) {
      const found = state.attachments.find((a) => a.id === id);
      cb(found ? ok({ format: "base64", content: found.content }) : failed("InvalidAttachmentId"));
    },
    removeAttachmentAsync(id, cb) {
      state.attachments = state.attachments.filter((a) => a.id !== id);
      state.removed.push(id);
      cb(ok());
    },
    saveAsync(cb) {
      state.saves += 1;
      cb(state.saveFails ? failed("ItemNotSaved") : ok("EWS-ITEM-ID"));
    },
    sessionData: {
      getAsync: (key, cb) => cb(key in state.session ? ok(state.session[key]) : failed("NotFound")),
      setAsync: (key, value, cb) => {
        state.session[key] = value;
        cb(ok());
      },
      removeAsync: (key, cb) => {
        delete state.session[key];
        cb(ok());
      },
    },
  };
  if (options.noSessionData) delete item.sessionData;
  const handlers = {};
  const data = {
    host: "outlook",
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    CoercionType: { Html: "html", Text: "text" },
    MailboxEnums: { SendModeOverride: { PromptUser: "promptUser" }, RestVersion: { v2_0: "v2.0" } },
    actions: { associate: (name, fn) => (handlers[name] = fn) },
    context: {
      platform: "PC",
      diagnostics: { platform: "PC", version: "16.0.18000" },
      requirements: {
        isSetSupported: (name, version) => name === "Mailbox" && Number(version.split(".")[1]) <= Number(newest.split(".")[1]),
      },
      roamingSettings: {
        get: (key) => state.roaming[key],
        set: (key, value) => (state.roaming[key] = value),
        saveAsync: (cb) => cb && cb(ok()),
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

/** Runs an event handler and resolves with what it passed to event.completed. */
function run(handler) {
  return new Promise((resolve) => handler({ completed: (options) => resolve(options) }));
}

function people(count, domain) {
  const webmail = ["gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com"];
  return Array.from({ length: count }, (_, i) => ({
    address: `person.${i}@${domain || webmail[i % webmail.length]}`,
    name: `Person ${i}`,
  }));
}

module.exports = { makeOffice, fakeFetch, hangingFetch, answer, load, run, people };
