// 督办 supervisor dashboard: tickets by status, the period's rates as charts, and pending extensions to decide.
"use strict";

(() => {
  const { LABELS, api, el, label, formatTime, toast, departments, busy } = Hotline;
  const OVERVIEW = ["received", "dispatched", "accepted", "returned", "replied"];
  const STATUSES = Object.keys(LABELS.status);
  const DAY = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });
  const RATES = [
    ["callback_rate", "回访率"], ["satisfaction_rate", "满意率"],
    ["on_time_sign_rate", "按时签收率"], ["on_time_reply_rate", "按时办结率"],
  ];

  async function loadOverview() {
    const totals = await Promise.all(STATUSES.map((status) =>
      api("GET", "/api/v1/tickets?page_size=1&status=" + status).then((page) => page.total)));
    const byStatus = new Map(STATUSES.map((status, i) => [status, totals[i]]));
    document.getElementById("overview-stats").replaceChildren(...OVERVIEW.map((status) =>
      el("div", { class: "stat stat-info", dataset: { status } },
        el("span", { class: "stat-value" }, byStatus.get(status)), el("span", { class: "stat-label" }, label("status", status)))));
    DashboardCharts.statusBars(document.getElementById("status-chart"),
      STATUSES.map((status) => [label("status", status), byStatus.get(status)]));
  }

  async function loadMetrics() {
    const report = await api("GET", "/api/v1/metrics");
    const { overall } = report;
    // The period's end is exclusive: the last day shown is the one before it.
    const lastDay = new Date(new Date(report.period.to).getTime() - 1);
    document.getElementById("metrics-period").textContent = DAY.format(new Date(report.period.from)) + " 至 " + DAY.format(lastDay);
    DashboardCharts.rateBars(document.getElementById("metrics-charts"), RATES.map(([, name]) => name),
      RATES.map(([key]) => overall[key]), RATES.map(([key]) => overall.previous[key]));
    const note = document.getElementById("metrics-note");
    const apart = overall.not_callable ? "；无法回访 " + overall.not_callable + " 件（计入回访率分母）" : "";
    note.textContent = "本期办结答复 " + overall.replied + " 件，待回访 " + overall.callbacks_pending + " 件" + apart
      + "。目标：回访率 100%，满意率 ≥ 95%。";
    note.hidden = false;
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
    Promise.all([loadOverview(), loadMetrics(), loadExtensions()]).catch((error) => toast(error.message, "error"));
  });
})();
