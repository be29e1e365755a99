// 市民 public portal: file a ticket on the web and look one up by number plus the phone's last four digits.
"use strict";

(() => {
  const { api, el, label, formatTime, toast, formJson, busy, newExternalId } = Hotline;

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

  // The lookup endpoint belongs to the public API; until it answers, say so plainly.
  async function onLookup(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const v = formJson(form);
    const box = document.getElementById("lookup-result");
    await busy(form, async () => {
      try {
        const ticket = await api("POST", form.getAttribute("action"), { ticket_number: v.ticket_number, phone_last4: v.phone_last4 });
        box.replaceChildren(
          el("p", {}, "工单 ", el("strong", {}, ticket.ticket_number), " 当前状态：",
            el("span", { class: "badge status-" + ticket.status }, label("status", ticket.status))),
          ticket.reply_by ? el("p", { class: "muted" }, "预计办结：" + formatTime(ticket.reply_by)) : "",
        );
      } catch (error) {
        box.replaceChildren(el("p", { class: "muted" }, error.status === 404
          ? "未查到该工单，请核对工单编号和手机号后四位。" : error.message));
      }
      box.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("file-form").addEventListener("submit", (event) => onFile(event).catch((e) => toast(e.message, "error")));
    document.getElementById("lookup-form").addEventListener("submit", onLookup);
  });
})();
