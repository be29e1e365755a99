// 市民 public portal: file a ticket on the web and look one up by number plus the phone's last four digits.
// The self-service chat is in chat.js.
"use strict";

(() => {
  const { api, el, formatTime, toast, formJson, busy, newExternalId } = Hotline;

  async function onFile(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const v = formJson(form);
    await busy(form, async () => {
      const created = await api("POST", "/api/v1/submissions", {
        channel: "web",
        external_id: newExternalId(),
        citizen: { name: v.name || null, phone: v.phone || null, anonymous: form.elements.anonymous.checked },
        title: v.title || null, address: v.address || null, content: v.content,
      });
      document.getElementById("filed-ticket-number").textContent = created.ticket_number;
      document.getElementById("file-result").hidden = false;
      form.reset();
      const lookupNumber = document.querySelector("#lookup-form [name=ticket_number]");
      lookupNumber.value = created.ticket_number;
    });
  }

  function lookupResult(ticket) {
    const rows = [["受理时间", formatTime(ticket.received_at)]];
    if (ticket.reply_by) rows.push(["预计办结", formatTime(ticket.reply_by)]);
    return [
      el("p", {}, "工单 ", el("strong", { class: "ticket-link" }, ticket.ticket_number), " 当前状态：",
        el("span", { class: "badge status-" + ticket.status, id: "lookup-status" }, ticket.status_label)),
      el("dl", { class: "facts" }, rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
      ticket.reply ? el("div", { class: "lookup-reply" }, el("div", { class: "section-title" }, "答复内容"),
        el("p", { class: "pre", id: "lookup-reply" }, ticket.reply)) : "",
      el("div", { class: "section-title" }, "办理进度"),
      el("ol", { class: "timeline" }, ticket.timeline.map((step) => el("li", { class: "timeline-item" },
        el("span", { class: "timeline-time" }, formatTime(step.at)),
        el("span", { class: "timeline-action" }, step.label)))),
    ];
  }

  // A miss is a 200 {found: false}: the same answer for an unknown number and for wrong digits.
  async function onLookup(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const v = formJson(form);
    const box = document.getElementById("lookup-result");
    await busy(form, async () => {
      const ticket = await api("POST", form.getAttribute("action"), { ticket_number: v.ticket_number, phone_last4: v.phone_last4 });
      box.replaceChildren(...(ticket.found ? lookupResult(ticket)
        : [el("p", { class: "muted", id: "lookup-miss" }, "未查到该工单，请核对工单编号和手机号后四位。")]));
      box.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("file-form").addEventListener("submit", (event) => onFile(event).catch((e) => toast(e.message, "error")));
    document.getElementById("lookup-form").addEventListener("submit", onLookup);
  });
})();
