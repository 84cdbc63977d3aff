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
  var RECIPIENTS_PER_CALL = 100; // Recipients.setAsync/addAsync accept at most 100 at a time
  var memory = {}; // fallback store where sessionData or roamingSettings are missing
  var pcaPromise = null;

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
      authority: given.authority || "https://login.microsoftonline.com/common",
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

  /** Calls an Office.js async method (callback last) and returns a promise of its value. */
  function officeCall(target, method, args) {
    return new Promise(function (resolve, reject) {
      if (!target || typeof target[method] !== "function") {
        reject(problem("unsupported", method + " is not available"));
        return;
      }
      var callArgs = (args || []).slice();
      callArgs.push(function (result) {
        if (succeeded(result)) {
          resolve(result.value);
        } else {
          var message = "";
          if (result && result.error) {
            message = result.error.message || result.error.name || "";
          }
          reject(problem("office", method + " failed: " + message));
        }
      });
      try {
        target[method].apply(target, callArgs);
      } catch (error) {
        reject(problem("office", method + " threw: " + error.message));
      }
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

  function recipients(field) {
    if (!field) {
      return Promise.resolve([]);
    }
    return officeCall(field, "getAsync", []).then(function (list) {
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

  function attachmentList(item) {
    if (typeof item.getAttachmentsAsync !== "function") {
      return Promise.resolve([]);
    }
    return officeCall(item, "getAttachmentsAsync", []).then(function (list) {
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

  function sender(item) {
    if (!item.from) {
      return Promise.resolve(null);
    }
    return optional(
      officeCall(item.from, "getAsync", []).then(function (from) {
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

  /** The draft as the score request wants it, attachments as metadata only. */
  function readDraft(item) {
    return Promise.all([
      recipients(item.to),
      recipients(item.cc),
      recipients(item.bcc),
      optional(officeCall(item.subject, "getAsync", []), ""),
      optional(officeCall(item.body, "getAsync", [htmlCoercion()]), ""),
      attachmentList(item),
      sender(item)
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
  function savedItemId(item) {
    return officeCall(item, "saveAsync", []).then(function (itemId) {
      if (!itemId) {
        throw problem("save", "saveAsync returned no id");
      }
      return Office.context.mailbox.convertToRestId(itemId, restVersion());
    });
  }

  function attachmentBytes(item, attachment) {
    return officeCall(item, "getAttachmentContentAsync", [attachment.id]).then(function (content) {
      if (!content || content.format !== "base64") {
        return null; // cloud links and attached e-mails come in other formats: the server reports them
      }
      return content.content;
    });
  }

  function withInlineBytes(item, request, maxBytes) {
    var total = 0;
    return Promise.all(
      request.attachments.map(function (attachment) {
        total += attachment.size;
        if (attachment.kind !== "file" || total > maxBytes) {
          return Promise.resolve(attachment);
        }
        return optional(attachmentBytes(item, attachment), null).then(function (bytes) {
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

  /** Reference mode saves the draft; when that fails the bytes go inline instead. */
  function withAttachments(item, request, settings) {
    if (request.attachments.length === 0) {
      return Promise.resolve(request);
    }
    if (settings.attachments === "inline") {
      return withInlineBytes(item, request, settings.maxInlineBytes);
    }
    return savedItemId(item)
      .then(function (restId) {
        request.item_id = restId;
        return request;
      })
      .catch(function () {
        return withInlineBytes(item, request, settings.maxInlineBytes);
      });
  }

  // -- per-item and per-user storage --------------------------------------------------------

  function sessionGet(item, key) {
    if (!item.sessionData) {
      return Promise.resolve(memory[key] || null);
    }
    return optional(
      officeCall(item.sessionData, "getAsync", [key]).then(function (value) {
        if (!value) {
          return null;
        }
        return JSON.parse(value);
      }),
      null
    );
  }

  function sessionSet(item, key, value) {
    if (!item.sessionData) {
      memory[key] = value;
      return Promise.resolve();
    }
    return optional(officeCall(item.sessionData, "setAsync", [key, JSON.stringify(value)]), undefined);
  }

  function sessionRemove(item, key) {
    if (!item.sessionData) {
      delete memory[key];
      return Promise.resolve();
    }
    return optional(officeCall(item.sessionData, "removeAsync", [key]), undefined);
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
      Office.context.roamingSettings.saveAsync(function () {});
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

  function naaToken(settings, interactive) {
    if (typeof msal === "undefined" || !settings.clientId || !settings.apiScope) {
      return Promise.reject(problem("token", "nested app authentication is not configured"));
    }
    if (!supports("NestedAppAuth", "1.1")) {
      return Promise.reject(problem("token", "this Outlook has no nested app authentication"));
    }
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

  /** Reads the draft, asks the service and returns {draft, fingerprint, verdict, request}. */
  function score(item, options) {
    var settings = config();
    var deadline = options.deadline;
    var context = {};
    var token = getToken(settings, Boolean(options.interactive));
    token.catch(function () {}); // handled where it is awaited; this only silences the early rejection
    // The deadline covers every step: getAttachmentContentAsync has been seen never to call back.
    var work = readDraft(item)
      .then(function (draft) {
        context.draft = draft;
        context.fingerprint = fingerprint(draft);
        // on Send, the last Send of this e-mail too: pressed again, that one did not go as it was
        var last = null;
        if (options.purpose === "send") {
          last = sessionGet(item, KEYS.last);
        }
        return Promise.all([sessionGet(item, KEYS.override), last]);
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
        return Promise.all([withAttachments(item, request, settings), token]);
      })
      .then(function (ready) {
        context.request = ready[0];
        // Abort a little before the handler's own deadline, leaving time to fall back.
        var msLeft = deadline - now() - FALLBACK_MARGIN_MS;
        ready[0].budget_ms = serviceBudget(msLeft);
        return postScore(settings, ready[0], ready[1], msLeft);
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
  function completionFor(verdict, note) {
    if (verdict.action !== "warn" && verdict.action !== "block") {
      return { allowEvent: true };
    }
    var buttons = supports("Mailbox", "1.14");
    var sendAnyway = verdict.action === "warn" && verdict.sender_may_override === true;
    var outro = "Select Fix it to see each problem and fix it in one click.";
    if (sendAnyway && buttons) {
      outro = "Select Fix it to fix it, or Send Anyway if it is right.";
    } else if (sendAnyway) {
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
    save: "Outlook could not save the draft"
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

  function onMessageSendHandler(event) {
    var settings = config();
    var item = Office.context.mailbox.item;
    var complete = onceOnly(event);
    var deadline = now() + settings.budgetMs;
    var precheck = sessionGet(item, KEYS.precheck);
    var work = score(item, { purpose: "send", deadline: deadline }).then(function (result) {
      var keep = slim(result.verdict);
      keep.fingerprint = result.fingerprint;
      keep.attachments_sent = result.attachmentIds;
      return sessionSet(item, KEYS.last, keep).then(function () {
        if (result.verdict.override && result.verdict.override.accepted) {
          return sessionRemove(item, KEYS.override);
        }
        return undefined;
      }).then(function () {
        return completionAfterWarning(item, result);
      }).then(complete);
    });
    withinDeadline(work, deadline, "slow").catch(function (error) {
      return Promise.all([precheck, optional(readDraft(item).then(fingerprint), null)]).then(function (found) {
        var cached = found[0];
        if (cached && cached.fingerprint && cached.fingerprint === found[1]) {
          complete(completionFor(cached, "Sendward's earlier check of this e-mail still applies."));
        } else {
          complete(failModeCompletion(error));
        }
      });
    }).catch(function (error) {
      complete(failModeCompletion(error));
    });
  }

  /**
   * Without Send Anyway (before Mailbox 1.14) a warning would stop the message for good, so
   * pressing Send again on the same draft sends it.
   */
  function completionAfterWarning(item, result) {
    if (result.verdict.action !== "warn" || supports("Mailbox", "1.14")) {
      return Promise.resolve(completionFor(result.verdict, ""));
    }
    return sessionGet(item, KEYS.warned).then(function (warned) {
      if (warned === result.fingerprint) {
        return { allowEvent: true };
      }
      return sessionSet(item, KEYS.warned, result.fingerprint).then(function () {
        return completionFor(result.verdict, "");
      });
    });
  }

  /** Background check while the sender writes: keeps the verdict for this draft's fingerprint. */
  function precheck(event) {
    var settings = config();
    var item = Office.context.mailbox.item;
    var complete = onceOnly(event);
    var deadline = now() + settings.precheckBudgetMs;
    readDraft(item)
      .then(function (draft) {
        return Promise.all([fingerprint(draft), sessionGet(item, KEYS.precheck)]);
      })
      .then(function (found) {
        if (found[1] && found[1].fingerprint === found[0]) {
          return null; // already checked exactly this draft
        }
        return score(item, { purpose: "precheck", deadline: deadline }).then(function (result) {
          if (incomplete(result.verdict)) {
            return null; // not the answer: the next change, the pane or Send asks again
          }
          var keep = slim(result.verdict);
          keep.fingerprint = result.fingerprint;
          keep.attachments_sent = result.attachmentIds;
          return sessionSet(item, KEYS.precheck, keep);
        });
      })
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
