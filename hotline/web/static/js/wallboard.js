// 大屏: full-screen numbers pushed by the server (Server-Sent Events, one stream per screen); the page never polls.
"use strict";

(() => {
  const { el } = Hotline;
  const RATES = [["response_rate", "响应率"], ["resolution_rate", "解决率"], ["satisfaction_rate", "满意率"], ["callback_rate", "回访率"]];
  const CLOCK = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
    weekday: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  const TIME = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  const pct = (v) => (v === null || v === undefined ? "—" : (Math.round(v * 1000) / 10) + "%");

  function setNumber(id, value, alarmAt) {
    const node = document.getElementById(id);
    node.textContent = value === null || value === undefined ? "—" : String(value);
    if (alarmAt !== undefined) node.classList.toggle(alarmAt.kind, value > alarmAt.above);
  }

  function show(board) {
    setNumber("wall-contacts", board.contacts);
    document.getElementById("wall-channels").textContent = board.channels.length
      ? board.channels.map((c) => c.label + " " + c.contacts).join("　") : "今日尚无受理";
    if (board.calls) {
      setNumber("wall-calls", board.calls.waiting);
      const wait = board.calls.median_wait_s === null ? "" : "，等待中位 " + Math.round(board.calls.median_wait_s) + " 秒";
      document.getElementById("wall-calls-sub").textContent = "排队中；今日已接听 " + board.calls.answered + " 个"
        + (board.calls.abandoned ? "，未接放弃 " + board.calls.abandoned + " 个" : "") + wait;
    } else {
      document.getElementById("wall-calls").textContent = "—";
      document.getElementById("wall-calls-sub").textContent = "暂未接入电话系统";
    }
    setNumber("wall-overdue", board.overdue, { kind: "alarm", above: 0 });
    setNumber("wall-warned", board.warned, { kind: "caution", above: 0 });
    document.getElementById("wall-rates").replaceChildren(...RATES.map(([key, name]) => el("div", {},
      el("div", { class: "wall-rate", dataset: { rate: key } }, pct(board.month[key])), el("div", { class: "wall-sub" }, name))));
    document.getElementById("wall-today").textContent = "今日办结答复 " + board.replies + " 件，完成回访 " + board.callbacks_done + " 件";
    const hot = board.hot_issues || [];
    document.getElementById("wall-hot").replaceChildren(...(hot.length ? hot.map((issue) => el("li", {},
      el("span", {}, issue.title + (issue.district_name ? "（" + issue.district_name + "）" : "")),
      el("span", { class: "wall-count" }, issue.callers + " 人 / " + issue.contacts + " 件")))
      : [el("li", {}, el("span", {}, "暂无多人反映的相似诉求"))]));
    document.getElementById("wall-districts").replaceChildren(...(board.overdue_by_district || []).map((d) =>
      el("li", { class: d.overdue > 0 ? "alarm" : "", dataset: { code: d.code } },
        el("span", {}, d.name), el("span", { class: "wall-district-count" }, String(d.overdue)))));
    const status = document.getElementById("wall-status");
    status.textContent = "实时 · 更新于 " + TIME.format(new Date(board.updated_at));
    status.className = "wallboard-status live";
    document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
  }

  function connect() {
    const source = new EventSource("/api/v1/command/wallboard/stream");
    source.addEventListener("wallboard", (event) => show(JSON.parse(event.data)));
    source.addEventListener("error", () => {
      // EventSource reconnects by itself; a closed one (the session ended) needs a new login
      const status = document.getElementById("wall-status");
      status.className = "wallboard-status lost";
      if (source.readyState === EventSource.CLOSED) {
        status.textContent = "连接已断开，10 秒后重试…";
        fetch("/api/v1/auth/session", { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then((response) => {
            if (response.status === 401) window.location.assign("/login?next=" + encodeURIComponent(location.pathname));
            else setTimeout(connect, 10000);
          })
          .catch(() => setTimeout(connect, 10000));
      } else {
        status.textContent = "连接中断，正在重连…";
      }
    });
  }

  function tick() {
    document.getElementById("wall-clock").textContent = CLOCK.format(new Date());
  }

  document.addEventListener("DOMContentLoaded", () => {
    tick();
    setInterval(tick, 1000);
    document.getElementById("wall-fullscreen").addEventListener("click", () => {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(() => {});
    });
    connect();
  });
})();
