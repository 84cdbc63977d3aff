/*
 * Draws Outlook's Smart Alerts dialog from the options the send handler passes to
 * event.completed (launchevent.js completionFor): the add-in's name as the title, the message
 * (the Markdown subset Smart Alerts renders), then Send Anyway, the add-in's own button and
 * Don't Send. The demo's Office.js stand-in shows it on Send; the admin simulator shows it for a
 * saved e-mail, so both show exactly what the handler would ask Outlook to show.
 * Not loaded by Outlook itself.
 */
var SendwardSmartAlert = (function () {
  "use strict";

  var TITLE = "Sendward"; // Outlook shows the add-in's name here
  var DEFAULT_MESSAGE = "Sendward is preventing this email from being sent.";

  function inline(text, parent) {
    // **bold**, *italic* / _italic_, [text](https://...), and backslash escapes
    var pattern = /\\(.)|\*\*(.+?)\*\*|[*_](.+?)[*_]|\[([^\]]+)\]\((https:[^)]+)\)/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      parent.append(text.slice(last, match.index));
      if (match[1] !== undefined) parent.append(match[1]);
      else if (match[2] !== undefined) parent.append(Object.assign(document.createElement("strong"), { textContent: match[2] }));
      else if (match[3] !== undefined) parent.append(Object.assign(document.createElement("em"), { textContent: match[3] }));
      else parent.append(Object.assign(document.createElement("a"), { textContent: match[4], href: match[5], target: "_blank" }));
      last = match.index + match[0].length;
    }
    parent.append(text.slice(last));
  }

  /** The subset of Markdown Smart Alerts renders: paragraphs (\n\n), bullets ending in \r, emphasis, links. */
  function renderMarkdown(markdown, container) {
    markdown.split("\n\n").forEach(function (block) {
      var items = block.split("\r").filter(function (line) { return line.trim(); });
      if (items.length && items.every(function (line) { return /^[-*] /.test(line); })) {
        var list = document.createElement("ul");
        items.forEach(function (line) {
          var li = document.createElement("li");
          inline(line.slice(2), li);
          list.append(li);
        });
        container.append(list);
      } else if (block.trim()) {
        var p = document.createElement("p");
        inline(block, p);
        container.append(p);
      }
    });
  }

  function button(label, id, action, primary) {
    var element = document.createElement("button");
    element.type = "button";
    element.id = id;
    element.textContent = label;
    if (primary) element.className = "primary";
    if (action) element.addEventListener("click", action);
    else element.disabled = true; // a picture of the dialog: nothing to do
    return element;
  }

  /**
   * The dialog's box for ``options`` (an event.completed argument that does not allow the event).
   * ``on`` holds the click handlers: sendAnyway, action (Fix it) and dontSend; a missing one
   * draws its button disabled. ``idPrefix`` names the elements (default "smart-alert").
   */
  function build(options, on, idPrefix) {
    on = on || {};
    var prefix = idPrefix || "smart-alert";
    var box = document.createElement("div");
    box.className = "smart-alert-box";
    var title = document.createElement("h2");
    title.id = prefix + "-title";
    title.textContent = TITLE;
    var message = document.createElement("div");
    message.id = prefix + "-message";
    if (options.errorMessageMarkdown) renderMarkdown(options.errorMessageMarkdown, message);
    else message.textContent = options.errorMessage || DEFAULT_MESSAGE;
    var buttons = document.createElement("div");
    buttons.className = "smart-alert-buttons";
    if (options.sendModeOverride === "promptUser") {
      buttons.append(button("Send Anyway", prefix + "-send-anyway", on.sendAnyway));
    }
    if (options.commandId) {
      buttons.append(button(options.cancelLabel || "Take Action", prefix + "-action", on.action, true));
    }
    buttons.append(button("Don't Send", prefix + "-dont-send", on.dontSend));
    box.append(title, message, buttons);
    return box;
  }

  return { build: build, renderMarkdown: renderMarkdown, TITLE: TITLE };
})();
