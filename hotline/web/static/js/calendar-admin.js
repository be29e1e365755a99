// 督办 supervisor dashboard, 工作日历: the days the centre sets as holiday (台风停工, a year's 法定节假日 before the
// library knows them) or workday (调休上班), a form to set or remove one, their history, and a warning for a year
// whose State Council schedule is unknown (its deadlines count Monday-Friday less the holidays fixed by law); and 时限顺延: on a holiday set after
// open tickets' deadlines were computed, a supervisor gives the day back to those tickets (once, with a reason).
"use strict";

(() => {
  const { api, el, formatTime, toast, formJson, busy, reasonText } = Hotline;
  const DAYS = "/api/v1/calendar/days";
  const KIND = { workday: "工作日", holiday: "休息日" };
  const HISTORY_ACTION = { remove: "取消设定", shift: "顺延在办工单时限" };
  const WEEKDAY = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];
  const FIELDS = { date: "日期", kind: "设为", reason: "事由", year: "年份" };
  const REASONS = [
    [/^year must be between (\d+) and (\d+)/, (a, b) => "年份应在 " + a + "–" + b + " 之间"],
    [/^Input should be a valid date/, () => "不是有效的日期"],
    [/is not set in the centre's calendar$/, () => "该日期未设定"],
    [/^deadlines can be shifted over a day at most (\d+) days past/, (n) => "只能顺延 " + n + " 天以内的日期"],
  ];
  const CONFLICTS = [
    [/were already shifted$/, "该日已顺延过在办工单时限，不能重复顺延，列表已刷新。"],
    [/is not set as a holiday/, "该日不是本中心设定的休息日（可能已被他人修改），列表已刷新。"],
  ];
  const THIS_YEAR = Number(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));

  function reasonOf(reason) {
    for (const [pattern, say] of REASONS) {
      const match = pattern.exec(reason || "");
      if (match) return say(...match.slice(1));
    }
    return reasonText(reason);
  }

  // The API names the calendar's own fields (date, kind, year), which the shared labels do not know.
  function failure(error) {
    const body = (error.body && error.body.error) || {};
    if (body.code === "validation_error" && Array.isArray(body.fields)) {
      return "填写有误：" + body.fields.map((f) => (FIELDS[f.field] || f.field) + "（" + reasonOf(f.reason) + "）").join("；");
    }
    if (error.status === 404) return "该日期未设定（可能已被他人取消），列表已刷新。";
    if (error.status === 409) {
      const known = CONFLICTS.find(([pattern]) => pattern.test(body.message || ""));
      if (known) return known[1];
    }
    return error.message;
  }

  function weekday(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return WEEKDAY[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  }

  function kindBadge(kind) {
    return el("span", { class: kind === "holiday" ? "badge status-returned" : "badge status-closed", dataset: { kind } }, KIND[kind]);
  }

  function setting(s) {
    return s ? KIND[s.kind] + "（" + s.reason + "）" : "—";
  }

  function selectedYear() {
    return Number(document.querySelector("#calendar-year-form [name=year]").value);
  }

  function warning(year) {
    return el("p", { class: "alert alert-error", role: "alert", dataset: { year: year.year } },
      year.year + "年放假调休安排尚未录入，期限按周一至周五（扣除元旦、春节等法定节日当天）计算",
      year.days.length ? "（本中心已设定该年 " + year.days.length + " 天，以设定为准）。"
        : "。请按国务院办公厅发布的安排，在下方设定该年的休息日和调休上班日。");
  }

  // This year's and next year's schedules decide the deadlines being set now; the chosen year may be either.
  async function loadWarnings(chosen) {
    const years = await Promise.all([THIS_YEAR, THIS_YEAR + 1].map((year) =>
      year === chosen.year ? chosen : api("GET", DAYS + "?year=" + year)));
    document.getElementById("calendar-warnings").replaceChildren(...years.filter((y) => !y.statutory_known).map(warning));
  }

  function shiftedBadge(day) {
    return el("span", { class: "badge status-closed", dataset: { shifted: day.date }, title: "顺延于 " + formatTime(day.deadlines_shifted_at) }, "已顺延");
  }

  // Only a holiday whose open tickets have not yet been given the day back offers the shift.
  function shiftButton(day) {
    if (day.kind !== "holiday" || day.deadlines_shifted_at) return null;
    return el("button", { type: "button", class: "btn", dataset: { shift: day.date } }, "顺延在办工单时限");
  }

  function dayRow(day) {
    return el("tr", { dataset: { date: day.date, kind: day.kind } },
      el("td", { class: "cell-nowrap" }, day.date), el("td", {}, weekday(day.date)),
      el("td", { class: "cell-nowrap" }, kindBadge(day.kind), day.deadlines_shifted_at ? [" ", shiftedBadge(day)] : null),
      el("td", { class: "cell-nowrap" }, day.statutory ? KIND[day.statutory] : el("span", { class: "muted" }, "未录入")),
      el("td", { class: "cell-text", title: day.reason }, day.reason), el("td", { class: "cell-nowrap" }, day.set_by || "—"),
      el("td", { class: "cell-nowrap" }, formatTime(day.set_at)),
      el("td", { class: "cell-actions" },
        el("input", { class: "input-small", name: "reason", maxlength: "200", placeholder: "取消理由（必填）", "aria-label": "取消理由" }),
        el("button", { type: "button", class: "btn btn-danger", dataset: { remove: day.date } }, "取消设定"),
        shiftButton(day)));
  }

  // The confirmation under the day's row: what the shift does, its required reason, confirm or cancel.
  function shiftRow(date) {
    return el("tr", { class: "calendar-shift", dataset: { shiftFor: date } },
      el("td", { colspan: "8" },
        el("p", { class: "hint" }, "将为设为休息日之前已派出、时限跨过 " + date + " 的在办工单补回当日的工作时间：签收、办结时限以及待回访工单的回访时限相应顺延，"
          + "预警和超时提醒一并顺延，每张工单记入“时限顺延”。特急工单按自然时间计算，不顺延。每个休息日只能顺延一次，之后取消该日设定也不会恢复原时限。"),
        el("div", { class: "row-inline" },
          el("input", { name: "shift-reason", maxlength: "200", placeholder: "顺延理由（必填），如：台风停工", "aria-label": "顺延理由" }),
          el("button", { type: "button", class: "btn btn-primary", dataset: { confirmShift: date } }, "确认顺延"),
          el("button", { type: "button", class: "btn", dataset: { cancelShift: date } }, "不顺延"))));
  }

  function historyRow(change) {
    return el("tr", { dataset: { date: change.date, action: change.action } },
      el("td", { class: "cell-nowrap" }, formatTime(change.changed_at)), el("td", { class: "cell-nowrap" }, change.date),
      el("td", {}, HISTORY_ACTION[change.action] || (change.before ? "修改" : "设定")),
      el("td", {}, setting(change.before)), el("td", {}, setting(change.after)),
      el("td", { class: "cell-text", title: change.reason }, change.reason),
      el("td", { class: "cell-nowrap" }, change.changed_by || "—"));
  }

  async function loadCalendar() {
    const year = selectedYear();
    const [chosen, history] = await Promise.all([api("GET", DAYS + "?year=" + year), api("GET", DAYS + "/history?year=" + year)]);
    document.getElementById("calendar-empty").hidden = chosen.days.length > 0;
    document.querySelector("#calendar-table tbody").replaceChildren(...chosen.days.map(dayRow));
    document.querySelector("#calendar-history tbody").replaceChildren(...history.map(historyRow));
    await loadWarnings(chosen);
    document.dispatchEvent(new CustomEvent("hotline:calendar-loaded"));  // e.g. the admin's audit reads again
  }

  function showYear(year) {
    const select = document.querySelector("#calendar-year-form [name=year]");
    if (![...select.options].some((o) => Number(o.value) === year)) select.append(el("option", { value: year }, year + "年"));
    select.value = String(year);
  }

  async function onSet(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const { date, kind, reason } = formJson(form);
    await busy(form, async () => {
      try {
        await api("PUT", DAYS + "/" + encodeURIComponent(date), { kind, reason });
      } catch (error) {
        toast(failure(error), "error");
        return;
      }
      toast(date + " 已设为" + KIND[kind] + "，新计算的时限即按此计算", "success");
      form.elements.reason.value = "";
      showYear(Number(date.slice(0, 4)));
      await loadCalendar();
    });
  }

  function onShift(button) {
    const row = button.closest("tr");
    if (row.nextElementSibling && row.nextElementSibling.dataset.shiftFor === button.dataset.shift) return;
    const confirmRow = shiftRow(button.dataset.shift);
    row.after(confirmRow);
    confirmRow.querySelector("input[name=shift-reason]").focus();
  }

  // A row's action that needs its reason: refused before any request without one; the outcome said in a toast
  // (`done` words a success), then the table read again (another supervisor may have changed the day meanwhile).
  async function withReason(row, input, missing, call, done) {
    const reason = row.querySelector(input).value.trim();
    if (!reason) {
      toast(missing, "error");
      return;
    }
    await busy(row, async () => {
      try {
        toast(done(await call(reason)), "success");
      } catch (error) {
        toast(failure(error), "error");
      }
      await loadCalendar();
    });
  }

  async function onConfirmShift(button) {
    const date = button.dataset.confirmShift;
    await withReason(button.closest("tr"), "input[name=shift-reason]", "请填写顺延理由（记入每张工单和变更记录）。",
      (reason) => api("POST", DAYS + "/" + encodeURIComponent(date) + "/shift-deadlines", { reason }),
      (shifted) => "已顺延 " + shifted.tickets + " 张工单的时限");
  }

  async function onTableClick(event) {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.remove) await onRemove(button);
    else if (button.dataset.shift) onShift(button);
    else if (button.dataset.confirmShift) await onConfirmShift(button);
    else if (button.dataset.cancelShift) button.closest("tr").remove();
  }

  async function onRemove(button) {
    const date = button.dataset.remove;
    await withReason(button.closest("tr"), "input[name=reason]", "请填写取消理由（记入变更记录）。",
      (reason) => api("DELETE", DAYS + "/" + encodeURIComponent(date) + "?" + new URLSearchParams({ reason })),
      () => date + " 已取消设定，恢复按法定安排计算");
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const year of [THIS_YEAR, THIS_YEAR + 1, THIS_YEAR + 2]) showYear(year);
    showYear(THIS_YEAR);
    const yearForm = document.getElementById("calendar-year-form");
    yearForm.addEventListener("change", () => loadCalendar().catch((error) => toast(error.message, "error")));
    yearForm.addEventListener("submit", (event) => event.preventDefault());
    document.getElementById("calendar-form").addEventListener("submit", onSet);
    document.querySelector("#calendar-table tbody").addEventListener("click", onTableClick);
    loadCalendar().catch((error) => toast(error.message, "error"));
  });
})();
