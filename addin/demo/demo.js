/* The demo compose form: a view of the stand-in's draft, as Outlook's compose window is of its item. */
(function () {
  "use strict";

  const demo = window.SendwardDemo;
  const $ = (id) => document.getElementById(id);
  const FIELDS = ["to", "cc", "bcc"];

  function format(list) {
    return list.map((r) => (r.name ? `${r.name} <${r.address}>` : r.address)).join(", ");
  }

  function parse(text) {
    return text
      .split(/[,;\n]/)
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const match = part.match(/^(.*?)\s*<([^>]+)>$/);
        if (match) return { name: match[1].replace(/^"|"$/g, ""), address: match[2].trim() };
        return { name: "", address: part };
      });
  }

  function render() {
    $("from").value = format([demo.draft.from]);
    for (const field of FIELDS) $(field).value = format(demo.draft[field]);
    $("subject").value = demo.draft.subject;
    $("body").value = demo.draft.body;
    renderAttachments();
  }

  function renderAttachments() {
    const list = $("attachment-list");
    list.replaceChildren(
      ...demo.draft.attachments.map((a) => {
        const li = document.createElement("li");
        li.dataset.id = a.id;
        li.append(`${a.name} (${Math.max(1, Math.round(a.size / 1024))} KB)`);
        const remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "\u00d7";
        remove.setAttribute("aria-label", `Remove ${a.name}`);
        remove.addEventListener("click", () => demo.removeAttachment(a.id));
        li.append(remove);
        return li;
      })
    );
  }

  function readFile(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",")[1] || "");
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
  }

  async function attachFiles() {
    for (const file of $("files").files) {
      demo.addAttachment(file.name, file.type, await readFile(file));
    }
    $("files").value = "";
  }

  async function loadExample(name) {
    if (!name) return;
    const response = await fetch(`/demo/examples/${encodeURIComponent(name)}.json`);
    const example = await response.json();
    demo.clear();
    if (example.from) demo.draft.from = example.from;
    demo.setSubject(example.subject);
    demo.setBody(example.body.type === "html" ? example.body.content.replace(/<[^>]+>/g, "") : example.body.content);
    for (const field of FIELDS) demo.setRecipients(field, example[field]);
    for (const a of example.attachments) demo.addAttachment(a.name, a.content_type, a.content_base64);
    render();
  }

  function openPane() {
    $("pane").hidden = false;
    $("pane-frame").src = `/demo/taskpane.html?opened=${Date.now()}`;
  }

  demo.onChange((kind, text) => {
    if (kind === "recipients" || kind === "cleared") render();
    if (kind === "attachments") renderAttachments();
    if (kind === "pane") openPane();
    if (kind === "busy") {
      $("busy").textContent = text;
      $("busy").hidden = !text;
    }
    if (kind === "sent") {
      const d = demo.draft;
      $("sent").textContent = `Sent: ${d.to.length} in To, ${d.cc.length} in Cc, ${d.bcc.length} in Bcc.`;
      $("sent").hidden = false;
      $("send").disabled = true;
    }
    if (kind === "cleared") {
      $("sent").hidden = true;
      $("send").disabled = false;
    }
  });

  for (const field of FIELDS) $(field).addEventListener("change", () => demo.setRecipients(field, parse($(field).value)));
  $("subject").addEventListener("input", () => demo.setSubject($("subject").value));
  $("body").addEventListener("input", () => demo.setBody($("body").value));
  $("files").addEventListener("change", attachFiles);
  $("send").addEventListener("click", () => demo.send());
  $("open-pane").addEventListener("click", () => demo.openPane("SendwardPaneButton"));
  $("close-pane").addEventListener("click", () => ($("pane").hidden = true));
  demo.paneOpen = () => !$("pane").hidden; // the stand-in raises InitializationContextChanged then
  $("example").addEventListener("change", () => loadExample($("example").value));
  $("clear").addEventListener("click", () => {
    demo.clear();
    $("example").value = "";
  });
  render();
})();
