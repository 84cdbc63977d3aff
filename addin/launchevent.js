/*
 * Sendward's event handlers: OnMessageSend (Smart Alerts), OnMessageRecipientsChanged and
 * OnMessageAttachmentsChanged. The details pane loads this file too and uses the same functions.
 *
 * Classic Outlook on Windows runs this file alone in a JavaScript-only runtime: no imports, no
 * DOM, no localStorage, and only ECMAScript 2016 (no async/await; Microsoft's troubleshooting
 * guide also says the conditional operator stops the file loading). Keep it that way; the tests
 * parse this file as ES2016 and reject `?:`.
 *
 * Policy never lives here: this file collects the draft, asks POST /api/v1/score and shows the
 * answer. The server may prepend `var SENDWARD_CONFIG = {...};` when it serves the file.
 */
var Sendward = (function () {
  "use strict";

  // Outlook's 5 s clock starts before this file has loaded (office-js #6816, #4968): the first
  // handler in this runtime counts its budget from here, not from when it was called.
  var LOADED_AT = Date.now();
  var firstEventSeen = false;

  var PANE_COMMAND_ID = "SendwardPaneButton";
  var KEYS = {
    precheck: "sendward.precheck", // verdict of the latest background check, with its draft fingerprint
    last: "sendward.last", // verdict of the latest Send, for the details pane
    override: "sendward.override", // the sender's justification, sent with the next score request
    failMode: "sendward.failMode", // the tenant's fail mode, as last seen in a verdict
    warned: "sendward.warned" // fingerprint of a draft already warned about (clients without Send Anyway)
  };
  var MAX_DIALOG_CHARS = 500; // Smart Alerts limit for errorMessage and errorMessageMarkdown
  var MAX_LABEL_CHARS = 20; // Smart Alerts limit for cancelLabel
  var FALLBACK_MARGIN_MS = 50;
  // Taken off the time the handler still waits when telling the service its budget: the answer's
  // way back, and the service's own work after its deadline (the verdict, the JSON).
  var NETWORK_MARGIN_MS = 500;
  var MIN_SERVICE_BUDGET_MS = 100; // the smallest budget_ms the service accepts
  // However late the runtime loaded, a Send handler has this long to find an earlier verdict.
  var MIN_HANDLER_MS = 1000;
  var RECIPIENTS_PER_CALL = 100; // Recipients.setAsync/addAsync accept at most 100 at a time
  // Outlook on the web, new Outlook and mobile run at most three async calls at once ("Limits for
  // activation and JavaScript API for Outlook add-ins"); more are refused.
  var MAX_OFFICE_CALLS = 3;
  // An Office call with no deadline of its own (the details pane, the fixes) still gives up after this.
  var OFFICE_CALL_MS = 10000;
  // Once a verdict is in hand, writing it to sessionData may delay showing it by at most this.
  var SESSION_WRITE_MS = 300;
  // sessionData holds the override and the background verdict: reading them may take at most
  // this, and a quarter of the time left, so a silent getAsync leaves the check its time.
  var SESSION_READ_MS = 1000;
  var SESSION_SHARE = 0.25;
  var SAVE_SHARE = 0.5; // saveAsync may take half the time left; the rest goes to sending bytes inline
  var READ_SHARE = 0.6; // attachment bytes may take this share; the rest is the service's
  var memory = {}; // fallback store where sessionData or roamingSettings are missing
  var pcaPromise = null;
  var msalLoading = null;
  var MSAL_PATH = "/addin/vendor/msal-browser.min.js";
  var MSAL_LOAD_MS = 1500; // after this Office SSO is asked instead

  // -- configuration -----------------------------------------------------------------------

  function config() {
    var given = {};
    if (typeof SENDWARD_CONFIG !== "undefined" && SENDWARD_CONFIG) {
      given = SENDWARD_CONFIG;
    }
    return {
      apiBase: given.apiBase || locationOrigin(),
      clientId: given.clientId || "",
      apiScope: given.apiScope || "",
      // Work or school accounts only; the service names its tenant when it accepts just one.
      authority: given.authority || "https://login.microsoftonline.com/organizations",
      budgetMs: given.budgetMs || 4000,
      // A background check has no Outlook clock, and a big attachment takes seconds: it may wait
      // what the service allows a precheck (SENDWARD_PRECHECK_BUDGET_MS).
      precheckBudgetMs: given.precheckBudgetMs || 30000,
      // The deployment's fail mode, until a verdict tells the tenant's own (a policy may differ).
      failMode: given.failMode || "",
      // "inline" sends attachment bytes (embedded default, no Graph); "reference" sends the saved
      // draft's REST id and attachment ids, and the server reads them through Graph.
      attachments: given.attachments || "reference",
      maxInlineBytes: given.maxInlineBytes || 25 * 1024 * 1024
    };
  }

  function locationOrigin() {
    if (typeof location !== "undefined" && location && location.origin && location.origin !== "null") {
      return location.origin;
    }
    return "";
  }

  // -- small helpers -----------------------------------------------------------------------

  function now() {
    return Date.now();
  }

  function problem(reason, detail) {
    var error = new Error(reason);
    error.reason = reason;
    error.detail = detail || "";
    return error;
  }

  function succeeded(result) {
    var failed = "failed";
    if (typeof Office !== "undefined" && Office.AsyncResultStatus) {
      failed = Office.AsyncResultStatus.Failed;
    }
    return result && result.status !== failed;
  }

  // -- Office calls: each with its own timeout, at most MAX_OFFICE_CALLS at once --------------

  var running = 0;
  var waiting = [];

  function startWaiting() {
    while (running < MAX_OFFICE_CALLS && waiting.length > 0) {
      var call = waiting.shift();
      if (!call.settled) {
        running += 1;
        call.holding = true;
        call.start();
      }
    }
  }

  /** Milliseconds until `deadline` (a Date.now() value), or the default when there is none. */
  function until(deadline) {
    if (!deadline) {
      return OFFICE_CALL_MS;
    }
    return Math.max(0, deadline - now());
  }

  /** A `fraction` of the time left before `deadline`, as a deadline (or none when there is none). */
  function partOf(deadline, fraction) {
    if (!deadline) {
      return deadline;
    }
    return now() + Math.floor(until(deadline) * fraction);
  }

  /**
   * Calls an Office.js async method (callback last) and returns a promise of its value. The call
   * waits its turn (at most three at once) and settles exactly once: with Office's answer, or with
   * a timeout after `timeoutMs` (waiting included), since some calls never call back (office-js
   * #5845, #5060, #4868). A call that timed out frees its place: holding it for good would stop
   * every later check in this runtime, and a call Office then refuses fails like any other.
   */
  function officeCall(target, method, args, timeoutMs) {
    var limit = OFFICE_CALL_MS;
    if (typeof timeoutMs === "number") {
      limit = timeoutMs;
    }
    return new Promise(function (resolve, reject) {
      if (!target || typeof target[method] !== "function") {
        reject(problem("unsupported", method + " is not available"));
        return;
      }
      var call = { settled: false, holding: false, start: null };
      var timer = setTimeout(function () {
        settle(reject, problem("office", method + " did not answer in time"));
      }, Math.max(0, limit));

      function settle(how, value) {
        if (call.settled) {
          return;
        }
        call.settled = true;
        clearTimeout(timer);
        if (call.holding) {
          call.holding = false;
          running -= 1;
          startWaiting();
        }
        how(value);
      }

      call.start = function () {
        var callArgs = (args || []).slice();
        callArgs.push(function (result) {
          if (succeeded(result)) {
            settle(resolve, result.value);
          } else {
            var message = "";
            if (result && result.error) {
              message = result.error.message || result.error.name || "";
            }
            settle(reject, problem("office", method + " failed: " + message));
          }
        });
        try {
          target[method].apply(target, callArgs);
        } catch (error) {
          settle(reject, problem("office", method + " threw: " + error.message));
        }
      };
      waiting.push(call);
      startWaiting();
    });
  }

  /** Settles like `promise`, or rejects with `reason` when the deadline comes first. */
  function withinDeadline(promise, deadline, reason) {
    var timer = null;
    var expiry = new Promise(function (resolve, reject) {
      timer = setTimeout(function () {
        reject(problem(reason));
      }, Math.max(0, deadline - now()));
    });
    return Promise.race([promise, expiry]).then(
      function (value) {
        clearTimeout(timer);
        return value;
      },
      function (error) {
        clearTimeout(timer);
        throw error;
      }
    );
  }

  function supports(name, version) {
    try {
      return Boolean(Office.context.requirements.isSetSupported(name, version));
    } catch (error) {
      return false;
    }
  }

  function clip(text, limit) {
    if (text.length <= limit) {
      return text;
    }
    return text.slice(0, limit - 1) + "\u2026";
  }

  // -- reading the draft -------------------------------------------------------------------
  // Every read takes the deadline it must end by; without one (the details pane) each call still
  // gives up after OFFICE_CALL_MS.

  function recipients(field, deadline) {
    if (!field) {
      return Promise.resolve([]);
    }
    return officeCall(field, "getAsync", [], until(deadline)).then(function (list) {
      return (list || []).map(function (r) {
        return { address: r.emailAddress || "", name: r.displayName || "" };
      });
    });
  }

  function optional(promise, fallbackValue) {
    return promise.catch(function () {
      return fallbackValue;
    });
  }

  function attachmentKind(type) {
    if (type === "item") {
      return "item";
    }
    if (type === "cloud") {
      return "reference";
    }
    return "file";
  }

  function attachmentList(item, deadline) {
    if (typeof item.getAttachmentsAsync !== "function") {
      return Promise.resolve([]);
    }
    return officeCall(item, "getAttachmentsAsync", [], until(deadline)).then(function (list) {
      return (list || [])
        .filter(function (a) {
          return !a.isInline;
        })
        .map(function (a) {
          var details = {
            id: a.id,
            name: a.name,
            content_type: a.contentType || "application/octet-stream",
            size: a.size || 0,
            kind: attachmentKind(a.attachmentType)
          };
          if (details.kind === "reference" && /^https:\/\//i.test(a.url || "")) {
            details.url = a.url; // a OneDrive/SharePoint link: the server reads it if the policy asks
          }
          return details;
        });
    });
  }

  function sender(item, deadline) {
    if (!item.from) {
      return Promise.resolve(null);
    }
    // Optional, so it may not hold the check up: a short cap, like a sessionData read.
    return optional(
      officeCall(item.from, "getAsync", [], sessionReadMs(deadline)).then(function (from) {
        if (!from) {
          return null;
        }
        return { address: from.emailAddress || "", name: from.displayName || "" };
      }),
      null
    );
  }

  function htmlCoercion() {
    if (typeof Office !== "undefined" && Office.CoercionType && Office.CoercionType.Html) {
      return Office.CoercionType.Html;
    }
    return "html";
  }

  function text(field, args, deadline) {
    if (!field) {
      return Promise.resolve("");
    }
    return officeCall(field, "getAsync", args, until(deadline));
  }

  /**
   * The draft as the score request wants it, attachments as metadata only. What the verdict
   * depends on (recipients, subject, body, the attachment list) must be read: a part that fails
   * fails the check, so the fail mode decides instead of a verdict on half a draft. Only the
   * sender is optional. Seven calls, three at a time (see officeCall).
   */
  function readDraft(item, deadline) {
    return Promise.all([
      recipients(item.to, deadline),
      recipients(item.cc, deadline),
      recipients(item.bcc, deadline),
      text(item.subject, [], deadline),
      text(item.body, [htmlCoercion()], deadline),
      attachmentList(item, deadline),
      sender(item, deadline)
    ]).then(function (parts) {
      var draft = {
        to: parts[0],
        cc: parts[1],
        bcc: parts[2],
        subject: parts[3] || "",
        body: { type: "html", content: parts[4] || "" },
        attachments: parts[5]
      };
      if (parts[6]) {
        draft.from = parts[6];
      }
      return draft;
    });
  }

  function hash(text) {
    var h = 5381;
    for (var i = 0; i < text.length; i++) {
      h = ((h * 33) ^ text.charCodeAt(i)) >>> 0;
    }
    return h.toString(16);
  }

  /** Identifies what a verdict depends on: who receives it, what is attached, what it says. */
  function fingerprint(draft) {
    function addresses(list) {
      return list
        .map(function (r) {
          return r.address.toLowerCase();
        })
        .sort()
        .join(",");
    }
    var files = draft.attachments
      .map(function (a) {
        return [a.name, a.size, a.id].join("/");
      })
      .join("|");
    var text = [
      addresses(draft.to),
      addresses(draft.cc),
      addresses(draft.bcc),
      files,
      draft.subject,
      draft.body.content
    ].join("\n");
    return hash(text) + ":" + text.length;
  }

  // -- attachments: by reference (Graph) or inline ------------------------------------------

  function restVersion() {
    if (Office.MailboxEnums && Office.MailboxEnums.RestVersion) {
      return Office.MailboxEnums.RestVersion.v2_0;
    }
    return "v2.0";
  }

  /** Saves the draft so the server can read it through Graph; resolves to its REST id. */
  function savedItemId(item, deadline) {
    // Half the time left at most: when saving hangs, the bytes still have time to go inline.
    return officeCall(item, "saveAsync", [], until(partOf(deadline, SAVE_SHARE))).then(function (itemId) {
      if (!itemId) {
        throw problem("save", "saveAsync returned no id");
      }
      return Office.context.mailbox.convertToRestId(itemId, restVersion());
    });
  }

  /**
   * The attachment's bytes in base64, or null when they could not be read. Office sometimes
   * succeeds with empty content for a file that is not empty (office-js #4725 protected mail,
   * #6098, #3897): that is unread, not an empty file, so no bytes are sent and the service names
   * the attachment as not read.
   */
  function attachmentBytes(item, attachment, deadline) {
    var call = officeCall(item, "getAttachmentContentAsync", [attachment.id], until(deadline));
    return call.then(function (content) {
      if (!content || content.format !== "base64") {
        return null; // cloud links and attached e-mails come in other formats: the server reports them
      }
      if (!content.content && attachment.size > 0) {
        return null;
      }
      return content.content || "";
    });
  }

  function withInlineBytes(item, request, maxBytes, overall) {
    // Leave the service time to answer: a read that never calls back costs this share, not all.
    var deadline = partOf(overall, READ_SHARE);
    var total = 0;
    return Promise.all(
      request.attachments.map(function (attachment) {
        total += attachment.size;
        if (attachment.kind !== "file" || total > maxBytes) {
          return Promise.resolve(attachment);
        }
        return optional(attachmentBytes(item, attachment, deadline), null).then(function (bytes) {
          if (bytes !== null) {
            attachment.content_base64 = bytes;
          }
          return attachment;
        });
      })
    ).then(function (attachments) {
      request.attachments = attachments;
      return request;
    });
  }

  /**
   * Reference mode saves the draft; when that fails the bytes go inline instead. `inline` asks
   * for the bytes whatever the mode (a background check, or a draft Graph cannot see yet).
   */
  function withAttachments(item, request, settings, deadline, inline) {
    if (request.attachments.length === 0) {
      return Promise.resolve(request);
    }
    if (inline || settings.attachments === "inline") {
      return withInlineBytes(item, request, settings.maxInlineBytes, deadline);
    }
    return savedItemId(item, deadline)
      .then(function (restId) {
        request.item_id = restId;
        return request;
      })
      .catch(function () {
        return withInlineBytes(item, request, settings.maxInlineBytes, deadline);
      });
  }

  // -- per-item and per-user storage --------------------------------------------------------

  function sessionReadMs(deadline) {
    return Math.min(SESSION_READ_MS, until(partOf(deadline, SESSION_SHARE)));
  }

  function sessionGet(item, key, deadline) {
    if (!item.sessionData) {
      return Promise.resolve(memory[key] || null);
    }
    return optional(
      officeCall(item.sessionData, "getAsync", [key], sessionReadMs(deadline)).then(function (value) {
        if (!value) {
          return null;
        }
        return JSON.parse(value);
      }),
      null
    );
  }

  /** Best effort: never rejects, and gives up after `timeoutMs` (default OFFICE_CALL_MS). */
  function sessionSet(item, key, value, timeoutMs) {
    if (!item.sessionData) {
      memory[key] = value;
      return Promise.resolve();
    }
    return optional(officeCall(item.sessionData, "setAsync", [key, JSON.stringify(value)], timeoutMs), undefined);
  }

  function sessionRemove(item, key, timeoutMs) {
    if (!item.sessionData) {
      delete memory[key];
      return Promise.resolve();
    }
    return optional(officeCall(item.sessionData, "removeAsync", [key], timeoutMs), undefined);
  }

  function rememberedFailMode() {
    try {
      var value = Office.context.roamingSettings.get(KEYS.failMode);
      if (value) {
        return value;
      }
    } catch (error) {
      // roaming settings are unavailable in some event runtimes
    }
    return memory[KEYS.failMode] || null;
  }

  /** The tenant's fail mode as a verdict told it, else the deployment's, else null (acts as open). */
  function knownFailMode() {
    return rememberedFailMode() || config().failMode || null;
  }

  function rememberFailMode(mode) {
    if (!mode || rememberedFailMode() === mode) {
      return;
    }
    memory[KEYS.failMode] = mode;
    try {
      Office.context.roamingSettings.set(KEYS.failMode, mode);
      optional(officeCall(Office.context.roamingSettings, "saveAsync", [], SESSION_WRITE_MS), null);
    } catch (error) {
      // kept in memory only
    }
  }

  /** What is kept of a verdict in sessionData (50,000 characters in older clients). */
  function slim(verdict) {
    return {
      action: verdict.action,
      decision_id: verdict.decision_id,
      mode: verdict.mode,
      fail_mode: verdict.fail_mode,
      override: verdict.override || null,
      sender_may_override: verdict.sender_may_override === true,
      problems: verdict.problems || null,
      recipients: verdict.recipients,
      findings: (verdict.findings || []).map(function (f) {
        return { rule: f.rule, action: f.action, message: f.message, evidence: f.evidence, fix: f.fix };
      }),
      attachments: (verdict.attachments || []).map(function (a) {
        return { name: a.name, scanned: a.scanned, data_subjects: a.data_subjects, error: a.error, note: a.note };
      })
    };
  }

  /**
   * A verdict made without something it needed (Graph down, time budget spent, a lookup that
   * failed) is the fail mode speaking, not the answer for this draft: it is not kept as one.
   */
  function incomplete(verdict) {
    if (verdict.not_checked && verdict.not_checked.length) {
      return true;
    }
    return (verdict.findings || []).some(function (f) {
      return Boolean(f.evidence && f.evidence.infrastructure_failure);
    });
  }

  // -- tokens: nested app authentication first, Office SSO second -----------------------------

  /**
   * MSAL.js (315 KB) is loaded when a token is first needed, not with the event page: Outlook's
   * 5 s include loading the runtime. Where there is no DOM (classic Outlook's JS-only runtime) it
   * cannot be loaded, and Office SSO is used instead.
   */
  function loadMsal(settings) {
    if (typeof msal !== "undefined") {
      return Promise.resolve();
    }
    if (typeof document === "undefined" || !document || typeof document.createElement !== "function") {
      return Promise.reject(problem("token", "MSAL.js cannot be loaded in this runtime"));
    }
    if (!msalLoading) {
      msalLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = settings.apiBase + MSAL_PATH;
        script.onload = function () {
          resolve();
        };
        script.onerror = function () {
          msalLoading = null; // the next token request tries again
          reject(problem("token", "MSAL.js did not load"));
        };
        (document.head || document.body || document.documentElement).appendChild(script);
      });
    }
    return withinDeadline(msalLoading, now() + MSAL_LOAD_MS, "token");
  }

  function naaToken(settings, interactive) {
    if (!settings.clientId || !settings.apiScope) {
      return Promise.reject(problem("token", "nested app authentication is not configured"));
    }
    if (!supports("NestedAppAuth", "1.1")) {
      return Promise.reject(problem("token", "this Outlook has no nested app authentication"));
    }
    return loadMsal(settings).then(function () {
      return nestedToken(settings, interactive);
    });
  }

  function nestedToken(settings, interactive) {
    if (!pcaPromise) {
      pcaPromise = msal.createNestablePublicClientApplication({
        auth: { clientId: settings.clientId, authority: settings.authority }
      });
    }
    var request = { scopes: [settings.apiScope] };
    return pcaPromise.then(function (pca) {
      return pca.acquireTokenSilent(request).catch(function (error) {
        if (!interactive) {
          throw error;
        }
        return pca.acquireTokenPopup(request);
      });
    }).then(function (result) {
      return result.accessToken;
    });
  }

  function ssoToken(interactive) {
    var auth = null;
    if (typeof OfficeRuntime !== "undefined" && OfficeRuntime.auth) {
      auth = OfficeRuntime.auth; // recommended in event handlers
    } else if (typeof Office !== "undefined" && Office.auth) {
      auth = Office.auth;
    }
    if (!auth) {
      return Promise.reject(problem("token", "Office single sign-on is not available"));
    }
    return auth.getAccessToken({ allowSignInPrompt: interactive, allowConsentPrompt: interactive });
  }

  function getToken(settings, interactive) {
    return naaToken(settings, interactive)
      .catch(function () {
        return ssoToken(interactive);
      })
      .then(function (token) {
        if (!token) {
          throw problem("token", "no token");
        }
        return token;
      })
      .catch(function (error) {
        if (error && error.reason === "token") {
          throw error;
        }
        throw problem("token", (error && error.message) || "sign-in failed");
      });
  }

  // -- the score request -------------------------------------------------------------------

  function clientInfo() {
    var info = { platform: "", version: "" };
    try {
      info.platform = String(Office.context.diagnostics.platform || Office.context.platform || "");
      info.version = String(Office.context.diagnostics.version || "");
    } catch (error) {
      // diagnostics are optional
    }
    return info;
  }

  function postScore(settings, request, token, msLeft) {
    if (typeof fetch !== "function") {
      return Promise.reject(problem("unreachable", "fetch is not available"));
    }
    var controller = null;
    var timer = null;
    var options = {
      method: "POST",
      headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
      body: JSON.stringify(request)
    };
    if (typeof AbortController !== "undefined") {
      controller = new AbortController();
      options.signal = controller.signal;
      timer = setTimeout(function () {
        controller.abort();
      }, Math.max(0, msLeft));
    }
    var sent = fetch(settings.apiBase + "/api/v1/score", options);
    return withinDeadline(sent, now() + msLeft, "slow")
      .then(
        function (response) {
          clearTimeout(timer);
          return response;
        },
        function (error) {
          clearTimeout(timer);
          if (controller) {
            controller.abort();
          }
          if (error && (error.reason === "slow" || error.name === "AbortError")) {
            throw problem("slow");
          }
          throw problem("unreachable", error && error.message);
        }
      )
      .then(function (response) {
        return response.json().catch(function () {
          return {};
        }).then(function (body) {
          if (response.status === 401) {
            throw problem("token", body.message);
          }
          if (response.status === 429) {
            throw problem("busy", body.message);
          }
          if (response.status === 409 && body.error === "draft_not_synced") {
            throw problem("not_synced", body.message);
          }
          if (!response.ok || !body.action) {
            throw problem("refused", body.message || "HTTP " + response.status);
          }
          return body;
        });
      });
  }

  /**
   * What the service may spend: reading the draft, saving it and the token have used part of the
   * handler's budget, so the service's own budget would end after the handler gave up.
   */
  function serviceBudget(msLeft) {
    return Math.max(MIN_SERVICE_BUDGET_MS, Math.floor(msLeft - NETWORK_MARGIN_MS));
  }

  /** Classic Outlook on Windows: its cached mode saves drafts locally first, so Graph may not see them. */
  function classicOutlook() {
    try {
      return String(Office.context.diagnostics.platform || Office.context.platform || "") === "PC";
    } catch (error) {
      return false;
    }
  }

  /** Posts the request with the budget left before `deadline`. */
  function ask(settings, request, token, deadline) {
    // Abort a little before the handler's own deadline, leaving time to fall back.
    var msLeft = deadline - now() - FALLBACK_MARGIN_MS;
    if (msLeft <= 0) {
      // The handler has already answered: asking now would only be a request nobody waits for.
      return Promise.reject(problem("slow"));
    }
    request.budget_ms = serviceBudget(msLeft);
    return postScore(settings, request, token, msLeft);
  }

  /**
   * Reads the draft (or takes `options.draft`, already read), asks the service and resolves to
   * {draft, fingerprint, verdict, request, attachmentIds}. Every step is bounded by
   * `options.deadline`. `options.seen` receives the draft and its fingerprint as soon as they are
   * read, so a caller that gives up can still use them without reading again. `options.inline`
   * sends attachment bytes whatever the configured mode (the background check).
   */
  function score(item, options) {
    var settings = config();
    var deadline = options.deadline;
    var context = options.seen || {};
    var token = getToken(settings, Boolean(options.interactive));
    token.catch(function () {}); // handled where it is awaited; this only silences the early rejection
    var read = Promise.resolve(options.draft);
    if (!options.draft) {
      read = readDraft(item, deadline);
    }
    var work = read
      .then(function (draft) {
        context.draft = draft;
        context.fingerprint = fingerprint(draft);
        // on Send, the last Send of this e-mail too: pressed again, that one did not go as it was
        var last = null;
        if (options.purpose === "send") {
          last = sessionGet(item, KEYS.last, deadline);
        }
        return Promise.all([sessionGet(item, KEYS.override, deadline), last]);
      })
      .then(function (stored) {
        var override = stored[0];
        var last = stored[1];
        var request = JSON.parse(JSON.stringify(context.draft));
        request.purpose = options.purpose;
        request.client = clientInfo();
        var chosen = options.override || override;
        if (chosen && chosen.decision_id) {
          request.override = { decision_id: chosen.decision_id, justification: chosen.justification };
        }
        if (last && last.decision_id) {
          request.previous_decision_id = last.decision_id;
        }
        context.attachmentIds = request.attachments.map(function (a) {
          return { id: a.id, name: a.name };
        });
        var inline = Boolean(options.inline) || classicOutlook();
        return Promise.all([withAttachments(item, request, settings, deadline, inline), token]);
      })
      .then(function (ready) {
        context.request = ready[0];
        return ask(settings, ready[0], ready[1], deadline).catch(function (error) {
          if (!error || error.reason !== "not_synced" || !ready[0].item_id) {
            throw error;
          }
          // Graph cannot see the saved draft yet (cached mode, a shared mailbox): send the bytes.
          delete ready[0].item_id;
          return withInlineBytes(item, ready[0], settings.maxInlineBytes, deadline).then(function (request) {
            return ask(settings, request, ready[1], deadline);
          });
        });
      })
      .then(function (verdict) {
        rememberFailMode(verdict.fail_mode);
        context.verdict = verdict;
        return context;
      });
    return withinDeadline(work, deadline, "slow");
  }

  // -- what the sender sees ----------------------------------------------------------------

  var INTRO = {
    block: "Sendward stopped this e-mail.",
    warn: "Sendward found a problem with this e-mail."
  };

  function interrupting(verdict) {
    return (verdict.findings || []).filter(function (f) {
      return f.action === "block" || f.action === "warn";
    });
  }

  function escapeMarkdown(text) {
    return text.replace(/([\\*_\[\]()#`>+-])/g, "\\$1");
  }

  /** One line per problem, strongest first, as the service groups them; else one per finding. */
  function dialogLines(verdict) {
    var from = interrupting(verdict);
    if (verdict.problems && verdict.problems.length) {
      from = verdict.problems;
    }
    return from.map(function (p) {
      return p.message;
    });
  }

  function dialogText(verdict, intro, outro) {
    var lines = dialogLines(verdict);
    var plain = intro + " " + lines.join(" ") + " " + outro;
    var markdown = "**" + intro + "**\n\n";
    var items = "";
    for (var i = 0; i < lines.length; i++) {
      var entry = "- " + escapeMarkdown(lines[i]) + "\r";
      if ((markdown + items + entry + "\n\n" + outro).length > MAX_DIALOG_CHARS) {
        break; // the details pane lists every finding
      }
      items += entry;
    }
    return {
      plain: clip(plain, MAX_DIALOG_CHARS),
      markdown: clip(markdown + items + "\n\n" + outro, MAX_DIALOG_CHARS)
    };
  }

  function promptUser() {
    if (Office.MailboxEnums && Office.MailboxEnums.SendModeOverride) {
      return Office.MailboxEnums.SendModeOverride.PromptUser;
    }
    return "promptUser";
  }

  /**
   * The options for event.completed for a verdict (see Office.SmartAlertsEventCompletedOptions).
   * Send Anyway is offered only when the service says the sender may override this verdict
   * (`sender_may_override`, from the tenant's policy); a verdict without it offers none.
   */
  function completionFor(verdict, note, fromEarlierCheck) {
    if (verdict.action !== "warn" && verdict.action !== "block") {
      return { allowEvent: true };
    }
    var buttons = supports("Mailbox", "1.14");
    var sendAnyway = verdict.action === "warn" && verdict.sender_may_override === true;
    var outro = "Select Fix it to see each problem and fix it in one click.";
    if (sendAnyway && buttons) {
      outro = "Select Fix it to fix it, or Send Anyway if it is right.";
    } else if (sendAnyway && !fromEarlierCheck) {
      // Older clients have no Send Anyway: the second press of Send on the same draft goes (showVerdict).
      // An earlier check shown while the service cannot answer does not arm that second press.
      outro = "Fix it, or press Send again to send it as it is.";
    } else if (!buttons) {
      outro = "Fix it, then send it again. The Sendward button on the ribbon shows the details.";
    }
    var intro = INTRO[verdict.action];
    if (note) {
      intro = note + " " + intro;
    }
    var text = dialogText(verdict, intro, outro);
    var options = { allowEvent: false, errorMessage: text.plain };
    if (supports("Mailbox", "1.15")) {
      options.errorMessageMarkdown = text.markdown;
    }
    if (buttons) {
      options.cancelLabel = clip("Fix it", MAX_LABEL_CHARS);
      options.commandId = PANE_COMMAND_ID;
      // Tells the pane which decision to show; an open pane gets it through InitializationContextChanged.
      options.contextData = JSON.stringify({ decision_id: verdict.decision_id || null, action: verdict.action });
      if (sendAnyway) {
        options.sendModeOverride = promptUser();
      }
    }
    return options;
  }

  var REASONS = {
    slow: "the Sendward service did not answer in time",
    unreachable: "the Sendward service could not be reached",
    refused: "the Sendward service could not read this e-mail",
    busy: "you have asked Sendward for more checks in the last minute than your organisation allows",
    token: "Outlook could not sign you in to Sendward",
    office: "Outlook could not read this e-mail",
    unsupported: "this version of Outlook lacks a feature Sendward needs",
    save: "Outlook could not save the draft",
    not_synced: "Microsoft 365 could not find the saved draft yet"
  };

  function reasonText(error) {
    return REASONS[(error && error.reason) || ""] || "something went wrong";
  }

  /** Service unavailable: the tenant's fail mode decides, and the sender is told the truth. */
  function failModeCompletion(error) {
    var why = reasonText(error);
    if (knownFailMode() === "closed") {
      return {
        allowEvent: false,
        errorMessage:
          "Sendward could not check this e-mail: " + why + ". Your organisation requires a check " +
          "before e-mail leaves, so it was not sent. Try again in a minute; if this keeps happening, contact IT."
      };
    }
    if (!supports("Mailbox", "1.14")) {
      return { allowEvent: true }; // without Send Anyway, blocking would stop all mail
    }
    return {
      allowEvent: false,
      errorMessage:
        "Sendward could not check this e-mail: " + why + ". Nothing was checked. " +
        "You can send it anyway, or wait a minute and try again.",
      sendModeOverride: promptUser()
    };
  }

  function onceOnly(event) {
    var done = false;
    return function (options) {
      if (done) {
        return;
      }
      done = true;
      event.completed(options);
    };
  }

  // -- the handlers ------------------------------------------------------------------------

  /**
   * When a handler must be done. The first event in this runtime counts from when the file
   * loaded, as Outlook's clock does; later events from their own start. It always leaves
   * MIN_HANDLER_MS, enough to find an earlier verdict for the draft.
   */
  function handlerDeadline(budgetMs) {
    var start = now();
    if (!firstEventSeen) {
      firstEventSeen = true;
      start = LOADED_AT;
    }
    return Math.max(start + budgetMs, now() + Math.min(budgetMs, MIN_HANDLER_MS));
  }

  function kept(result) {
    var keep = slim(result.verdict);
    keep.fingerprint = result.fingerprint;
    keep.attachments_sent = result.attachmentIds;
    return keep;
  }

  /** A promise of what `promise` gives, or of `fallbackValue` once `ms` have passed. */
  function settledWithin(promise, ms, fallbackValue) {
    return optional(withinDeadline(promise, now() + ms, "slow"), fallbackValue);
  }

  /**
   * The verdict is in hand: it is what the sender sees. Writing it to sessionData (for the
   * details pane) is best effort and waits at most SESSION_WRITE_MS, never past the deadline; a
   * slow or silent setAsync cannot turn the verdict into "the service did not answer".
   */
  function showVerdict(item, result, deadline, state) {
    var verdict = result.verdict;
    var oldClient = !supports("Mailbox", "1.14");
    var secondPress = verdict.action === "warn" && oldClient && verdict.sender_may_override === true;
    var warned = Promise.resolve(null);
    if (secondPress) {
      warned = settledWithin(state.warned, SESSION_WRITE_MS, null);
    }
    return warned.then(function (fingerprintWarned) {
      var passes = secondPress && fingerprintWarned === result.fingerprint;
      var options = completionFor(verdict, "");
      if (passes) {
        options = { allowEvent: true };
      }
      state.shown = options;
      var ms = Math.min(SESSION_WRITE_MS, until(deadline));
      var writes = [sessionSet(item, KEYS.last, kept(result), ms)];
      if (verdict.override && verdict.override.accepted) {
        writes.push(sessionRemove(item, KEYS.override, ms));
      }
      if (secondPress && !passes) {
        writes.push(sessionSet(item, KEYS.warned, result.fingerprint, ms));
      }
      return Promise.all(writes).then(function () {
        return options;
      });
    });
  }

  /**
   * No verdict in time: the background verdict for exactly this draft, if it was already read,
   * else the fail mode. Nothing is read again here: an Office call that never called back the
   * first time would not call back now.
   */
  function fallbackCompletion(error, deadline, state) {
    return settledWithin(state.precheck, until(deadline), null).then(function (cached) {
      var seen = state.seen;
      if (cached && cached.fingerprint && seen.fingerprint && cached.fingerprint === seen.fingerprint) {
        return completionFor(cached, "Sendward's earlier check of this e-mail still applies.", true);
      }
      return failModeCompletion(error);
    });
  }

  function onMessageSendHandler(event) {
    var settings = config();
    var item = Office.context.mailbox.item;
    var complete = onceOnly(event);
    var deadline = handlerDeadline(settings.budgetMs);
    var state = { seen: {}, shown: null };
    // Read while there is time; the fallback only uses what these found.
    state.precheck = sessionGet(item, KEYS.precheck, deadline);
    state.warned = Promise.resolve(null);
    if (!supports("Mailbox", "1.14")) {
      state.warned = sessionGet(item, KEYS.warned, deadline);
    }
    // Whatever happens above, Send gets an answer: the verdict if one is in hand, else the fail mode.
    var backstop = setTimeout(function () {
      complete(state.shown || failModeCompletion(problem("slow")));
    }, until(deadline) + SESSION_WRITE_MS + FALLBACK_MARGIN_MS);
    score(item, { purpose: "send", deadline: deadline, seen: state.seen })
      .then(
        function (result) {
          return showVerdict(item, result, deadline, state);
        },
        function (error) {
          return fallbackCompletion(error, deadline, state);
        }
      )
      .catch(function (error) {
        return state.shown || failModeCompletion(error);
      })
      .then(function (options) {
        clearTimeout(backstop);
        complete(options);
      });
  }

  /** Background check while the sender writes: keeps the verdict for this draft's fingerprint. */
  function precheck(event) {
    var settings = config();
    var item = Office.context.mailbox.item;
    var complete = onceOnly(event);
    var deadline = handlerDeadline(settings.precheckBudgetMs);
    var work = Promise.all([readDraft(item, deadline), sessionGet(item, KEYS.precheck, deadline)])
      .then(function (found) {
        if (found[1] && found[1].fingerprint === fingerprint(found[0])) {
          return null; // already checked exactly this draft
        }
        // No Outlook clock here: the bytes go inline, so the service has read them when Send asks.
        var options = { purpose: "precheck", deadline: deadline, draft: found[0], inline: true };
        return score(item, options).then(function (result) {
          if (incomplete(result.verdict)) {
            return null; // not the answer: the next change, the pane or Send asks again
          }
          return sessionSet(item, KEYS.precheck, kept(result), until(deadline));
        });
      });
    withinDeadline(work, deadline, "slow")
      .catch(function () {
        return null; // a failed background check changes nothing; Send checks again
      })
      .then(function () {
        complete();
      });
  }

  function onMessageRecipientsChangedHandler(event) {
    precheck(event);
  }

  function onMessageAttachmentsChangedHandler(event) {
    precheck(event);
  }

  if (typeof Office !== "undefined" && Office.actions && typeof Office.actions.associate === "function") {
    Office.actions.associate("onMessageSendHandler", onMessageSendHandler);
    Office.actions.associate("onMessageRecipientsChangedHandler", onMessageRecipientsChangedHandler);
    Office.actions.associate("onMessageAttachmentsChangedHandler", onMessageAttachmentsChangedHandler);
  }

  return {
    KEYS: KEYS,
    PANE_COMMAND_ID: PANE_COMMAND_ID,
    RECIPIENTS_PER_CALL: RECIPIENTS_PER_CALL,
    config: config,
    officeCall: officeCall,
    readDraft: readDraft,
    fingerprint: fingerprint,
    score: score,
    slim: slim,
    incomplete: incomplete,
    sessionGet: sessionGet,
    sessionSet: sessionSet,
    sessionRemove: sessionRemove,
    completionFor: completionFor,
    failModeCompletion: failModeCompletion,
    rememberedFailMode: rememberedFailMode,
    knownFailMode: knownFailMode,
    getToken: getToken,
    onMessageSendHandler: onMessageSendHandler,
    onMessageRecipientsChangedHandler: onMessageRecipientsChangedHandler,
    onMessageAttachmentsChangedHandler: onMessageAttachmentsChangedHandler
  };
})();

if (typeof module === "object" && module && module.exports) {
  module.exports = Sendward;
}
