// 办理情况公示: the monthly ranking and rates for the public (no login, no personal data, no 举报).
"use strict";

(() => {
  const { api, el, toast } = Hotline;
  const MONTH = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit" });
  const FIGURES = [["contacts", "受理量"], ["response_rate", "响应率"], ["resolution_rate", "解决率"],
    ["satisfaction_rate", "满意率"], ["callback_rate", "回访率"]];
  const DEFINITIONS = [
    ["响应率", "派出的工单中，承办单位在签收时限内签收的比例（被退回或合并的那次派单不计）。"],
    ["解决率", "办结答复后回访时，市民表示问题已解决的比例。"],
    ["满意率", "回访评价为“满意”或“基本满意”的比例。"],
    ["回访率", "办结答复的工单中已完成回访的比例，目标 100%。"],
  ];
  const pct = (v) => (v === null || v === undefined ? "—" : (Math.round(v * 1000) / 10) + "%");

  function months() {
    // the last twelve months, this one (still running) first
    const now = new Date();
    return Array.from({ length: 12 }, (_, i) => MONTH.format(new Date(now.getFullYear(), now.getMonth() - i, 15)).slice(0, 7));
  }

  function rows(units) {
    return units.map((unit) => el("tr", { class: unit.list ? "row-" + unit.list : "" },
      el("td", {}, unit.rank === null ? "未排名" : unit.rank), el("td", { class: "cell-nowrap" }, unit.name),
      el("td", {}, pct(unit.response_rate)), el("td", {}, pct(unit.resolution_rate)), el("td", {}, pct(unit.satisfaction_rate)),
      el("td", {}, unit.score === null ? "样本不足" : unit.score.toFixed(2)),
      el("td", {}, unit.list === "red" ? el("span", { class: "list-tag list-red" }, "红榜")
        : unit.list === "black" ? el("span", { class: "list-tag list-black" }, "黑榜") : "")));
  }

  async function load(month) {
    const body = await api("GET", "/api/v1/public/ranking?month=" + month);
    document.getElementById("public-month-text").textContent = body.period.from + " 至 " + body.period.to
      + (body.complete ? "" : "（本月至今，数据每日更新，月末定稿）");
    document.getElementById("public-figures").replaceChildren(...FIGURES.map(([key, name]) => el("div", { class: "stat" },
      el("span", { class: "stat-value", dataset: { figure: key } }, key === "contacts" ? body.city[key] : pct(body.city[key])),
      el("span", { class: "stat-label" }, name))));
    // units without any case this month are not listed
    const shown = (units) => units.filter((u) => u.score !== null || u.rounds || u.callbacks_done);
    document.querySelector("#public-departments tbody").replaceChildren(...rows(shown(body.departments)));
    document.querySelector("#public-districts tbody").replaceChildren(...rows(shown(body.districts)));
    document.getElementById("public-rules").replaceChildren(...body.rules.map((rule) => el("li", {}, rule)));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const select = document.getElementById("public-month");
    const choices = months();
    select.replaceChildren(...choices.map((m, i) => el("option", { value: m }, m.replace("-", "年") + "月" + (i === 0 ? "（本月至今）" : ""))));
    select.value = choices[1];  // the last whole month is the published one
    document.getElementById("public-definitions").replaceChildren(...DEFINITIONS.flatMap(([term, text]) => [el("dt", {}, term), el("dd", {}, text)]));
    document.getElementById("public-month-form").addEventListener("submit", (event) => {
      event.preventDefault();
      load(select.value).catch((error) => toast(error.message, "error"));
    });
    load(select.value).catch((error) => toast(error.message, "error"));
  });
})();
