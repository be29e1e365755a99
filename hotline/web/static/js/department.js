// 承办单位 department inbox: its tickets by the deadline that is running, with sign / return / extension / reply,
// and its 督办单 (badge, list, 反馈).
"use strict";

(() => {
  const { api, el, label, formatTime, deadlineState, remaining, toast, departments, formJson, busy, selectTab } = Hotline;
  const FILTERS = {
    open: ["dispatched", "accepted", "reopened"],
    dispatched: ["dispatched", "reopened"],
    accepted: ["accepted"],
    all: null,
  };
  const STATE_TEXT = { overdue: "已超时", warning: "即将超时" };
  let tickets = [];
  let orders = [];  // this department's 督办单 still in progress (open or answered)
  let filter = "open";
  let selected = null;

  // The clock that matters in this status: 签收 before signing, 办结 after (a reopened ticket keeps its 办结 clock).
  function runningDeadline(ticket) {
    if (ticket.status === "dispatched") return { kind: "签收", at: ticket.sign_by };
    if (ticket.status === "accepted" || ticket.status === "reopened") return { kind: "办结", at: ticket.reply_by };
    return { kind: "", at: null };
  }

  function byDeadline(a, b) {
    const da = runningDeadline(a).at;
    const db = runningDeadline(b).at;
    if (da && db) return new Date(da) - new Date(db);
    if (da || db) return da ? -1 : 1;
    return new Date(b.received_at) - new Date(a.received_at);
  }

  let query = "";

  // The inbox, or the tickets of this department matching a search (a 举报 is searched in its protected copy).
  async function loadInbox() {
    const params = new URLSearchParams({ page_size: "100" });
    if (query) params.set("q", query);
    const page = await api("GET", "/api/v1/tickets?" + params);
    tickets = page.items;
    document.getElementById("inbox-search-clear").hidden = !query;
    document.getElementById("inbox-search-note").textContent = query ? "查询“" + query + "”：共 " + page.total + " 张" : "";
    renderStats();
    renderList();
  }

  function renderStats() {
    const now = Date.now();
    const open = tickets.filter((t) => FILTERS.open.includes(t.status));
    const states = open.map((t) => deadlineState(runningDeadline(t).at, now));
    const stat = (text, value, kind) => el("div", { class: "stat stat-" + kind }, el("span", { class: "stat-value" }, value), el("span", { class: "stat-label" }, text));
    document.getElementById("inbox-stats").replaceChildren(
      stat("待签收", open.filter((t) => t.status !== "accepted").length, "info"),
      stat("办理中", open.filter((t) => t.status === "accepted").length, "info"),
      stat("即将超时", states.filter((s) => s === "warning").length, "warning"),
      stat("已超时", states.filter((s) => s === "overdue").length, "overdue"),
      stat("督办待反馈", orders.filter((o) => o.status === "open").length,
        orders.some((o) => o.status === "open") ? "overdue" : "info"),
    );
  }

  async function loadOrders() {
    orders = await api("GET", "/api/v1/supervision-orders?status=active");
    const open = orders.filter((o) => o.status === "open");
    const badge = document.getElementById("orders-badge");
    badge.textContent = "督办 " + open.length;
    badge.hidden = open.length === 0;
    renderStats();
    document.getElementById("orders-empty").hidden = orders.length > 0;
    document.querySelector("#orders-table tbody").replaceChildren(...orders.map((o) => el("tr", {
      class: o.overdue ? "row-overdue" : o.status === "open" ? "row-warning" : null, tabindex: "0",
      dataset: { number: o.ticket_number, order: o.id, status: o.status },
    },
      el("td", {}, el("span", { class: "ticket-link" }, o.ticket_number)),
      el("td", { class: "cell-nowrap" }, label("order_cause", o.cause)),
      el("td", { class: "cell-nowrap" }, el("span", { class: "badge" + (o.level > 1 ? " status-returned" : "") }, label("order_level", o.level))),
      el("td", { class: "cell-text" }, o.note || "—"),
      el("td", { class: "cell-nowrap" }, orderDue(o)),
      el("td", { class: "cell-nowrap" }, el("span", { class: "badge status-" + (o.status === "open" ? "received" : "dispatched") },
        o.status === "open" ? "待反馈" : "已反馈，待审核")),
    )));
  }

  function orderDue(o) {
    if (!o.due_at) return "—";
    if (o.status !== "open") return formatTime(o.due_at);
    const state = o.overdue ? "overdue" : deadlineState(o.due_at);
    return el("span", { class: "deadline deadline-" + state },
      o.overdue ? el("span", { class: "mark mark-overdue" }, "已逾期") : null, formatTime(o.due_at),
      o.overdue ? null : el("small", {}, "（" + remaining(o.due_at) + "）"));
  }

  // The ticket's orders above its actions: the reason, level and deadline, and the 反馈 form while open.
  function orderBoxes(number) {
    return orders.filter((o) => o.ticket_number === number).map((o) => {
      const box = document.getElementById("order-box").content.firstElementChild.cloneNode(true);
      box.dataset.order = o.id;
      const field = (name) => box.querySelector("[data-field=" + name + "]");
      field("level").textContent = label("order_level", o.level);
      field("cause").textContent = label("order_cause", o.cause);
      field("note").textContent = o.note || "—";
      field("due").replaceChildren(orderDue(o));
      if (o.status !== "open") {
        field("answered").textContent = "已于 " + formatTime(o.answered_at) + " 反馈：" + o.answer + "（待督办中心审核）";
        field("answered").hidden = false;
        box.querySelector("form").remove();
      } else {
        box.querySelector("form").addEventListener("submit", (event) => answerOrder(event, o));
      }
      return box;
    });
  }

  async function answerOrder(event, order) {
    event.preventDefault();
    const form = event.currentTarget;
    await busy(form, async () => {
      await api("POST", "/api/v1/supervision-orders/" + order.id + "/answer", { answer: formJson(form).answer });
      toast("督办单已反馈：" + order.ticket_number, "success");
      await loadOrders();
      await select(order.ticket_number);
    });
  }

  // One open extension request per ticket: while one waits, the form gives way to what was asked.
  async function showExtensionState(ticket) {
    const box = document.getElementById("extension-state");
    const form = document.getElementById("extension-form");
    if (!box || !form) return;
    const requests = await api("GET", "/api/v1/extension-requests?ticket_number=" + encodeURIComponent(ticket.ticket_number));
    const pending = requests.find((r) => r.status === "pending");
    const granted = requests.filter((r) => r.status === "approved").reverse();
    const lines = granted.map((r) => el("p", { class: "muted" }, "已批准延期：" + formatTime(r.created_at) + " 申请 " + r.working_days
      + " 个工作日，办结时限 " + formatTime(r.reply_by_before) + " → " + formatTime(r.reply_by_after)));
    if (pending) {
      lines.unshift(el("p", { class: "alert alert-info", id: "extension-pending" }, "延期申请待督办中心审批：申请 " + pending.working_days
        + " 个工作日，理由：" + pending.reason + "（" + formatTime(pending.created_at) + " 提交）。审批前不能再次申请。"));
    }
    box.replaceChildren(el("h3", { class: "section-title" }, "延期申请"), ...lines);
    box.hidden = lines.length === 0;
    form.hidden = Boolean(pending);
  }

  function renderList() {
    const allowed = FILTERS[filter];
    const rows = tickets.filter((t) => !allowed || allowed.includes(t.status)).sort(byDeadline);
    const now = Date.now();
    const empty = document.getElementById("inbox-empty");
    empty.hidden = rows.length > 0;
    empty.textContent = query ? "没有符合查询的工单。" : "暂无工单。";
    document.querySelector("#inbox-table tbody").replaceChildren(...rows.map((t) => {
      const due = runningDeadline(t);
      const state = deadlineState(due.at, now);
      return el("tr", {
        class: "row-" + state + (t.ticket_number === selected ? " selected" : ""), tabindex: "0",
        dataset: { number: t.ticket_number, deadline: state },
      },
        el("td", {}, el("span", { class: "ticket-link" }, t.ticket_number)),
        el("td", { class: "cell-nowrap" }, label("type", t.type),
          t.urgency !== "normal" ? el("span", { class: "badge urgency-" + t.urgency }, label("urgency", t.urgency)) : null),
        el("td", { class: "cell-text" }, t.title || t.excerpt),
        el("td", {}, el("span", { class: "badge status-" + t.status }, label("status", t.status))),
        el("td", { class: "cell-nowrap" }, due.at ? due.kind + " " + formatTime(due.at) : "—"),
        el("td", { class: "cell-nowrap" }, due.at ? el("span", { class: "deadline deadline-" + state },
          STATE_TEXT[state] ? el("span", { class: "mark mark-" + state }, STATE_TEXT[state]) : null, remaining(due.at, now)) : "—"),
      );
    }));
  }

  async function select(number) {
    selected = number;
    renderList();
    const ticket = await TicketView.load(number);
    const fragment = document.getElementById("department-actions").content.cloneNode(true);
    for (const part of fragment.querySelectorAll("[data-when]")) {
      if (!part.dataset.when.split(" ").includes(ticket.status)) part.remove();
    }
    const actions = document.getElementById("detail-actions");
    actions.replaceChildren(...orderBoxes(number), fragment);
    const on = (id, type, handler) => { const node = document.getElementById(id); if (node) node.addEventListener(type, handler); };
    on("sign-button", "click", (event) => act(event.currentTarget.parentElement, ticket, "sign", undefined, "已签收"));
    on("return-form", "submit", (event) => submitForm(event, ticket, "return", (v) => ({ reason: v.reason }), "已退单"));
    on("extension-form", "submit", (event) => submitForm(event, ticket, "extension-requests",
      (v) => ({ working_days: Number(v.working_days), reason: v.reason }), "延期申请已提交，等待督办审批"));
    on("reply-form", "submit", (event) => submitForm(event, ticket, "reply", (v) => ({ content: v.content }), "已办结答复"));
    if (ticket.status === "accepted") await showExtensionState(ticket);
  }

  function submitForm(event, ticket, path, body, done) {
    event.preventDefault();
    const form = event.currentTarget;
    return act(form, ticket, path, body(formJson(form)), done);
  }

  async function act(container, ticket, path, body, done) {
    await busy(container, async () => {
      try {
        await api("POST", "/api/v1/tickets/" + encodeURIComponent(ticket.ticket_number) + "/" + path, body);
      } catch (error) {
        // 409: the ticket changed under this page (a colleague acted): say why, then show it as it now is.
        if (error.status !== 409) throw error;
        toast(error.message, "error");
        await select(ticket.ticket_number);
        return;
      }
      toast(done + "：" + ticket.ticket_number, "success");
      await loadInbox();
      await select(ticket.ticket_number);
    });
  }

  // Matters of this department whose review date has passed: the knowledge citizens read may be stale.
  async function loadReviewDue() {
    const matters = await api("GET", "/api/v1/knowledge/review-due");
    const today = Date.now();
    document.getElementById("review-due-empty").hidden = matters.length > 0;
    document.querySelector("#review-due-table tbody").replaceChildren(...matters.map((m) => el("tr", { dataset: { code: m.code } },
      el("td", { class: "cell-nowrap" }, m.code),
      el("td", { class: "cell-text" }, m.sub_item ? m.main_item + " · " + m.sub_item : m.main_item),
      el("td", { class: "cell-nowrap" }, m.review_due),
      el("td", { class: "cell-nowrap" }, el("span", { class: "mark mark-overdue" },
        Math.max(1, Math.floor((today - new Date(m.review_due + "T00:00:00+08:00").getTime()) / 86400000)) + " 天")),
      el("td", {}, m.version),
    )));
  }

  function onRow(event) {
    const row = event.target.closest("tr[data-number]");
    if (!row || (event.type === "keydown" && event.key !== "Enter")) return;
    select(row.dataset.number).catch((error) => toast(error.message, "error"));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const code = document.body.dataset.department;
    departments().then((d) => { document.getElementById("department-name").textContent = d.name(code); }).catch(() => {});
    document.getElementById("inbox-tabs").addEventListener("click", (event) => {
      const tab = event.target.closest("[data-filter]");
      if (!tab) return;
      filter = tab.dataset.filter;
      selectTab(tab);
      renderList();
    });
    document.getElementById("inbox-search").addEventListener("submit", (event) => {
      event.preventDefault();
      query = document.getElementById("inbox-q").value.trim();
      loadInbox().catch((error) => toast(error.message, "error"));
    });
    document.getElementById("inbox-search-clear").addEventListener("click", () => {
      query = "";
      document.getElementById("inbox-q").value = "";
      loadInbox().catch((error) => toast(error.message, "error"));
    });
    const body = document.querySelector("#inbox-table tbody");
    body.addEventListener("click", onRow);
    body.addEventListener("keydown", onRow);
    loadInbox().catch((error) => toast(error.message, "error"));
    loadOrders().catch((error) => toast(error.message, "error"));
    loadReviewDue().catch((error) => toast(error.message, "error"));
    const orderRows = document.querySelector("#orders-table tbody");
    const onOrderRow = (event) => {
      const row = event.target.closest("tr[data-number]");
      if (!row || (event.type === "keydown" && event.key !== "Enter")) return;
      select(row.dataset.number).then(() => {
        const box = document.querySelector(".order-box[data-order='" + row.dataset.order + "']");
        if (box) box.scrollIntoView({ block: "center" });
      }).catch((error) => toast(error.message, "error"));
    };
    orderRows.addEventListener("click", onOrderRow);
    orderRows.addEventListener("keydown", onOrderRow);
  });
})();
