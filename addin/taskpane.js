/*
 * The details pane: what Sendward found, in plain words, with fixes that act on the draft and
 * an override with a written justification. Runs in the browser runtime (task pane), so modern
 * JavaScript is fine here; it reuses Sendward (launchevent.js) and SendwardFixes (fixes.js).
 */
(function () {
  "use strict";

  const KEYS = Sendward.KEYS;
  const CHECK_BUDGET_MS = 60000;
  const HEADINGS = {
    "recipients.exposed": "Recipients can see each other",
    "recipients.large_audience": "A very large audience",
    "recipients.external_domains": "Many outside organisations",
    "recipients.lookalike_domain": "A look-alike address",
    "attachment.personal_data": "Personal data in an attachment",
    "attachment.special_category": "Sensitive personal data in an attachment",
    "attachment.hidden_content": "Hidden personal data in an attachment",
    "attachment.unscannable": "An attachment Sendward could not read",
    "body.personal_data": "Personal data in the message",
    "policy.custom_pattern": "Your organisation's identifiers"
  };
  const SEVERITY = { block: "Stops sending", warn: "Warning", info: "Note" };
  const HEADLINES = {
    block: "Sendward stopped this e-mail", // after Send was pressed
    warn: "Sendward found a problem",
    allow: "Nothing to fix: this e-mail can go"
  };
  const HEADLINES_BEFORE_SEND = { block: "Sendward would stop this e-mail" }; // opened from the button

  // The send handler's write of its verdict is best effort and may land just after the dialog's
  // button opened the pane: the pane looks again a few times for the decision it was told about.
  const SESSION_RETRIES = 5;
  const SESSION_RETRY_MS = 200;

  const $ = (id) => document.getElementById(id);
  const view = { verdict: null, draft: null, lastSend: null, sent: false, offered: new Set(), loads: 0 };

  function item() {
    return Office.context.mailbox.item;
  }

  function show(id, text) {
    const element = $(id);
    element.textContent = text;
    element.hidden = !text;
  }

  function element(tag, attributes = {}, text = "") {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  }

  function keep(result) {
    const kept = Sendward.slim(result.verdict);
    kept.fingerprint = result.fingerprint;
    kept.attachments_sent = result.attachmentIds;
    return kept;
  }

  /**
   * The data the Smart Alerts dialog passed (launchevent.js completionFor: the decision id and
   * action, as a JSON string), or null: opened from the ribbon, or data the pane cannot read.
   */
  function parseContext(data) {
    if (!data) return null;
    try {
      const parsed = typeof data === "string" ? JSON.parse(data) : data;
      return parsed && typeof parsed === "object" ? parsed : null;
    } catch (error) {
      return null;
    }
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** The verdict Send got; when the dialog named a decision, waits briefly for the handler to store it. */
  async function sendVerdict(context) {
    const wanted = context && context.decision_id;
    for (let attempt = 0; ; attempt += 1) {
      const last = await Sendward.sessionGet(item(), KEYS.last);
      if (!wanted || (last && last.decision_id === wanted) || attempt >= SESSION_RETRIES) return last;
      await pause(SESSION_RETRY_MS);
    }
  }

  /**
   * Shows the verdict already known for this exact draft, or checks it now. ``context``: what the
   * Smart Alerts dialog passed. A newer load (a new context while this one runs) wins: an older
   * one renders nothing.
   */
  async function load(context = null) {
    const current = (view.loads += 1);
    const latest = () => current === view.loads;
    const draft = await Sendward.readDraft(item());
    const fingerprint = Sendward.fingerprint(draft);
    const lastSend = await sendVerdict(context);
    const precheck = await Sendward.sessionGet(item(), KEYS.precheck);
    if (!latest()) return;
    view.lastSend = lastSend;
    const known = [lastSend, precheck].find((v) => v && v.fingerprint === fingerprint);
    if (known) {
      render(known, draft, known === lastSend);
    } else {
      await check(latest);
    }
  }

  /**
   * The dialog's button pressed again while the pane is open (after another Send): Outlook does
   * not reload the pane but raises InitializationContextChanged (Mailbox 1.15) with the new data.
   */
  function reload(context) {
    show("fix-result", "");
    show("override-result", "");
    $("justification").value = "";
    load(context).catch((error) => show("status", `Sendward could not read this e-mail (${error.message}).`));
  }

  /** Registers for InitializationContextChanged where Outlook has it; true when registered. */
  function listenForNewContext() {
    const mailboxItem = item();
    const type = Office.EventType && Office.EventType.InitializationContextChanged;
    const supported = Office.context.requirements && Office.context.requirements.isSetSupported("Mailbox", "1.15");
    if (!type || !supported || !mailboxItem || typeof mailboxItem.addHandlerAsync !== "function") return false;
    mailboxItem.addHandlerAsync(
      type,
      (event) => reload(parseContext(event && event.initializationContextData)),
      (result) => {
        if (result && result.status === Office.AsyncResultStatus.Failed) {
          console.warn(`Sendward: no InitializationContextChanged handler (${result.error && result.error.message})`);
        }
      }
    );
    return true;
  }

  /** The dialog's data when its button opened the pane (Mailbox 1.14 getInitializationContextAsync), else null. */
  async function initialContext() {
    const mailboxItem = item();
    if (!mailboxItem || typeof mailboxItem.getInitializationContextAsync !== "function") return null;
    try {
      return parseContext(await Sendward.officeCall(mailboxItem, "getInitializationContextAsync", []));
    } catch (error) {
      return null; // opened from the ribbon: there is no context
    }
  }

  /** ``latest``: whether this check still belongs to the newest load; a check started on its own is the newest. */
  async function check(latest = null) {
    if (!latest) {
      const current = (view.loads += 1);
      latest = () => current === view.loads;
    }
    show("status", "Checking this e-mail\u2026");
    try {
      const result = await Sendward.score(item(), {
        purpose: "precheck",
        deadline: Date.now() + CHECK_BUDGET_MS,
        interactive: true
      });
      const kept = keep(result);
      if (!Sendward.incomplete(result.verdict)) await Sendward.sessionSet(item(), KEYS.precheck, kept);
      if (latest()) render(kept, result.draft);
    } catch (error) {
      if (!latest()) return;
      $("summary").hidden = true;
      $("findings").replaceChildren();
      show("status", `Sendward could not check this e-mail (${error.message}). Try again in a minute.`);
    }
  }

  /** ``sent``: the verdict is the one Send got (the pane opened from the dialog), not a check made now. */
  function render(verdict, draft, sent = false) {
    view.verdict = verdict;
    view.draft = draft;
    view.sent = sent;
    show("status", "");
    const summary = $("summary");
    summary.hidden = false;
    summary.className = verdict.action;
    const headlines = sent ? HEADLINES : { ...HEADLINES, ...HEADLINES_BEFORE_SEND };
    $("headline").textContent = headlines[verdict.action] || HEADLINES.allow;
    $("subline").textContent = subline(verdict);
    view.offered = new Set(); // one button per fix, under the first finding that needs it
    $("findings").replaceChildren(...verdict.findings.map(findingItem));
    renderOverride(verdict);
  }

  function subline(verdict) {
    if (verdict.override && verdict.override.accepted) {
      return "Your reason was accepted; it is recorded when you press Send.";
    }
    if (verdict.mode === "monitor") {
      return "Your organisation is trying Sendward out: nothing is stopped yet.";
    }
    if (verdict.action === "allow") {
      return "You can press Send.";
    }
    const fix = view.sent ? "Fix what is listed below, then press Send again." : "Fix what is listed below before you press Send.";
    if (verdict.action === "block" && verdict.sender_may_override === false) {
      return `${fix} Your organisation does not allow a blocked e-mail to go as it is.`;
    }
    return fix;
  }

  function findingItem(finding) {
    const li = element("li", { class: `finding ${finding.action}`, "data-rule": finding.rule });
    li.append(
      element("span", { class: "severity" }, SEVERITY[finding.action] || finding.action),
      element("h3", {}, HEADINGS[finding.rule] || finding.rule),
      element("p", {}, finding.message)
    );
    const fixes = element("div", { class: "fixes" });
    for (const button of fixButtons(finding)) {
      const key = `${button.dataset.fix}:${button.dataset.target}`;
      if (view.offered.has(key)) continue;
      view.offered.add(key);
      fixes.append(button);
    }
    if (fixes.childElementCount) li.append(fixes);
    return li;
  }

  function plural(count, word) {
    return count === 1 ? word : `${word}s`;
  }

  function fixButton(label, fix, target, action, secondary = false) {
    const button = element("button", { type: "button", "data-fix": fix, "data-target": target }, label);
    if (secondary) button.className = "secondary";
    button.addEventListener("click", () => applyFix(button, action));
    return button;
  }

  function fixButtons(finding) {
    const draft = view.draft;
    const evidence = finding.evidence || {};
    const moving = (view.verdict.recipients || {}).move_to_bcc; // the addresses the service counted outside
    if (finding.fix === "move_to_bcc") {
      const outside = SendwardFixes.outsideVisible(draft, moving).length;
      const buttons = [];
      if (outside > 0) {
        buttons.push(
          fixButton(`Move ${outside} outside ${plural(outside, "recipient")} to BCC`, "move_to_bcc", "", async () => {
            const moved = await SendwardFixes.moveOutsideToBcc(item(), draft, moving);
            return `Moved ${moved} ${plural(moved, "recipient")} to BCC: they no longer see each other.`;
          })
        );
      }
      // Not offered where Outlook has no way to open a new e-mail (see docs/addin.md: Read mode only).
      if (outside > 1 && outside <= SendwardFixes.SPLIT_LIMIT && SendwardFixes.canOpenNewMessages()) {
        buttons.push(
          fixButton(`Send ${outside} separate e-mails`, "split_message", "", async () => {
            const result = await SendwardFixes.splitPerRecipient(item(), draft, moving);
            const note = result.attachmentsNotCopied ? " Attach the files to each of them again." : "";
            return `Opened ${result.opened} new ${plural(result.opened, "e-mail")}, one per recipient; this one keeps the first.${note}`;
          }, true)
        );
      }
      return buttons;
    }
    if (finding.fix === "remove_attachment" && Number.isInteger(evidence.attachment)) {
      const sent = (view.verdict.attachments_sent || [])[evidence.attachment];
      if (!sent || !sent.id) return [];
      return [
        fixButton(`Remove ${sent.name}`, "remove_attachment", sent.id, async () => {
          await SendwardFixes.removeAttachment(item(), sent.id);
          return `Removed ${sent.name}.`;
        })
      ];
    }
    if (finding.fix === "remove_recipient" && evidence.recipient) {
      // recipients.misdirected: the address meant, when the history suggests one, else just remove it.
      const buttons = [];
      if (evidence.suggestion) {
        buttons.push(
          fixButton(`Send to ${evidence.suggestion} instead`, "replace_recipient", evidence.recipient, async () => {
            await SendwardFixes.replaceRecipient(item(), draft, evidence.recipient, evidence.suggestion);
            return `Replaced ${evidence.recipient} with ${evidence.suggestion}.`;
          })
        );
      }
      buttons.push(
        fixButton(`Remove ${evidence.recipient}`, "remove_recipient", evidence.recipient, async () => {
          await SendwardFixes.replaceRecipient(item(), draft, evidence.recipient, null);
          return `Removed ${evidence.recipient}.`;
        }, Boolean(evidence.suggestion))
      );
      return buttons;
    }
    if (finding.fix === "remove_recipient" && evidence.domain) {
      const buttons = [];
      if (evidence.resembles) {
        // a look-alike is most often a typing slip: offer the domain it imitates first
        buttons.push(
          fixButton(`Change to @${evidence.resembles}`, "correct_recipient", evidence.domain, async () => {
            const fixed = await SendwardFixes.correctRecipientsAt(item(), draft, evidence.domain, evidence.resembles);
            return `Changed ${fixed} address${fixed === 1 ? "" : "es"} from ${evidence.domain} to ${evidence.resembles}.`;
          })
        );
      }
      buttons.push(
        fixButton(`Remove recipients at ${evidence.domain}`, "remove_recipient", evidence.domain, async () => {
          const removed = await SendwardFixes.removeRecipientsAt(item(), draft, evidence.domain);
          return `Removed ${removed} recipient${removed === 1 ? "" : "s"} at ${evidence.domain}.`;
        }, Boolean(evidence.resembles))
      );
      return buttons;
    }
    return [];
  }

  async function applyFix(button, action) {
    for (const other of document.querySelectorAll("button[data-fix]")) other.disabled = true;
    try {
      show("fix-result", await action());
    } catch (error) {
      show("fix-result", `That did not work: ${error.message}`);
    }
    await check();
  }

  function renderOverride(verdict) {
    const section = $("override");
    const last = view.lastSend;
    const interrupted = verdict.action === "warn" || verdict.action === "block";
    // An override refers to a decision the service recorded: the one made when Send was pressed.
    // The service says whether this tenant lets the sender override at all (sender_may_override).
    const allowed = verdict.sender_may_override === true;
    section.hidden = !(allowed && interrupted && last && last.decision_id && last.action !== "allow");
  }

  async function requestOverride() {
    const justification = $("justification").value.trim();
    const decisionId = view.lastSend && view.lastSend.decision_id;
    if (!justification) {
      show("override-result", "Write why this e-mail must go as it is.");
      return;
    }
    $("override-submit").disabled = true;
    try {
      const override = { decision_id: decisionId, justification };
      const result = await Sendward.score(item(), {
        purpose: "precheck",
        deadline: Date.now() + CHECK_BUDGET_MS,
        interactive: true,
        override
      });
      const answer = result.verdict.override || { accepted: false, reason: "no answer about the override" };
      if (answer.accepted) {
        await Sendward.sessionSet(item(), KEYS.override, override);
        show("override-result", "Accepted. Press Send again: your reason is recorded with the decision.");
      } else {
        show("override-result", `Not accepted: ${answer.reason}.`);
      }
    } catch (error) {
      show("override-result", `Sendward could not check your reason (${error.message}).`);
    } finally {
      $("override-submit").disabled = false;
    }
  }

  function start() {
    $("recheck").addEventListener("click", () => check());
    $("override-submit").addEventListener("click", requestOverride);
    listenForNewContext();
    initialContext()
      .then(load)
      .catch((error) => show("status", `Sendward could not read this e-mail (${error.message}).`));
  }

  Office.onReady(() => {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  });
})();
