// 数据驾驶舱: the figures against their targets, trends, the city map and the 红黑榜 for a chosen period and place;
// every number, bar and point opens the tickets behind it.
"use strict";

(() => {
  const { api, el, label, formatTime, toast, selectTab } = Hotline;
  const MEASURES = {
    contacts: "受理量", repeat: "重复来电", online: "网络渠道3分钟响应", response: "响应率", callback: "回访率",
    resolution: "解决率", satisfaction: "满意率", handling: "办理时长", overdue: "当前超期", warned: "当前预警",
  };
  const MISSES = {
    online: "3分钟内未响应", response: "未按时签收", callback: "未完成回访", resolution: "未解决", satisfaction: "不满意",
  };
  const AT_HEADS = { response: "派单时间", callback: "答复时间", resolution: "答复时间", satisfaction: "答复时间",
    handling: "答复时间", overdue: "办理时限", warned: "办理时限" };
  const FIGURE_MEASURES = { response_rate: "response", resolution_rate: "resolution", satisfaction_rate: "satisfaction",
    callback_rate: "callback" };
  const NOW = new Set(["overdue", "warned"]);
  const DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });
  const state = { from: null, to: null, district: null, districtName: null, mapMetric: "contacts", city: null, drill: null };

  const pct = (v) => (v === null || v === undefined ? "—" : (Math.round(v * 1000) / 10) + "%");

  function formatValue(figure, value) {
    if (value === null || value === undefined) return "—";
    if (figure.kind === "rate") return pct(value);
    if (figure.kind === "hours") return value + " 小时";
    return String(value);
  }

  function formatChange(figure) {
    if (figure.change === null) return "";
    const sign = figure.change > 0 ? "+" : "";
    if (figure.kind === "rate") return sign + Math.round(figure.change * 1000) / 10 + " 个百分点";
    if (figure.kind === "hours") return sign + Math.round(figure.change * 100) / 100 + " 小时";
    return sign + figure.change;
  }

  function periodQuery(extra) {
    const params = new URLSearchParams();
    if (state.from) { params.set("from", state.from); params.set("to", state.to); }
    if (state.district) params.set("district", state.district);
    for (const [key, value] of Object.entries(extra || {})) if (value !== null && value !== undefined && value !== "") params.set(key, value);
    return params.toString();
  }

  function tile(figure) {
    const arrow = figure.change === null || figure.change === 0 ? "" : figure.change > 0 ? "▲" : "▼";
    const trend = figure.improved === null ? "trend-flat" : figure.improved ? "trend-better" : "trend-worse";
    const met = figure.target_met === null ? null : figure.target_met ? "达标" : "未达标";
    return el("button", { type: "button", class: "tile", title: figure.label + "：" + figure.definition,
      dataset: { figure: figure.name, measure: figure.drill.measure, part: figure.drill.part } },
    el("span", { class: "tile-label" }, figure.label),
    el("span", { class: "tile-value" }, formatValue(figure, figure.value)),
    el("span", { class: "tile-target" }, figure.target ? "目标 " + figure.target : "无考核目标",
      met ? el("span", { class: "tile-met " + (figure.target_met ? "met" : "unmet") }, met) : null),
    el("span", { class: "tile-previous " + trend }, "上期 " + formatValue(figure, figure.previous),
      arrow ? el("span", { class: "tile-arrow" }, " " + arrow + " " + formatChange(figure)) : null));
  }

  async function loadTiles() {
    const body = await api("GET", "/api/v1/command/tiles?" + periodQuery());
    if (!state.from) {
      // the default period is this month so far; show it in the form
      document.querySelector("#period-form [name=from]").value = body.period.from;
      document.querySelector("#period-form [name=to]").value = body.period.to;
    }
    document.getElementById("period-text").textContent = body.period.from + " 至 " + body.period.to
      + "（上期 " + body.previous_period.from + " 至 " + body.previous_period.to + "）";
    document.getElementById("tiles").replaceChildren(...body.figures.map(tile));
    const apart = body.apart;
    document.getElementById("tiles-note").textContent = "本期答复 " + apart.replies + " 件，已回访 " + apart.callbacks_done
      + " 件，待回访 " + apart.callbacks_pending + " 件，无法回访 " + apart.not_callable + " 件（计入回访率分母）；派单 "
      + apart.rounds + " 件计入响应率，另有 " + apart.rounds_not_due + " 件尚在签收时限内未计。";
  }

  function weekEnd(week) {
    const end = new Date(week + "T00:00:00+08:00");
    end.setDate(end.getDate() + 6);
    const last = DAY.format(end);
    const today = DAY.format(new Date());
    return last > today ? today : last;
  }

  async function loadTrends() {
    const trends = await api("GET", "/api/v1/command/trends?" + periodQuery());
    CommandCharts.channels(document.getElementById("chart-channels"), trends,
      ({ day, channel }) => openDrill({ measure: "contacts", part: "all", from: day, to: day, channel }));
    CommandCharts.weekly(document.getElementById("chart-weekly"), trends,
      ({ week, figure }) => openDrill({ measure: FIGURE_MEASURES[figure], part: "miss", from: week, to: weekEnd(week) }));
    CommandCharts.categories(document.getElementById("chart-categories"), trends,
      ({ category }) => openDrill({ measure: "contacts", part: "all", category }));
    CommandCharts.online(document.getElementById("chart-online"), trends,
      ({ day }) => openDrill({ measure: "online", part: "miss", from: day, to: day }));
  }

  async function drawMap() {
    if (!state.city) return;
    await CommandCharts.cityMap(document.getElementById("chart-map"), state.city, state.mapMetric, state.districtName,
      (district) => chooseDistrict(district.code === state.district ? null : district.code));
    CommandCharts.streets(document.getElementById("chart-streets"), state.city, (street, overdue) => openDrill({
      measure: overdue ? "overdue" : "contacts", part: "all", street: street.code }));
    document.getElementById("streets-hint").textContent = state.district ? state.districtName + "，本期受理量与当前超期" : "在地图上点击区县后显示";
  }

  async function loadMap() {
    state.city = await api("GET", "/api/v1/command/map?" + periodQuery());
    await drawMap();
  }

  function rateCell(unit, key, measure, month, byDistrict) {
    return el("td", {}, el("button", { type: "button", class: "link-button", title: "查看" + unit.name + "的" + MEASURES[measure] + "未达标工单",
      dataset: { measure, month, [byDistrict ? "unitDistrict" : "department"]: unit.code } }, pct(unit[key])));
  }

  function rankingRows(units, month, byDistrict) {
    return units.map((unit) => el("tr", { class: unit.list ? "row-" + unit.list : "", dataset: { code: unit.code } },
      el("td", {}, unit.rank === null ? "未排名" : unit.rank),
      el("td", { class: "cell-nowrap" }, unit.name),
      el("td", {}, unit.rounds),
      rateCell(unit, "response_rate", "response", month, byDistrict),
      rateCell(unit, "resolution_rate", "resolution", month, byDistrict),
      rateCell(unit, "satisfaction_rate", "satisfaction", month, byDistrict),
      el("td", {}, unit.score === null ? "样本不足" : unit.score.toFixed(2)),
      el("td", {}, unit.list === "red" ? el("span", { class: "list-tag list-red" }, "红榜")
        : unit.list === "black" ? el("span", { class: "list-tag list-black" }, "黑榜") : "")));
  }

  function fillMonths() {
    // the last 24 months, this one (still running) first
    const now = new Date();
    const months = Array.from({ length: 24 }, (_, i) => DAY.format(new Date(now.getFullYear(), now.getMonth() - i, 15)).slice(0, 7));
    document.getElementById("ranking-month").replaceChildren(...months.map((m, i) =>
      el("option", { value: m }, m.replace("-", "年") + "月" + (i === 0 ? "（本月至今）" : ""))));
  }

  async function loadRanking(month) {
    const query = "?month=" + (month || DAY.format(new Date()).slice(0, 7));
    const body = await api("GET", "/api/v1/command/ranking" + query);
    document.getElementById("ranking-month").value = body.month;
    document.getElementById("ranking-month-text").textContent = body.month + (body.complete ? "（整月）" : "（本月至今，未定稿）");
    document.querySelector("#ranking-departments tbody").replaceChildren(...rankingRows(body.departments, body.month, false));
    document.querySelector("#ranking-districts tbody").replaceChildren(...rankingRows(body.districts, body.month, true));
    document.getElementById("ranking-rules").replaceChildren(...body.rules.map((rule) => el("li", {}, rule)));
  }

  function monthDays(month) {
    const [year, number] = month.split("-").map(Number);
    const last = new Date(Date.UTC(year, number, 0)).getUTCDate();
    const today = DAY.format(new Date());
    const end = month + "-" + String(last).padStart(2, "0");
    return { from: month + "-01", to: end > today ? today : end };
  }

  // The drill-down: which measure, which part, over which days, for which place, unit, channel or category.
  async function openDrill(drill) {
    const days = drill.from ? { from: drill.from, to: drill.to } : { from: state.from || document.querySelector("#period-form [name=from]").value,
      to: state.to || document.querySelector("#period-form [name=to]").value };
    state.drill = { district: state.district, ...drill, ...days, page: 1 };
    await showDrill();
    const panel = document.getElementById("drill");
    panel.scrollIntoView({ block: "start" });
    panel.focus({ preventScroll: true });
  }

  async function showDrill() {
    const drill = state.drill;
    const params = new URLSearchParams({ measure: drill.measure, part: drill.part, page: drill.page, page_size: 20 });
    if (!NOW.has(drill.measure)) { params.set("from", drill.from); params.set("to", drill.to); }
    for (const key of ["district", "channel", "category", "department", "street", "unit_district"]) if (drill[key]) params.set(key, drill[key]);
    const page = await api("GET", "/api/v1/command/tickets?" + params);
    const panel = document.getElementById("drill");
    panel.hidden = false;
    const what = MEASURES[drill.measure] + (drill.part === "miss" && MISSES[drill.measure] ? " · " + MISSES[drill.measure] : "");
    document.getElementById("drill-title").textContent = "工单明细：" + what;
    const scope = [NOW.has(drill.measure) ? "当前" : drill.from === drill.to ? drill.from : drill.from + " 至 " + drill.to];
    if (drill.district) scope.push(districtName(drill.district));
    if (drill.channel) scope.push(label("channel", drill.channel));
    if (drill.category) scope.push(drill.category);
    if (drill.department || drill.unit_district) scope.push((drill.departmentName || drill.department) + (drill.unit_district ? "属地单位" : ""));
    if (drill.street) scope.push((state.city && (state.city.streets.find((s) => s.code === drill.street) || {}).name) || drill.street);
    document.getElementById("drill-summary").textContent = scope.join(" · ") + (page.more ? " · 超过 " + page.total + " 件（列出最近的 " + page.total + " 件）" : " · 共 " + page.total + " 件");
    const parts = document.getElementById("drill-parts");
    parts.hidden = !MISSES[drill.measure];
    for (const tab of parts.querySelectorAll(".tab")) {
      tab.classList.toggle("active", tab.dataset.part === drill.part);
      tab.setAttribute("aria-selected", String(tab.dataset.part === drill.part));
    }
    document.getElementById("drill-at-head").textContent = AT_HEADS[drill.measure] || "受理时间";
    document.querySelector("#drill-table tbody").replaceChildren(...page.items.map((t) => el("tr", {},
      el("td", { class: "cell-nowrap" }, el("a", { class: "ticket-link", href: "/agent?ticket=" + encodeURIComponent(t.ticket_number) }, t.ticket_number)),
      el("td", { class: "cell-nowrap" }, formatTime(t.received_at)),
      el("td", { class: "cell-nowrap" }, formatTime(t.at)),
      el("td", { class: "cell-nowrap" }, label("channel", t.channel)), el("td", { class: "cell-nowrap" }, label("type", t.type)),
      el("td", { class: "cell-nowrap" }, t.category ? t.category.split("/")[0] : "未分类"),
      el("td", { class: "cell-nowrap" }, t.district || "未定位"), el("td", { class: "cell-nowrap" }, t.department || "未派单"),
      el("td", {}, el("span", { class: "badge status-" + t.status }, label("status", t.status))),
      el("td", { class: "cell-text", title: t.excerpt }, t.excerpt))));
    document.getElementById("drill-empty").hidden = page.items.length > 0;
    const pages = Math.max(1, Math.ceil(page.total / page.page_size));
    document.getElementById("drill-page").textContent = "第 " + page.page + " / " + pages + " 页";
    document.getElementById("drill-prev").disabled = page.page <= 1;
    document.getElementById("drill-next").disabled = page.page >= pages;
  }

  function districtName(code) {
    const option = document.querySelector("#area-select option[value='" + code + "']");
    return option ? option.textContent : code;
  }

  async function chooseDistrict(code) {
    state.district = code || null;
    state.districtName = code ? districtName(code) : null;
    document.getElementById("area-name").textContent = state.districtName || "全市";
    document.getElementById("area-clear").hidden = !code;
    document.getElementById("area-select").value = code || "";
    await refresh();
  }

  async function refresh() {
    // an open list of tickets belongs to the old period or place: close it rather than show it under the new one
    document.getElementById("drill").hidden = true;
    state.drill = null;
    try {
      await Promise.all([loadTiles(), loadTrends(), loadMap()]);
    } catch (error) {
      toast(error.message, "error");
    }
  }

  function setPeriod(mode) {
    const today = new Date();
    if (mode === "month") {
      state.from = state.to = null;
    } else if (mode === "last-month") {
      const first = new Date(today.getFullYear(), today.getMonth() - 1, 1);
      const last = new Date(today.getFullYear(), today.getMonth(), 0);
      state.from = DAY.format(first);
      state.to = DAY.format(last);
    } else {
      const first = new Date(today.getTime() - 29 * 86400000);
      state.from = DAY.format(first);
      state.to = DAY.format(today);
    }
    if (state.from) {
      document.querySelector("#period-form [name=from]").value = state.from;
      document.querySelector("#period-form [name=to]").value = state.to;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("tiles").addEventListener("click", (event) => {
      const button = event.target.closest(".tile");
      if (button) openDrill({ measure: button.dataset.measure, part: button.dataset.part }).catch((e) => toast(e.message, "error"));
    });
    document.getElementById("period-tabs").addEventListener("click", (event) => {
      const tab = event.target.closest(".tab");
      if (!tab) return;
      selectTab(tab);
      setPeriod(tab.dataset.period);
      refresh();
    });
    document.getElementById("period-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.currentTarget;
      if (form.elements.to.value < form.elements.from.value) {
        toast("结束日期不能早于开始日期。", "error");
        return;
      }
      state.from = form.elements.from.value;
      state.to = form.elements.to.value;
      for (const tab of document.querySelectorAll("#period-tabs .tab")) { tab.classList.remove("active"); tab.setAttribute("aria-selected", "false"); }
      refresh();
    });
    document.getElementById("area-select").addEventListener("change", (event) => chooseDistrict(event.target.value));
    document.getElementById("area-clear").addEventListener("click", () => chooseDistrict(null));
    document.getElementById("map-tabs").addEventListener("click", (event) => {
      const tab = event.target.closest(".tab");
      if (!tab) return;
      selectTab(tab);
      state.mapMetric = tab.dataset.metric;
      drawMap();
    });
    document.getElementById("ranking-form").addEventListener("submit", (event) => {
      event.preventDefault();
      loadRanking(event.currentTarget.elements.month.value).catch((e) => toast(e.message, "error"));
    });
    document.getElementById("ranking-panel").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-measure]");
      if (!button) return;
      const row = button.closest("tr");
      openDrill({ measure: button.dataset.measure, part: "miss", department: button.dataset.department,
        unit_district: button.dataset.unitDistrict, departmentName: row.children[1].textContent, district: null,
        ...monthDays(button.dataset.month) })
        .catch((e) => toast(e.message, "error"));
    });
    document.getElementById("drill-parts").addEventListener("click", (event) => {
      const tab = event.target.closest(".tab");
      if (!tab || !state.drill) return;
      state.drill.part = tab.dataset.part;
      state.drill.page = 1;
      showDrill().catch((e) => toast(e.message, "error"));
    });
    document.getElementById("drill-prev").addEventListener("click", () => { state.drill.page -= 1; showDrill().catch((e) => toast(e.message, "error")); });
    document.getElementById("drill-next").addEventListener("click", () => { state.drill.page += 1; showDrill().catch((e) => toast(e.message, "error")); });
    document.getElementById("drill-close").addEventListener("click", () => { document.getElementById("drill").hidden = true; });
    fillMonths();
    refresh();
    loadRanking().catch((e) => toast(e.message, "error"));
  });
})();
