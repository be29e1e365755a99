// 回访工作台, the callback desk: due / overdue / retry-later / SMS-pending lists by deadline; one callback with its
// request and reply; the number revealed for the call (logged); the outcome recorded, or the SMS link sent instead.
"use strict";

(() => {
  const { api, el, label, formatTime, deadlineState, remaining, toast, departments, busy, selectTab } = Hotline;
  const MAX_ATTEMPTS = 3;  // the third unanswered call makes the callback 无法回访
  let list = "due";
  let selected = null;
  let current = null;  // the open callback's detail

  // A datetime-local input speaks the browser's local time without a zone; the API wants an instant.
  function toLocalInput(iso) {
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  async function loadList() {
    const [desk, depts] = await Promise.all([api("GET", "/api/v1/callback-desk?list=" + list), departments()]);
    for (const [name, count] of Object.entries(desk.counts)) {
      const badge = document.querySelector("#desk-tabs [data-count=" + name + "]");
      if (badge) badge.textContent = count;
    }
    const now = Date.now();
    document.getElementById("desk-empty").hidden = desk.items.length > 0;
    document.querySelector("#desk-table tbody").replaceChildren(...desk.items.map((c) => {
      const state = c.overdue ? "overdue" : deadlineState(c.due_at, now);
      const retryDue = c.retry_at && new Date(c.retry_at).getTime() <= now;
      return el("tr", {
        class: "row-" + state + (c.ticket_number === selected ? " selected" : ""), tabindex: "0",
        dataset: { number: c.ticket_number, list: c.list },
      },
        el("td", {}, el("span", { class: "ticket-link" }, c.ticket_number)),
        el("td", { class: "cell-text", title: c.title || c.excerpt }, c.title || c.excerpt),
        el("td", { class: "cell-nowrap" }, depts.name(c.department_code)),
        el("td", { class: "cell-nowrap" }, formatTime(c.replied_at)),
        el("td", { class: "cell-nowrap" }, el("span", { class: "deadline deadline-" + state },
          c.overdue ? el("span", { class: "mark mark-overdue" }, "已超时") : null, formatTime(c.due_at),
          el("small", {}, "（" + remaining(c.due_at, now) + "）"))),
        el("td", { class: "cell-nowrap" }, c.attempts ? c.attempts + " 次" : "—"),
        el("td", { class: "cell-nowrap" }, c.list === "sms" ? "短信 " + formatTime(c.link_expires_at) + " 前有效"
          : c.retry_at ? [retryDue ? el("span", { class: "mark mark-warning" }, "到点") : null, formatTime(c.retry_at)] : "—"),
      );
    }));
  }

  function showWhen(form, choice) {
    for (const part of form.querySelectorAll("[data-when]")) {
      const shown = part.dataset.when.split(" ").includes(choice);
      part.hidden = !shown;
      // a hidden part sends nothing and blocks nothing
      for (const input of part.querySelectorAll("input, textarea")) input.disabled = !shown;
    }
  }

  function outcomeText(c) {
    if (c.status === "not_callable") return "无法回访：" + label("not_callable", c.not_callable_reason) + (c.comment ? "。市民意见：" + c.comment : "");
    if (c.status === "done") {
      const unhappy = c.satisfaction === "unsatisfied" || !c.resolved;
      const review = c.review === "reopened" ? "督办中心已退回重办。" : c.review === "appeal_upheld" ? "督办中心认定申诉成立。"
        : unhappy ? "已转督办中心复核（重办或申诉成立）。" : "";
      return "回访已完成：" + label("satisfaction", c.satisfaction) + " · " + (c.resolved ? "已解决" : "未解决")
        + (c.answered_via === "link" ? "（市民通过短信链接评价）" : "") + "。" + (c.comment ? "市民意见：" + c.comment + "。" : "")
        + review;
    }
    return "";
  }

  function render(d, depts) {
    current = d;
    const c = d.callback;
    document.getElementById("desk-none").hidden = true;
    document.getElementById("desk-detail").hidden = false;
    document.getElementById("desk-number").textContent = d.ticket_number;
    const state = document.getElementById("desk-state");
    const due = c.status === "due";
    state.textContent = due ? (c.sms_pending ? "短信待评价" : c.overdue ? "回访已超时" : "待回访") : label("status", d.ticket_status);
    state.className = "badge " + (due ? (c.overdue ? "status-returned" : "status-received") : "status-closed");
    const rows = [
      ["类型", label("type", d.type)], ["渠道", label("channel", d.channel)],
      ["业务分类", d.category || "—"], ["承办单位", depts.name(d.department_code || d.lead_department)],
      ["来电人", d.anonymous ? "匿名" : (d.citizen_name || "—") + (d.confidential ? "（保密）" : "")],
      ["回访时限", el("span", { class: "deadline deadline-" + (due ? deadlineState(c.due_at) : "none") }, formatTime(c.due_at),
        due ? el("small", {}, "（" + remaining(c.due_at) + "）") : null)],
    ];
    document.getElementById("desk-fields").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    document.getElementById("desk-request").replaceChildren(d.title ? el("h3", { class: "detail-title" }, d.title) : "", el("p", {}, d.content));
    document.getElementById("desk-replied").textContent = formatTime(d.replied_at);
    document.getElementById("desk-reply").textContent = d.reply || "—";

    document.getElementById("desk-phone-number").replaceChildren(d.phone_masked || "无联系电话");
    const dial = document.getElementById("dial-button");
    dial.hidden = !due || !d.phone_masked;
    dial.disabled = false;
    document.getElementById("dial-note").hidden = true;

    document.getElementById("desk-attempts").replaceChildren(...d.attempts.map((a, i) => el("li", {},
      formatTime(a.created_at) + " 第 " + (i + 1) + " 次未接通" + (a.actor_username ? "（" + a.actor_username + "）" : "")
      + (a.retry_at ? "，约定 " + formatTime(a.retry_at) + " 再拨" : ""))));

    const outcome = document.getElementById("desk-outcome");
    const finished = outcomeText(c);
    outcome.hidden = !finished && !c.sms_pending;
    const happy = c.status === "done" && c.satisfaction !== "unsatisfied" && c.resolved;
    outcome.className = "alert " + (finished ? (happy ? "alert-success" : "alert-error") : "alert-info");
    outcome.textContent = finished || "已改发短信回访，等待市民评价；链接 " + formatTime(c.link_expires_at) + " 前有效，过期后回到电话回访列表。";

    const form = document.getElementById("callback-form");
    form.hidden = !due;
    form.reset();
    showWhen(form, "");
    form.elements.retry_at.value = d.default_retry_at ? toLocalInput(d.default_retry_at) : "";
    const left = MAX_ATTEMPTS - c.attempts;
    document.getElementById("retry-hint").textContent = left <= 1
      ? "这是最后一次：本次未接通将记为“无法回访”，不再安排再拨。"
      : "已未接通 " + c.attempts + " 次；第三次未接通将记为“无法回访”。默认两小时后再拨（不晚于回访时限）。";
    syncSmsButton();
  }

  // Only a mobile receives the link; `busy` re-enables every button of the form, so this runs after it too.
  function syncSmsButton() {
    const mobile = current && current.phone_kind === "mobile";
    document.getElementById("sms-button").disabled = !mobile;
    document.getElementById("sms-hint").textContent = !current || mobile ? ""
      : current.phone_kind === "landline" ? "固定电话收不到短信，请电话回访" : "无联系电话";
  }

  async function open(number) {
    selected = number;
    const [detail, depts] = await Promise.all([
      api("GET", "/api/v1/callback-desk/" + encodeURIComponent(number)), departments()]);
    render(detail, depts);
    for (const row of document.querySelectorAll("#desk-table tbody tr")) row.classList.toggle("selected", row.dataset.number === number);
  }

  async function reload() {
    await loadList();
    if (selected) await open(selected);
  }

  async function onDial(event) {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const shown = await api("POST", "/api/v1/tickets/" + encodeURIComponent(current.ticket_number) + "/callback/dial");
      document.getElementById("desk-phone-number").replaceChildren(el("a", { href: "tel:" + shown.phone, id: "desk-phone-link" }, shown.phone));
      document.getElementById("dial-note").hidden = false;
      button.hidden = true;
    } catch (error) {
      button.disabled = false;
      toast(error.message, "error");
    }
  }

  function bodyOf(form) {
    const v = Object.fromEntries(new FormData(form).entries());
    if (!v.reached) return { error: "请选择接通情况（接通、未接通或拒绝回访）。" };
    const comment = (v.comment || "").trim() || null;
    if (v.reached === "unreached") {
      if (!v.retry_at) return { error: "请填写再拨时间。" };
      return { body: { reached: false, retry_at: new Date(v.retry_at).toISOString() }, done: "已记录未接通" };
    }
    if (v.reached === "refused") return { body: { reached: true, refused: true, comment }, done: "已记录拒绝回访" };
    if (!v.resolved) return { error: "请选择问题是否解决。" };
    if (!v.satisfaction) return { error: "请选择满意度。" };
    return {
      body: { reached: true, resolved: v.resolved === "yes", satisfaction: v.satisfaction, comment },
      done: v.satisfaction === "unsatisfied" ? "已记录不满意，转督办中心复核" : "回访已完成",
    };
  }

  async function onRecord(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const { body, done, error } = bodyOf(form);
    if (error) {
      toast(error, "error");
      return;
    }
    await busy(form, async () => {
      const result = await api("POST", "/api/v1/tickets/" + encodeURIComponent(current.ticket_number) + "/callback", body);
      const text = result.status === "not_callable" && !body.refused ? "三次未接通，已记为无法回访" : done;
      toast(text + "：" + current.ticket_number, "success");
      await reload();
    });
    syncSmsButton();
  }

  async function onSms(event) {
    const form = document.getElementById("callback-form");
    await busy(form, async () => {
      const sent = await api("POST", "/api/v1/tickets/" + encodeURIComponent(current.ticket_number) + "/callback/sms");
      toast("已改发短信回访，链接 " + formatTime(sent.link_expires_at) + " 前有效：" + current.ticket_number, "success");
      await reload();
    });
    syncSmsButton();
  }

  function onRow(event) {
    const row = event.target.closest("tr[data-number]");
    if (!row || (event.type === "keydown" && event.key !== "Enter")) return;
    open(row.dataset.number).catch((error) => toast(error.message, "error"));
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("desk-tabs").addEventListener("click", (event) => {
      const tab = event.target.closest("[data-list]");
      if (!tab) return;
      list = tab.dataset.list;
      selectTab(tab);
      loadList().catch((error) => toast(error.message, "error"));
    });
    const body = document.querySelector("#desk-table tbody");
    body.addEventListener("click", onRow);
    body.addEventListener("keydown", onRow);
    const form = document.getElementById("callback-form");
    form.addEventListener("submit", onRecord);
    form.addEventListener("change", (event) => { if (event.target.name === "reached") showWhen(form, event.target.value); });
    document.getElementById("dial-button").addEventListener("click", onDial);
    document.getElementById("sms-button").addEventListener("click", onSms);
    // /callbacks?ticket=N (from the supervisor's 待回访 list) opens that callback at once.
    const asked = new URLSearchParams(location.search).get("ticket");
    loadList().then(() => (asked ? open(asked) : null)).catch((error) => toast(error.message, "error"));
  });
})();
