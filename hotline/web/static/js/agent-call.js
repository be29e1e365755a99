// The phone link of the console: the agent's call stream (Server-Sent Events from the PBX's events) pops the
// caller's number and history and runs the call timer; the call bar records a transfer to 110/119/120/12315 or
// another hotline. The call's id goes with the ticket filed (or the contact added) during it.
"use strict";

const AgentCall = (() => {
  const { api, el, toast } = Hotline;
  const STATE_TEXT = { ringing: "振铃中", answered: "通话中", ended: "通话结束" };
  const TARGET_NUMBERS = { 110: "110", 119: "119", 120: "120", 12315: "12315" };
  const TARGET_NAMES = { 110: "110", 119: "119", 120: "120", 12315: "12315" };
  let call = null;       // the call on the bar: {call_ref, call_id, from, channel, state, ringing_at, answered_at, ...}
  let timer = null;
  let source = null;
  let ticketNumber = null;  // the ticket filed or touched during this call
  const listeners = [];

  // How a number reads: a landline with its area code apart (0577-86001234), a mobile as it is.
  function shown(number) {
    const landline = /^(010|02\d|0[3-9]\d{2})([2-9]\d{6,7})$/.exec(number || "");
    return landline ? landline[1] + "-" + landline[2] : number || "";
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function clock(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    return (s >= 3600 ? Math.floor(s / 3600) + ":" : "") + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
  }

  function tick() {
    if (!call) return;
    const box = document.getElementById("call-timer");
    if (call.state === "ringing") {
      box.textContent = "振铃 " + clock((Date.now() - Date.parse(call.ringing_at)) / 1000);
    } else if (call.state === "answered") {
      box.textContent = "通话 " + clock((Date.now() - Date.parse(call.answered_at)) / 1000);
    }
  }

  function paint() {
    const bar = document.getElementById("call-bar");
    bar.className = "call-bar call-" + (call ? call.state : "idle");
    document.getElementById("call-state").textContent = call ? STATE_TEXT[call.state] : "空闲";
    document.getElementById("call-number").textContent = call ? shown(call.from) : "";
    const channel = document.getElementById("call-channel");
    channel.hidden = !call || call.channel !== "110";
    channel.textContent = "110转办";
    document.getElementById("transfer-open").hidden = !call;
    const detail = document.getElementById("call-detail");
    if (!call) {
      detail.textContent = "";
      document.getElementById("call-timer").textContent = "";
    } else if (call.state === "ended") {
      document.getElementById("call-timer").textContent = call.talked_s !== null && call.talked_s !== undefined
        ? "通话时长 " + clock(call.talked_s) : "未接通";
      detail.textContent = "等待 " + Math.round(call.waited_s || 0) + " 秒 · 话后处理中";
    } else {
      detail.textContent = call.state === "answered" ? "等待 " + Math.round(call.waited_s || 0) + " 秒" : "";
    }
    const link = document.getElementById("call-link");
    link.hidden = !call;
    link.textContent = call ? "来电编号 " + call.call_id + (ticketNumber ? " · 工单 " + ticketNumber : "") : "";
  }

  function onCall(message) {
    const fresh = !call || call.call_ref !== message.call_ref;
    const state = message.ended_at ? "ended" : message.answered_at ? "answered" : "ringing";
    call = { ...message, state };
    if (fresh) {
      ticketNumber = null;
      document.querySelectorAll(".transfer-tag").forEach((tag) => tag.remove());
    }
    clearInterval(timer);
    timer = state === "ended" ? null : setInterval(tick, 500);
    tick();
    paint();
    if (fresh) listeners.forEach((listener) => listener(call));
  }

  function connect() {
    if (!window.EventSource) return;
    source = new EventSource("/api/v1/cti/stream");
    const status = document.getElementById("call-stream-state");
    source.addEventListener("ready", () => { status.textContent = "来电弹屏已连接"; status.classList.remove("stream-down"); });
    for (const kind of ["current", "call"]) {
      source.addEventListener(kind, (event) => onCall(JSON.parse(event.data)));
    }
    source.addEventListener("error", () => {
      // EventSource reconnects by itself and resumes from the last event; say so only if it stays down.
      status.textContent = source.readyState === EventSource.CLOSED ? "来电弹屏未连接（刷新页面重试）" : "来电弹屏重新连接中…";
      status.classList.add("stream-down");
    });
  }

  // ---- transfers ----

  function openTransfer() {
    const dialog = document.getElementById("transfer-dialog");
    const form = document.getElementById("transfer-form");
    form.reset();
    document.getElementById("transfer-name-label").hidden = true;
    document.getElementById("transfer-ticket").textContent = ticketNumber
      ? "将记入工单 " + ticketNumber + " 的办理过程。" : "尚未登记工单：转接只记入本次来电的话单。";
    dialog.showModal();
  }

  async function saveTransfer(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const v = Hotline.formJson(form);
    const body = { target: v.target, reason: v.reason, number_given: v.number_given || null,
      target_name: v.target === "other" ? v.target_name || null : null,
      call_id: call ? call.call_id : null, ticket_number: ticketNumber };
    await Hotline.busy(form, async () => {
      const saved = await api("POST", "/api/v1/cti/transfers", body);
      document.getElementById("transfer-dialog").close();
      const where = saved.target === "other" ? saved.target_name : TARGET_NAMES[saved.target];
      toast("已记录转接：" + where + "（告知号码 " + saved.number_given + "）", "success");
      const tag = el("span", { class: "tag tag-warning transfer-tag" }, "已转 " + where);
      document.getElementById("call-detail").after(tag);
      if (ticketNumber) listeners.forEach((listener) => listener(call, { transferred: ticketNumber }));
    });
  }

  function wireTransfer() {
    const form = document.getElementById("transfer-form");
    document.getElementById("transfer-open").addEventListener("click", openTransfer);
    document.getElementById("transfer-cancel").addEventListener("click", () => document.getElementById("transfer-dialog").close());
    form.addEventListener("change", (event) => {
      if (event.target.name !== "target") return;
      const other = event.target.value === "other";
      document.getElementById("transfer-name-label").hidden = !other;
      form.elements.target_name.required = other;
      form.elements.number_given.value = TARGET_NUMBERS[event.target.value] || "";
    });
    form.addEventListener("submit", saveTransfer);
  }

  document.addEventListener("DOMContentLoaded", () => {
    wireTransfer();
    connect();
  });

  return {
    current: () => call,
    callId: () => (call ? call.call_id : null),
    onNewCall: (listener) => listeners.push(listener),
    ticketFiled: (number) => { if (call) { ticketNumber = ticketNumber || number; paint(); } },
    ticketNumber: () => ticketNumber,
  };
})();
