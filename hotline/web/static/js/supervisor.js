// 督办 supervisor dashboard, the numbers: tickets by status, the period's rates, the department league table,
// report export for the chosen period, and pending extensions to decide.
"use strict";

(() => {
  const { LABELS, api, el, label, formatTime, toast, departments, busy } = Hotline;
  const OVERVIEW = ["received", "dispatched", "accepted", "returned", "replied"];
  const STATUSES = Object.keys(LABELS.status);
  const DAY = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });
  const ISO_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });
  const RATES = [
    ["callback_rate", "回访率"], ["satisfaction_rate", "满意率"],
    ["on_time_sign_rate", "按时签收率"], ["on_time_reply_rate", "按时办结率"],
  ];

  function percent(value) {
    return value === null || value === undefined ? "—" : (Math.round(value * 1000) / 10) + "%";
  }

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

  // The chosen period as the API's query (from / to are local days, both included), empty before the first load.
  function periodQuery(withGroup) {
    const form = document.getElementById("period-form");
    const params = new URLSearchParams();
    for (const name of ["from", "to"]) if (form.elements[name].value) params.set(name, form.elements[name].value);
    if (withGroup && form.elements.group_by.value) params.set("group_by", form.elements.group_by.value);
    return params.toString();
  }

  // The links carry the session cookie like any same-origin GET, so a plain download needs no script.
  function updateExportLinks() {
    const query = periodQuery(true);
    document.getElementById("export-csv").href = "/api/v1/metrics/report.csv" + (query ? "?" + query : "");
    document.getElementById("export-xlsx").href = "/api/v1/metrics/report.xlsx" + (query ? "?" + query : "");
  }

  async function loadMetrics() {
    const query = periodQuery(false);
    const report = await api("GET", "/api/v1/metrics" + (query ? "?" + query : ""));
    const { overall } = report;
    // The period's end is exclusive: the last day shown is the one before it.
    const lastDay = new Date(new Date(report.period.to).getTime() - 1);
    document.getElementById("metrics-period").textContent = DAY.format(new Date(report.period.from)) + " 至 " + DAY.format(lastDay);
    const form = document.getElementById("period-form");
    if (!form.elements.from.value) {
      form.elements.from.value = ISO_DAY.format(new Date(report.period.from));
      form.elements.to.value = ISO_DAY.format(lastDay);
      updateExportLinks();
    }
    DashboardCharts.rateBars(document.getElementById("metrics-charts"), RATES.map(([, name]) => name),
      RATES.map(([key]) => overall[key]), RATES.map(([key]) => overall.previous[key]));
    renderCallbackStats(overall);
    const note = document.getElementById("metrics-note");
    const apart = overall.not_callable ? "；无法回访 " + overall.not_callable + " 件（其中拒绝回访 " + overall.refused
      + " 件，均计入回访率分母）" : "";
    note.textContent = "本期办结答复 " + overall.replied + " 件，待回访 " + overall.callbacks_pending + " 件" + apart
      + "。目标：回访率 100%，满意率 ≥ 95%。";
    note.hidden = false;
  }

  // The callback numbers as text beside the chart: what a 回访 done in the desk moves.
  function renderCallbackStats(overall) {
    const stat = (metric, text, value, kind) => el("div", { class: "stat stat-" + kind, dataset: { metric } },
      el("span", { class: "stat-value" }, value), el("span", { class: "stat-label" }, text));
    const short = overall.callback_rate !== null && overall.callback_rate < 1;
    document.getElementById("callback-stats").replaceChildren(
      stat("callback_rate", "回访率（目标 100%）", percent(overall.callback_rate), short ? "warning" : "info"),
      stat("satisfaction_rate", "满意率（目标 ≥ 95%）", percent(overall.satisfaction_rate), "info"),
      stat("callbacks_pending", "待回访", overall.callbacks_pending, "info"),
      stat("not_callable", "无法回访（含拒绝 " + overall.refused + "）", overall.not_callable, overall.not_callable ? "overdue" : "info"),
    );
  }

  async function loadLeague() {
    const query = periodQuery(false);
    const league = await api("GET", "/api/v1/metrics/league" + (query ? "?" + query : ""));
    const rows = league.departments;
    document.getElementById("league-empty").hidden = rows.length > 0;
    document.querySelector("#league-table tbody").replaceChildren(...rows.map((d) => el("tr", { dataset: { department: d.department } },
      el("td", {}, d.rank), el("td", { class: "cell-text" }, d.name), el("td", {}, d.volume),
      el("td", {}, percent(d.on_time_reply_rate)), el("td", {}, percent(d.satisfaction_rate)),
      el("td", {}, percent(d.callback_rate)), el("td", {}, percent(d.return_rate)),
      el("td", {}, d.open_supervision_orders ? el("span", { class: "mark mark-overdue" }, d.open_supervision_orders) : "0"),
    )));
  }

  async function onPeriod(event) {
    event.preventDefault();
    const form = event.currentTarget;
    if (form.elements.to.value < form.elements.from.value) {
      toast("结束日期不能早于开始日期。", "error");
      return;
    }
    updateExportLinks();
    await busy(form, () => Promise.all([loadMetrics(), loadLeague()]));
  }

  // A further extension is weighed against those already granted on the ticket: when, how long, why.
  function earlierText(earlier) {
    if (!earlier || !earlier.length) return "—";
    return el("ul", { class: "earlier-extensions" }, earlier.map((e) => el("li", {},
      el("span", { class: "mark mark-warning" }, "已延期"),
      formatTime(e.created_at) + " 申请 " + e.working_days + " 个工作日，理由：" + e.reason
      + (e.reply_by_after ? "；办结时限 " + formatTime(e.reply_by_before) + " → " + formatTime(e.reply_by_after) : ""))));
  }

  async function loadExtensions() {
    const [rows, depts] = await Promise.all([api("GET", "/api/v1/extension-requests?status=pending"), departments()]);
    document.getElementById("extensions-empty").hidden = rows.length > 0;
    document.querySelector("#extensions-table tbody").replaceChildren(...rows.map((r) => el("tr", { dataset: { id: r.id } },
      el("td", { class: "cell-nowrap" }, r.ticket_number), el("td", { class: "cell-nowrap" }, depts.name(r.department_code)),
      el("td", {}, r.working_days), el("td", { class: "cell-text", title: r.reason }, r.reason),
      el("td", { class: "cell-nowrap" }, formatTime(r.reply_by_before)), el("td", { class: "cell-nowrap" }, formatTime(r.created_at)),
      el("td", { class: "cell-earlier" }, earlierText(r.earlier)),
      el("td", { class: "cell-actions" },
        el("input", { class: "input-small", name: "note", maxlength: "1000", placeholder: "审批意见（驳回必填）", "aria-label": "审批意见" }),
        el("button", { type: "button", class: "btn btn-primary", dataset: { decision: "approve" } }, "同意"),
        el("button", { type: "button", class: "btn btn-danger", dataset: { decision: "reject" } }, "驳回")),
    )));
  }

  async function onDecision(event) {
    const button = event.target.closest("button[data-decision]");
    if (!button) return;
    const row = button.closest("tr");
    const input = row.querySelector("input[name=note]");
    const note = input.value.trim();
    await busy(row, async () => {
      try {
        await api("POST", "/api/v1/extension-requests/" + row.dataset.id + "/" + button.dataset.decision,
          note ? { note } : undefined);
      } catch (error) {
        // The API refuses a rejection without a reason (422 on `note`): say it as the approver would read it.
        const fields = (error.body && error.body.error && error.body.error.fields) || [];
        if (error.status !== 422 || !fields.some((f) => f.field === "note")) throw error;
        input.focus();
        toast("驳回延期申请必须填写审批意见（驳回理由）。", "error");
        return;
      }
      toast(button.dataset.decision === "approve" ? "已同意延期" : "已驳回延期", "success");
      await loadExtensions();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelector("#extensions-table tbody").addEventListener("click", onDecision);
    const period = document.getElementById("period-form");
    period.addEventListener("submit", onPeriod);
    period.addEventListener("change", updateExportLinks);
    // The league table counts open 督办单: an order issued or a reopen on this page changes it.
    document.addEventListener("supervision-orders-changed", () => loadLeague().catch((error) => toast(error.message, "error")));
    // The metrics fill the period form first; the league table then reads the same period.
    Promise.all([loadOverview(), loadMetrics().then(loadLeague), loadExtensions()])
      .catch((error) => toast(error.message, "error"));
  });
})();
