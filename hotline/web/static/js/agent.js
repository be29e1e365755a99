// 座席 agent console: register a call, confirm its classification, answer it at once or dispatch it; search tickets.
// Knowledge, caller history and suggestions are in agent-assist.js.
"use strict";

(() => {
  const { LABELS, api, el, label, formatTime, toast, departments, formJson, busy, newExternalId } = Hotline;
  const LEVEL_GROUPS = { city: "市级部门", district: "区县（兜底）", street: "街道（乡镇）" };
  let categoriesPromise = null;

  function categories() {
    categoriesPromise = categoriesPromise || api("GET", "/open311/v2/services.json");
    return categoriesPromise;
  }

  function options(select, entries, current, placeholder) {
    const items = placeholder !== undefined ? [el("option", { value: "" }, placeholder)] : [];
    for (const [value, text] of entries) items.push(el("option", { value, selected: value === current }, text));
    select.replaceChildren(...items);
  }

  async function fillClassifyForm(form, ticket) {
    const services = await categories();
    const groups = new Map();
    for (const service of services) {
      if (!groups.has(service.group)) groups.set(service.group, []);
      groups.get(service.group).push(service);
    }
    const select = form.elements.category;
    select.replaceChildren(el("option", { value: "" }, "暂不选择"),
      ...[...groups].map(([group, items]) => el("optgroup", { label: group },
        items.map((s) => el("option", { value: s.description, selected: s.description === ticket.category },
          s.description === s.group ? s.service_name + "（大类）" : s.service_name)))));
  }

  async function fillDispatchForm(form) {
    const depts = await departments();
    const byLevel = new Map();
    for (const d of depts.rows) {
      const group = LEVEL_GROUPS[d.level] || "其他单位";
      if (!byLevel.has(group)) byLevel.set(group, []);
      byLevel.get(group).push(d);
    }
    form.elements.department.replaceChildren(el("option", { value: "" }, "请选择主办单位"),
      ...[...byLevel].map(([group, items]) => el("optgroup", { label: group },
        items.map((d) => el("option", { value: d.code }, d.name)))));
  }

  async function showTicket(number) {
    const ticket = await TicketView.load(number);
    const actions = document.getElementById("detail-actions");
    const fragment = document.getElementById("agent-actions").content.cloneNode(true);
    const classify = fragment.getElementById("classify-form");
    const answer = fragment.getElementById("answer-form");
    const dispatch = fragment.getElementById("dispatch-form");
    const copy = fragment.getElementById("copy-form");
    const open = ticket.allowed_actions.includes("dispatch") || ticket.allowed_actions.includes("answer");
    if (!open) classify.remove();
    if (!ticket.allowed_actions.includes("answer")) answer.remove();
    if (!ticket.allowed_actions.includes("dispatch")) dispatch.remove();
    if (!ticket.protected) copy.remove();
    actions.replaceChildren(fragment);
    if (copy.isConnected) await showDepartmentCopy(copy, ticket);
    if (open) {
      options(classify.elements.type, Object.entries(LABELS.type), ticket.type, ticket.type ? undefined : "请选择");
      options(classify.elements.urgency, Object.entries(LABELS.urgency), ticket.urgency);
      await fillClassifyForm(classify, ticket);
      classify.addEventListener("submit", (event) => act(event, ticket, "classification", (v) => ({
        type: v.type, urgency: v.urgency, category: v.category || null,
      }), "分类已确认"));
    }
    if (answer.isConnected) {
      answer.addEventListener("submit", (event) => act(event, ticket, "answer", (v) => ({ content: v.content }), "已直接答复"));
    }
    if (dispatch.isConnected) {
      await fillDispatchForm(dispatch);
      dispatch.addEventListener("submit", (event) => act(event, ticket, "dispatch", (v) => ({
        department: v.department, note: v.note || null,
      }), "已派单"));
    }
    // After the forms exist, so accepting a suggestion has somewhere to land.
    await AgentAssist.showSuggestions(ticket.ticket_number);
    return ticket;
  }

  // 部门将看到的内容: a 举报's text as the department will read it, for the agent to check and correct.
  async function showDepartmentCopy(form, ticket) {
    const path = "/api/v1/tickets/" + encodeURIComponent(ticket.ticket_number) + "/department-copy";
    const fill = (copy) => {
      form.elements.title.value = copy.title || "";
      form.elements.content.value = copy.content || "";
      form.elements.address.value = copy.address || "";
      document.getElementById("copy-edited").textContent = copy.edited_by
        ? "已由 " + copy.edited_by + " 于 " + formatTime(copy.edited_at) + " 修改" : "自动隐去，尚未人工修改";
    };
    fill(await api("GET", path));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await busy(form, async () => {
        const v = formJson(form);
        await api("PUT", path, { title: v.title || null, content: v.content, address: v.address || null });
        toast("部门可见内容已保存：" + ticket.ticket_number, "success");
        await showTicket(ticket.ticket_number);  // the timeline shows the correction
      });
    });
  }

  async function act(event, ticket, path, body, done) {
    event.preventDefault();
    const form = event.currentTarget;
    await busy(form, async () => {
      await api("POST", "/api/v1/tickets/" + encodeURIComponent(ticket.ticket_number) + "/" + path, body(formJson(form)));
      toast(done + "：" + ticket.ticket_number, "success");
      await showTicket(ticket.ticket_number);
      await search();
    });
  }

  function submission(values, form) {
    const optional = (v) => v || null;
    return {
      channel: "phone",
      external_id: newExternalId(),
      citizen: {
        name: optional(values.name), phone: optional(values.phone),
        anonymous: form.elements.anonymous.checked, confidential: form.elements.confidential.checked,
      },
      title: optional(values.title), address: optional(values.address), content: values.content,
    };
  }

  async function onCall(event) {
    event.preventDefault();
    const form = event.currentTarget;
    await busy(form, async () => {
      const created = await api("POST", "/api/v1/submissions", submission(formJson(form), form));
      toast("已登记工单 " + created.ticket_number, "success");
      form.reset();
      await showTicket(created.ticket_number);
      await search();
      document.getElementById("call-content").focus();
    });
  }

  let searchReason = "";

  async function search(event) {
    if (event) {
      event.preventDefault();
      searchReason = "";
    }
    const q = document.getElementById("search-q").value.trim();
    const params = new URLSearchParams({ page_size: "20" });
    if (q) params.set("q", q);
    if (q && searchReason) params.set("reason", searchReason);
    try {
      const [page, depts] = await Promise.all([api("GET", "/api/v1/tickets?" + params), departments()]);
      document.getElementById("search-total").textContent = "共 " + page.total + " 张";
      // A search by a phone or ID number leaves confidential tickets out until the agent says why (logged).
      const withheld = document.getElementById("withheld-form");
      withheld.hidden = !page.withheld;
      document.getElementById("withheld-note").textContent = page.withheld
        ? "另有 " + page.withheld + " 张保密工单与该号码匹配，未显示。" : "";
      document.querySelector("#search-results tbody").replaceChildren(...page.items.map((t) => el("tr", {
        tabindex: "0", dataset: { number: t.ticket_number },
      },
        el("td", {}, el("a", { href: "#", class: "ticket-link" }, t.ticket_number)),
        el("td", {}, formatTime(t.received_at)), el("td", {}, label("channel", t.channel)),
        el("td", {}, label("type", t.type)), el("td", { class: "cell-text" }, t.title || t.excerpt),
        el("td", {}, depts.name(t.lead_department)),
        el("td", {}, el("span", { class: "badge status-" + t.status }, label("status", t.status))),
      )));
    } catch (error) {
      toast(error.message, "error");
    }
  }

  function onResultClick(event) {
    if (event.target.closest("button")) return;
    const row = event.target.closest("[data-number]");
    if (!row || (event.type === "keydown" && event.key !== "Enter")) return;
    event.preventDefault();
    showTicket(row.dataset.number).catch((error) => toast(error.message, "error"));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const callForm = document.getElementById("call-form");
    callForm.addEventListener("submit", onCall);
    AgentAssist.watchCallForm(callForm);
    document.getElementById("search-form").addEventListener("submit", search);
    document.getElementById("withheld-form").addEventListener("submit", (event) => {
      event.preventDefault();
      searchReason = document.getElementById("withheld-reason").value.trim();
      document.getElementById("withheld-reason").value = "";
      search();
    });
    // Search results, the caller's history and possible repeats all open the ticket they name.
    for (const list of [document.querySelector("#search-results tbody"), document.getElementById("history-panel"),
      document.getElementById("suggestions-panel")]) {
      list.addEventListener("click", onResultClick);
      list.addEventListener("keydown", onResultClick);
    }
    search();
    // Other workspaces link here as /agent?ticket=N (the supervisor's lists): open that ticket at once.
    const linked = new URLSearchParams(location.search).get("ticket");
    if (linked) showTicket(linked).catch((error) => toast(error.message, "error"));
  });
})();
