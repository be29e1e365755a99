// 督办 supervisor dashboard, the work lists: callbacks due / overdue / awaiting review (重办 or 申诉成立) with the
// citizen's words, supervision orders (督办单) issued, answered, closed or escalated, and hot issues.
"use strict";

(() => {
  const { api, el, label, formatTime, deadlineState, remaining, toast, departments, formJson, busy, selectTab } = Hotline;
  const REVIEW = { reopened: "已重办", appeal_upheld: "申诉成立" };
  const VIA = { phone: "电话回访", link: "市民评价链接" };
  let callbackStatus = "due";
  let orderStatus = "active";

  function ticketLink(number) {
    // The agent console opens the ticket with its timeline; supervisors may use it.
    return el("a", { class: "ticket-link", href: "/agent?ticket=" + encodeURIComponent(number) }, number);
  }

  function outcome(c) {
    if (c.status === "not_callable") return el("span", { class: "tag" }, "无法回访：" + label("not_callable", c.not_callable_reason));
    if (c.status !== "done") return c.attempts ? "已拨打 " + c.attempts + " 次未接通" : "—";
    const unhappy = c.satisfaction === "unsatisfied" || c.resolved === false;
    return el("span", { class: "callback-outcome" },
      el("span", { class: "badge " + (unhappy ? "status-returned" : "status-closed"), dataset: { satisfaction: c.satisfaction } },
        label("satisfaction", c.satisfaction)),
      " ", c.resolved ? "已解决" : "未解决", " · ", VIA[c.answered_via] || "回访",
      c.review ? el("span", { class: "tag" }, REVIEW[c.review]) : null);
  }

  function dueCell(c) {
    if (c.status !== "due") return formatTime(c.completed_at || c.due_at);
    return el("span", { class: "deadline deadline-" + (c.overdue ? "overdue" : "ok") },
      c.overdue ? el("span", { class: "mark mark-overdue" }, "已超期") : null, formatTime(c.due_at));
  }

  function reviewActions(c) {
    // Due ones are worked in the callback desk; this list links there instead of offering an empty column.
    if (c.status === "due") {
      return el("a", { class: "btn btn-small", href: "/callbacks?ticket=" + encodeURIComponent(c.ticket_number) }, "去回访");
    }
    if (callbackStatus !== "awaiting_review") return "";
    return el("div", { class: "cell-actions" },
      el("input", { class: "input-small", name: "reason", maxlength: "1000", placeholder: "复核意见（必填）", "aria-label": "复核意见" }),
      el("button", { type: "button", class: "btn btn-danger", dataset: { review: "reopen" } }, "重办"),
      el("button", { type: "button", class: "btn", dataset: { review: "appeal-upheld" } }, "申诉成立"));
  }

  async function loadCallbacks() {
    const [rows, depts] = await Promise.all([api("GET", "/api/v1/callbacks?status=" + callbackStatus), departments()]);
    document.getElementById("callbacks-empty").hidden = rows.length > 0;
    document.querySelector("#callbacks-table tbody").replaceChildren(...rows.map((c) => el("tr", {
      class: c.overdue ? "row-overdue" : null, dataset: { number: c.ticket_number, status: c.status },
    },
      el("td", {}, ticketLink(c.ticket_number)), el("td", { class: "cell-text" }, c.title || "—"),
      el("td", { class: "cell-nowrap" }, depts.name(c.department_code)), el("td", { class: "cell-nowrap" }, formatTime(c.replied_at)),
      el("td", { class: "cell-nowrap" }, dueCell(c)), el("td", { class: "cell-nowrap" }, outcome(c)),
      el("td", { class: "cell-comment" }, c.comment || "—"),
      el("td", {}, reviewActions(c)),
    )));
  }

  function onCallbackTab(event) {
    const tab = event.target.closest("[data-status]");
    if (!tab) return;
    callbackStatus = tab.dataset.status;
    selectTab(tab);
    loadCallbacks().catch((error) => toast(error.message, "error"));
  }

  async function onReview(event) {
    const button = event.target.closest("button[data-review]");
    if (!button) return;
    const row = button.closest("tr");
    const reason = row.querySelector("input[name=reason]").value.trim();
    if (!reason) {
      toast("请填写复核意见。", "error");
      row.querySelector("input[name=reason]").focus();
      return;
    }
    await busy(row, async () => {
      await api("POST", "/api/v1/tickets/" + encodeURIComponent(row.dataset.number) + "/" + button.dataset.review, { reason });
      toast((button.dataset.review === "reopen" ? "已退回承办单位重办：" : "申诉成立，工单办结：") + row.dataset.number, "success");
      await Promise.all([loadCallbacks(), loadOrders()]);
      document.dispatchEvent(new Event("supervision-orders-changed"));
    });
  }

  function orderDeadline(o) {
    if (!o.due_at) return "—";
    if (o.status !== "open") return formatTime(o.due_at);
    const state = o.overdue ? "overdue" : deadlineState(o.due_at);
    return el("span", { class: "deadline deadline-" + state },
      o.overdue ? el("span", { class: "mark mark-overdue" }, "已逾期") : null, formatTime(o.due_at),
      o.overdue ? null : el("small", {}, "（" + remaining(o.due_at) + "）"));
  }

  function orderActions(o) {
    if (o.status === "closed") return o.close_note ? el("span", { class: "muted" }, "办结意见：" + o.close_note) : "";
    return el("div", { class: "cell-actions" },
      el("input", { class: "input-small", name: "order_note", maxlength: "1000", placeholder: "意见（升级时必填）", "aria-label": "督办意见" }),
      el("button", { type: "button", class: "btn btn-primary", dataset: { order: "close" } }, "办结"),
      o.level < 3 ? el("button", { type: "button", class: "btn btn-danger", dataset: { order: "escalate" } }, "升级") : null);
  }

  async function loadOrders() {
    const rows = await api("GET", "/api/v1/supervision-orders?status=" + orderStatus);
    document.getElementById("supervision-empty").hidden = rows.length > 0;
    document.querySelector("#supervision-table tbody").replaceChildren(...rows.map((o) => el("tr", {
      class: o.overdue ? "row-overdue" : null, dataset: { id: o.id, number: o.ticket_number, status: o.status },
    },
      el("td", {}, ticketLink(o.ticket_number)), el("td", { class: "cell-nowrap" }, o.department_name),
      el("td", { class: "cell-nowrap" }, label("order_cause", o.cause)),
      el("td", { class: "cell-nowrap" }, el("span", { class: "badge" + (o.level > 1 ? " status-returned" : "") }, label("order_level", o.level))),
      el("td", { class: "cell-comment" }, o.note || "—"),
      el("td", { class: "cell-nowrap" }, orderDeadline(o)),
      el("td", { class: "cell-nowrap" }, el("span", { class: "badge status-" + (o.status === "open" ? "received" : o.status === "answered" ? "dispatched" : "closed") },
        label("order_status", o.status))),
      el("td", { class: "cell-comment" }, o.answer ? [o.answer, el("small", { class: "muted" }, " " + formatTime(o.answered_at))] : "—"),
      el("td", {}, orderActions(o)),
    )));
  }

  async function onOrderAction(event) {
    const button = event.target.closest("button[data-order]");
    if (!button) return;
    const row = button.closest("tr");
    const input = row.querySelector("input[name=order_note]");
    const text = input.value.trim();
    const escalate = button.dataset.order === "escalate";
    if (escalate && !text) {
      toast("升级督办须填写理由。", "error");
      input.focus();
      return;
    }
    await busy(row, async () => {
      const order = await api("POST", "/api/v1/supervision-orders/" + row.dataset.id + "/" + button.dataset.order,
        escalate ? { reason: text } : text ? { note: text } : undefined);
      toast(escalate ? "已升级为" + label("order_level", order.level) + "：" + order.ticket_number
        : "督办单已办结：" + order.ticket_number, "success");
      await loadOrders();
      document.dispatchEvent(new Event("supervision-orders-changed"));
    });
  }

  async function onIssueOrder(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const v = formJson(form);
    await busy(form, async () => {
      const order = await api("POST", "/api/v1/tickets/" + encodeURIComponent(v.ticket_number) + "/supervision-orders",
        { note: v.note, working_days: Number(v.working_days) });
      toast("已向" + order.department_name + "发出督办单：" + order.ticket_number, "success");
      form.reset();
      await loadOrders();
      document.dispatchEvent(new Event("supervision-orders-changed"));
    });
  }

  function trendText(trend) {
    if (trend > 0.2) return el("span", { class: "trend trend-up", title: "近期反映增多" }, "↑ 上升");
    if (trend < -0.2) return el("span", { class: "trend trend-down", title: "近期反映减少" }, "↓ 回落");
    return el("span", { class: "trend" }, "→ 持平");
  }

  async function loadHotIssues() {
    const form = document.getElementById("hot-form");
    const params = new URLSearchParams({ days: form.elements.days.value, district: form.elements.district.value });
    const issues = await api("GET", "/api/v1/hot-issues?" + params);
    document.getElementById("hot-empty").hidden = issues.length > 0;
    document.getElementById("hot-issues").replaceChildren(...issues.slice(0, 20).map((issue) => el("li", {
      class: "hot-issue", dataset: { district: issue.district || "" },
    },
      el("div", { class: "hot-head" },
        el("span", { class: "hot-title" }, issue.title),
        el("span", { class: "tag", title: issue.districts.length > 1 ? "多个区县都有反映" : "" },
          issue.districts.length ? issue.districts.join("、") : "未定位"),
        el("span", { class: "hot-contacts", title: "同一来电人多次反映只算一人" }, issue.callers + " 人反映"),
        el("span", { class: "hot-count" }, issue.contacts + " 件"),
        trendText(issue.trend)),
      el("div", { class: "hot-tickets" }, issue.ticket_numbers.slice(0, 8).flatMap((n) => [ticketLink(n), " "]),
        issue.ticket_numbers.length > 8 ? "等 " + issue.ticket_numbers.length + " 件" : null),
    )));
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("callback-tabs").addEventListener("click", onCallbackTab);
    document.querySelector("#callbacks-table tbody").addEventListener("click", onReview);
    document.getElementById("supervision-form").addEventListener("submit", onIssueOrder);
    document.querySelector("#supervision-table tbody").addEventListener("click", onOrderAction);
    document.getElementById("supervision-tabs").addEventListener("click", (event) => {
      const tab = event.target.closest("[data-status]");
      if (!tab) return;
      orderStatus = tab.dataset.status;
      selectTab(tab);
      loadOrders().catch((error) => toast(error.message, "error"));
    });
    document.getElementById("hot-form").addEventListener("change", () => loadHotIssues().catch((error) => toast(error.message, "error")));
    Promise.all([loadCallbacks(), loadOrders(), loadHotIssues()]).catch((error) => toast(error.message, "error"));
  });
})();
