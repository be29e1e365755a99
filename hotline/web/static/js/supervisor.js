// 督办 supervisor dashboard (first pass): ticket counts by status and the pending extension requests to decide.
"use strict";

(() => {
  const { api, el, label, formatTime, toast, departments, busy } = Hotline;
  const OVERVIEW = ["received", "dispatched", "accepted", "returned", "replied"];

  async function loadOverview() {
    const totals = await Promise.all(OVERVIEW.map((status) =>
      api("GET", "/api/v1/tickets?page_size=1&status=" + status).then((page) => page.total)));
    document.getElementById("overview-stats").replaceChildren(...OVERVIEW.map((status, i) =>
      el("div", { class: "stat stat-info", dataset: { status } },
        el("span", { class: "stat-value" }, totals[i]), el("span", { class: "stat-label" }, label("status", status)))));
  }

  async function loadExtensions() {
    const [rows, depts] = await Promise.all([api("GET", "/api/v1/extension-requests?status=pending"), departments()]);
    document.getElementById("extensions-empty").hidden = rows.length > 0;
    document.querySelector("#extensions-table tbody").replaceChildren(...rows.map((r) => el("tr", { dataset: { id: r.id } },
      el("td", {}, r.ticket_number), el("td", {}, depts.name(r.department_code)), el("td", {}, r.working_days),
      el("td", { class: "cell-text" }, r.reason), el("td", {}, formatTime(r.reply_by_before)), el("td", {}, formatTime(r.created_at)),
      el("td", { class: "cell-actions" },
        el("input", { class: "input-small", name: "note", maxlength: "1000", placeholder: "审批意见（可选）", "aria-label": "审批意见" }),
        el("button", { type: "button", class: "btn btn-primary", dataset: { decision: "approve" } }, "同意"),
        el("button", { type: "button", class: "btn btn-danger", dataset: { decision: "reject" } }, "驳回")),
    )));
  }

  async function onDecision(event) {
    const button = event.target.closest("button[data-decision]");
    if (!button) return;
    const row = button.closest("tr");
    const note = row.querySelector("input[name=note]").value.trim();
    await busy(row, async () => {
      await api("POST", "/api/v1/extension-requests/" + row.dataset.id + "/" + button.dataset.decision,
        note ? { note } : undefined);
      toast(button.dataset.decision === "approve" ? "已同意延期" : "已驳回延期", "success");
      await loadExtensions();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelector("#extensions-table tbody").addEventListener("click", onDecision);
    Promise.all([loadOverview(), loadExtensions()]).catch((error) => toast(error.message, "error"));
  });
})();
