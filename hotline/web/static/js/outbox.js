// 督办 supervisor dashboard, 短信发件箱: every SMS to citizens with its status (masked numbers, no link tokens);
// failed ones are marked, and a missing gateway is said plainly.
"use strict";

(() => {
  const { api, el, label, formatTime, toast } = Hotline;

  async function loadOutbox() {
    const status = document.querySelector("#outbox-form [name=status]").value;
    const outbox = await api("GET", "/api/v1/sms-outbox" + (status ? "?status=" + status : ""));
    document.getElementById("outbox-no-gateway").hidden = outbox.gateway_configured;
    const stat = (name, kind) => el("div", { class: "stat stat-" + kind, dataset: { status: name } },
      el("span", { class: "stat-value" }, outbox.counts[name]), el("span", { class: "stat-label" }, label("sms_status", name)));
    document.getElementById("outbox-stats").replaceChildren(
      stat("queued", "info"), stat("sent", "info"), stat("failed", outbox.counts.failed ? "overdue" : "info"));
    document.getElementById("outbox-empty").hidden = outbox.items.length > 0;
    document.querySelector("#outbox-table tbody").replaceChildren(...outbox.items.map((m) => el("tr", {
      class: m.status === "failed" ? "row-overdue" : null, dataset: { id: m.id, status: m.status, template: m.template },
    },
      el("td", { class: "cell-nowrap" }, formatTime(m.created_at)),
      el("td", { class: "cell-nowrap" }, m.ticket_number ? el("span", { class: "ticket-link" }, m.ticket_number) : "—"),
      el("td", { class: "cell-nowrap" }, label("sms_template", m.template)),
      el("td", { class: "cell-nowrap sms-recipient" }, m.recipient_masked),
      el("td", { class: "cell-text", title: m.body }, m.body),
      el("td", { class: "cell-nowrap" }, el("span", { class: "badge status-" + (m.status === "sent" ? "closed" : m.status === "failed" ? "returned" : "received") },
        label("sms_status", m.status))),
      el("td", { class: "cell-nowrap" }, m.attempts),
      el("td", { class: "cell-nowrap" }, m.status === "sent" ? formatTime(m.sent_at) + " 发出"
        : m.status === "failed" ? "已停止重试" + (m.last_error ? "（" + gatewayReason(m.last_error) + "）" : "")
        : m.attempts ? "将于 " + formatTime(m.next_attempt_at) + " 重试" : outbox.gateway_configured ? "等待发送" : "等待配置网关"),
    )));
  }

  // The gateway's own words are technical; the supervisor needs to know which kind of trouble it was.
  function gatewayReason(error) {
    if (/^HTTP 5\d\d/.test(error)) return "短信网关故障";
    if (/^HTTP 4\d\d/.test(error)) return "短信网关拒收";
    if (/unreachable|timeout/.test(error)) return "无法连接短信网关";
    return "发送失败";
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("outbox-form").addEventListener("change", () => loadOutbox().catch((error) => toast(error.message, "error")));
    loadOutbox().catch((error) => toast(error.message, "error"));
  });
})();
