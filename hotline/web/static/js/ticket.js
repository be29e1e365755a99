// The ticket detail shared by the agent console and the department inbox: fields, content and timeline.
"use strict";

const TicketView = (() => {
  const { api, el, label, formatTime, deadlineState, remaining, departments } = Hotline;

  const REASON_LABELS = {
    dispatch: "派单说明", extension_approved: "审批意见", extension_rejected: "审批意见",
    supervision_order: "督办要求", supervision_escalated: "升级理由", supervision_closed: "办结意见",
  };
  const DEADLINE_LABELS = { sign_by: "签收时限", reply_by: "办结时限", callback_due: "回访时限" };

  const PROTECTED = "（举报人信息已保护）";

  function citizenText(citizen) {
    if (citizen.protected) return PROTECTED;  // a department reading a 举报: nothing of the reporter is sent
    if (citizen.anonymous) return "匿名";
    return citizen.name || "—";
  }

  function deadline(iso, running) {
    if (!iso) return "—";
    const state = running ? deadlineState(iso) : "none";
    return el("span", { class: "deadline deadline-" + state }, formatTime(iso),
      running ? el("small", {}, "（" + remaining(iso) + "）") : null);
  }

  // 回访: the citizen's verdict and words (masked), an unanswered call's next time, the SMS link's life.
  function callbackDetail(action, data) {
    const parts = [];
    if (action === "callback") {
      if (data.outcome === "not_callable") parts.push("无法回访：" + label("not_callable", data.not_callable_reason));
      if (data.satisfaction) {
        parts.push(label("satisfaction", data.satisfaction) + " · " + (data.resolved ? "已解决" : "未解决")
          + (data.via === "link" ? " · 市民通过短信链接评价" : ""));
      }
      if (data.comment) parts.push("市民意见：" + data.comment);
    }
    if (action === "callback_attempt") {
      parts.push("第 " + data.attempt + " 次未接通" + (data.retry_at ? "，约定 " + formatTime(data.retry_at) + " 再拨" : ""));
    }
    if (action === "callback_link_issued" && data.via === "sms") {
      parts.push("已向市民发送评价短信，链接 " + formatTime(data.expires_at) + " 前有效");
    }
    if (action === "callback_sms_failed") parts.push("短信未能送达，回访已回到电话回访列表");
    return parts;
  }

  // 督办单: its level, answer deadline, the department's answer, who else an escalation reached.
  function orderDetail(action, data) {
    const parts = [];
    if (action === "supervision_order") {
      parts.push(label("order_cause", data.cause) + (data.due_at ? "，请于 " + formatTime(data.due_at) + " 前反馈" : ""));
    }
    if (action === "supervision_answered" && data.answer) parts.push("反馈：" + data.answer);
    if (action === "supervision_escalated") {
      parts.push("升级为" + label("order_level", data.level) + (data.copied_to ? "，抄送" + data.copied_to : "")
        + (data.due_at ? "，请于 " + formatTime(data.due_at) + " 前反馈" : ""));
    }
    if (action === "supervision_lapsed") parts.push(label("order_level", data.level) + "逾期未反馈");
    return parts;
  }

  function eventDetail(event, deptName) {
    const data = event.data || {};
    const parts = [];
    if (event.action === "classify") {
      parts.push(label("type", data.type) + " · " + label("urgency", data.urgency) + (data.category ? " · " + data.category : ""));
    }
    if (event.action === "dispatch" && data.department) parts.push("主办：" + deptName(data.department));
    if (data.content) parts.push(data.content);
    if (data.working_days) parts.push("延期 " + data.working_days + " 个工作日");
    if (event.action === "deadline_shifted") {  // 时限顺延 over a day off: each moved deadline, before → after
      for (const [field, after] of Object.entries(data.after || {})) {
        parts.push((DEADLINE_LABELS[field] || field) + " " + formatTime((data.before || {})[field]) + " → " + formatTime(after));
      }
    }
    parts.push(...callbackDetail(event.action, data), ...orderDetail(event.action, data));
    if (event.reason) parts.push((REASON_LABELS[event.action] || "理由") + "：" + event.reason);
    return parts.join("；");
  }

  function renderTimeline(list, events, deptName) {
    list.replaceChildren(...events.map((event) => el("li", { class: "timeline-item action-" + event.action },
      el("span", { class: "timeline-time" }, formatTime(event.created_at)),
      el("span", { class: "timeline-action" }, label("action", event.action)),
      el("span", { class: "timeline-actor" },
        event.actor_department ? deptName(event.actor_department) : label("role", event.actor_role),
        event.actor_username ? " · " + event.actor_username : ""),
      el("span", { class: "timeline-status" }, label("status", event.to_status)),
      el("div", { class: "timeline-detail" }, eventDetail(event, deptName)),
    )));
  }

  function render(ticket, events, deptName) {
    document.getElementById("ticket-empty").hidden = true;
    document.getElementById("ticket-detail").hidden = false;
    document.getElementById("detail-number").textContent = ticket.ticket_number;
    const status = document.getElementById("detail-status");
    status.textContent = label("status", ticket.status);
    status.className = "badge status-" + ticket.status;
    document.getElementById("detail-type").textContent = "类型：" + label("type", ticket.type)
      + (ticket.protected ? " · 举报人保护" : "");
    document.getElementById("detail-urgency").textContent = label("urgency", ticket.urgency);
    document.getElementById("detail-urgency").className = "badge urgency-" + ticket.urgency;
    const c = ticket.citizen;
    const rows = [
      ["渠道", label("channel", ticket.channel)], ["受理时间", formatTime(ticket.received_at)],
      ["来电人", citizenText(c) + (c.confidential && !c.protected ? "（保密）" : "")],
      ["联系电话", c.protected ? PROTECTED : c.phone || "—"],
      ["地址", ticket.address || "—"], ["业务分类", ticket.category || "—"],
      ["主办单位", deptName(ticket.lead_department)],
      ["签收时限", deadline(ticket.sign_by, ticket.status === "dispatched")],
      ["办结时限", deadline(ticket.reply_by, ["dispatched", "accepted", "reopened"].includes(ticket.status))],
    ];
    if (ticket.original_reply_by && ticket.original_reply_by !== ticket.reply_by) {
      rows.push(["原办结时限", formatTime(ticket.original_reply_by)]);
    }
    document.getElementById("detail-fields").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    document.getElementById("detail-content").replaceChildren(
      ticket.title ? el("h3", { class: "detail-title" }, ticket.title) : "", el("p", {}, ticket.content));
    renderTimeline(document.getElementById("detail-timeline"), events, deptName);
  }

  // Fetch and show one ticket; returns it so the page can offer the actions its status allows.
  async function load(ticketNumber) {
    const number = encodeURIComponent(ticketNumber);
    const [ticket, events, depts] = await Promise.all([
      api("GET", "/api/v1/tickets/" + number), api("GET", "/api/v1/tickets/" + number + "/events"), departments(),
    ]);
    render(ticket, events, depts.name);
    return ticket;
  }

  return { load };
})();
