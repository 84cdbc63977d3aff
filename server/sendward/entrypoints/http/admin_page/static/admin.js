// Sendward admin page: small progressive enhancements. Everything works without this file;
// with it, errors show while you type, patterns can be tried live, and files can be dropped.
"use strict";

(function () {
  function csrfToken() {
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function post(url, body, isJson) {
    var headers = { "X-CSRF-Token": csrfToken(), "Accept": "application/json" };
    if (isJson) { headers["Content-Type"] = "application/json"; body = JSON.stringify(body); }
    return fetch(url, { method: "POST", body: body, headers: headers, credentials: "same-origin" })
      .then(function (response) { return response.json(); });
  }

  // -- inline validation of the policy form ---------------------------------------------
  function showErrors(form, errors, summary) {
    form.querySelectorAll(".field-error").forEach(function (p) {
      var id = p.id.replace(/-error$/, "");
      var messages = errors[id];
      var control = document.getElementById(id);
      var holder = p.closest(".field");
      if (messages && messages.length) {
        p.textContent = messages.join(" ");
        p.hidden = false;
        if (control && control.matches("input, select, textarea")) control.setAttribute("aria-invalid", "true");
        if (holder) holder.classList.add("has-error");
      } else {
        p.textContent = "";
        p.hidden = true;
        if (control && control.matches("input, select, textarea")) control.removeAttribute("aria-invalid");
        if (holder) holder.classList.remove("has-error");
      }
    });
    var box = document.getElementById("error-summary");
    if (!box) return;
    var list = box.querySelector("ul");
    list.innerHTML = "";
    summary.forEach(function (error) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + error.anchor;
      link.textContent = error.label + ": " + error.message;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.querySelector("h2").textContent = summary.length === 1
      ? "There is a problem with the policy" : "There are " + summary.length + " problems with the policy";
    box.hidden = summary.length === 0;
  }

  function enhancePolicyForm(form) {
    var url = form.dataset.checkUrl;
    var check = debounce(function () {
      var data = new FormData(form);
      data.delete("draft");  // the file for the simulator is not part of the policy
      post(url, data, false).then(function (result) {
        if (result && result.errors) showErrors(form, result.errors, result.summary || []);
      }).catch(function () { /* the server still checks on saving */ });
    }, 300);
    form.addEventListener("change", function (event) {
      if (event.target.matches(".pattern-sample, input[type=file]")) return;
      check();
    });
  }

  // -- live tester for custom identifier patterns -----------------------------------------
  function enhancePatternTester(tester, url) {
    var patternInput = document.getElementById(tester.dataset.patternField);
    var sample = tester.querySelector(".pattern-sample");
    var output = tester.querySelector(".pattern-result");
    var run = debounce(function () {
      if (!patternInput.value || !sample.value) { output.textContent = ""; return; }
      post(url, { pattern: patternInput.value, text: sample.value }, true).then(function (result) {
        if (!result.valid) {
          output.textContent = result.error || "Not a valid pattern.";
          output.className = "pattern-result pattern-invalid";
        } else if (result.count === 0) {
          output.textContent = "No match in the sample.";
          output.className = "pattern-result";
        } else {
          var found = result.matches.map(function (m) { return m.text; }).join(", ");
          output.textContent = result.count + (result.count === 1 ? " match: " : " matches: ") + found;
          output.className = "pattern-result pattern-match";
        }
      }).catch(function () { output.textContent = "Could not test the pattern just now."; });
    }, 250);
    patternInput.addEventListener("input", run);
    sample.addEventListener("input", run);
  }

  // -- drag and drop onto file inputs -------------------------------------------------------
  function enhanceDropZone(zone) {
    var input = zone.querySelector("input[type=file]");
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  // -- the simulator's "what the sender sees": the add-in's own code draws it ------------------
  var NEWEST_OUTLOOK = {  // every requirement set: Markdown, Fix it and Send Anyway where they apply
    context: { requirements: { isSetSupported: function () { return true; } } },
    MailboxEnums: { SendModeOverride: { PromptUser: "promptUser" } }
  };

  function showWhatTheSenderSees(holder) {
    var data = document.getElementById("simulated-verdict");
    if (!data || typeof Sendward === "undefined" || typeof SendwardSmartAlert === "undefined") return;
    var verdict = JSON.parse(data.textContent);
    if (typeof window.Office === "undefined") window.Office = NEWEST_OUTLOOK;
    var options = Sendward.completionFor(verdict, "");
    holder.replaceChildren();
    if (options.allowEvent) {
      var nothing = document.createElement("p");
      nothing.textContent = verdict.mode === "monitor"
        ? "Nothing: monitor mode lets the e-mail go without interruption."
        : "Nothing: the e-mail goes without interruption.";
      holder.append(nothing);
      return;
    }
    holder.classList.add("smart-alert");
    holder.append(SendwardSmartAlert.build(options, {}, "simulated-alert"));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var senderSees = document.getElementById("sender-sees");
    if (senderSees) showWhatTheSenderSees(senderSees);
    var form = document.getElementById("policy-form");
    if (form) {
      enhancePolicyForm(form);
      form.querySelectorAll(".pattern-tester").forEach(function (tester) {
        enhancePatternTester(tester, form.dataset.patternUrl);
      });
    }
    document.querySelectorAll("[data-drop-zone]").forEach(enhanceDropZone);
    // Publishing and rolling back change what every sender gets: ask first.
    document.querySelectorAll("form[data-confirm]").forEach(function (confirmed) {
      confirmed.addEventListener("submit", function (event) {
        if (!window.confirm(confirmed.dataset.confirm)) event.preventDefault();
      });
    });
    // ... and a form's publishing button (the policy form also saves without publishing: no question then).
    document.querySelectorAll("button[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.dataset.confirm)) event.preventDefault();
      });
    });
    var summary = document.getElementById("error-summary");
    if (summary && !summary.hidden) summary.focus();
  });
})();
