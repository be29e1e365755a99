// 系统管理 admin workspace: staff accounts (filter, add, move, disable/enable, reset a password shown once, unlock),
// Open311 keys (create shown once, disable), and the audit of these changes; the calendar is calendar-admin.js.
"use strict";

(() => {
  const { api, el, label, formatTime, toast, formJson, busy, departments } = Hotline;
  const { reasonWith, formFailure, showOnce } = AdminForms;
  const USERS = "/api/v1/admin/users";
  const KEYS = "/api/v1/admin/open311-keys";
  const CHANGES = "/api/v1/admin/changes";
  const FIELDS = {
    username: "用户名", display_name: "姓名", role: "角色", department: "所属单位", password: "密码", reason: "理由",
    name: "系统名称", note: "说明",
  };
  // The account and key rules' reasons (the shared list knows the common ones).
  const REASONS = [
    [/^String should match pattern/, () => "只能包含字母、数字及 _ . @ -"],
    [/^required for the department role and only for it$/, () => "承办单位角色须选所属单位，其他角色不选"],
    [/^nothing to change/, () => "与现在相同，请选择新的角色或单位"],
    [/^must have at least (\d+) characters$/, (n) => "至少 " + n + " 个字符"],
    [/^unknown department code '?([^']*)'?$/, (v) => "没有这个单位：" + v],
  ];
  const ACTIONS = {
    user: { create: "新增账号", disable: "停用", enable: "启用", set: "调整角色/单位", password_reset: "重置密码", unlock: "解锁" },
    calendar: { set: "设定日期", remove: "取消设定", shift: "顺延在办工单时限" },
    open311_key: { create: "创建密钥", disable: "停用密钥" },
  };
  const AREAS = { user: "账号", calendar: "工作日历", open311_key: "接口密钥" };
  const DAY_KIND = { workday: "工作日", holiday: "休息日" };

  let deptNames = null;  // code -> name
  let users = [];

  const reasonOf = reasonWith(REASONS);

  function failure(error) {
    return formFailure(error, { fields: FIELDS, reasonOf, notFound: "没有这个账号或密钥（可能已被他人修改），列表已刷新。" });
  }

  function invalid(field, reason) {
    return "填写有误：" + FIELDS[field] + "（" + reason + "）";
  }

  function departmentText(code) {
    return code ? (deptNames.get(code) || code) + "（" + code + "）" : "";
  }

  // The picker offers "name（code）"; a typed exact name or code is taken too.
  function departmentCode(text) {
    text = (text || "").trim();
    if (!text) return null;
    const inParens = /（([^（）]+)）$/.exec(text);
    if (inParens && deptNames.has(inParens[1])) return inParens[1];
    if (deptNames.has(text)) return text;
    for (const [code, name] of deptNames) if (name === text) return code;
    return undefined;
  }

  function statusCell(user) {
    return el("td", { class: "cell-nowrap" },
      user.active ? el("span", { class: "badge status-closed" }, "启用") : el("span", { class: "badge status-returned" }, "已停用"),
      user.locked ? [" ", el("span", { class: "badge badge-alert", dataset: { locked: "" } }, "已锁定")] : null);
  }

  function userRow(user) {
    const button = (action, text, cls) => el("button", { type: "button", class: "btn btn-small " + (cls || ""), dataset: { action } }, text);
    return el("tr", { dataset: { username: user.username, active: String(user.active) } },
      el("td", { class: "cell-nowrap" }, user.username), el("td", {}, user.display_name || "—"),
      el("td", { class: "cell-nowrap" }, label("role", user.role)),
      el("td", {}, user.department_code ? user.department_name || user.department_code : "—"),
      statusCell(user), el("td", { class: "cell-nowrap" }, formatTime(user.created_at)),
      el("td", { class: "cell-actions" },
        button("move", "调整角色/单位"),
        user.active ? button("disable", "停用", "btn-danger") : button("enable", "启用"),
        button("reset", "重置密码"),
        user.locked ? button("unlock", "解锁") : null));
  }

  function matches(user, q) {
    if (!q) return true;
    q = q.toLowerCase();
    return [user.username, user.display_name, user.department_name, user.department_code]
      .some((v) => v && v.toLowerCase().includes(q));
  }

  function renderUsers() {
    const q = document.querySelector("#user-filter [name=q]").value.trim();
    const shown = users.filter((u) => matches(u, q));
    document.querySelector("#users-table tbody").replaceChildren(...shown.map(userRow));
    document.getElementById("users-empty").hidden = shown.length > 0;
    document.getElementById("users-count").textContent = "共 " + shown.length + " 个账号";
  }

  async function loadUsers() {
    const { role, active } = formJson(document.getElementById("user-filter"));
    const query = new URLSearchParams();
    if (role) query.set("role", role);
    if (active) query.set("active", active);
    users = await api("GET", USERS + (query.toString() ? "?" + query : ""));
    renderUsers();
  }

  const PROMPTS = {
    disable: ["停用后该账号立即退出登录、不能再登录；其经办的工单不受影响。", "停用理由（必填），如：离职", "确认停用"],
    enable: ["启用后该账号可以重新登录。", "启用理由（必填），如：返岗", "确认启用"],
    reset: ["系统生成新密码（只显示一次），该账号立即退出登录，登录失败锁定一并解除。", "重置理由（必填），如：本人遗忘密码", "确认重置"],
    unlock: ["解除因多次登录失败造成的锁定。", "解锁理由（必填），如：本人来电确认", "确认解锁"],
    move: ["调整后该账号立即退出登录，重新登录后只看到新角色、新单位的内容。", "调整理由（必填），如：调岗", "确认调整"],
  };

  // The form under an account's row for one action: what it does, the fields it needs, its required reason.
  function actionRow(user, action) {
    const [explain, placeholder, confirm] = PROMPTS[action];
    const fields = action === "move" ? [
      el("label", {}, "角色", el("select", { name: "role" },
        ...["agent", "department", "supervisor", "admin"].map((r) => el("option", { value: r, selected: r === user.role }, label("role", r))))),
      el("label", {}, "所属单位", el("input", {
        name: "department", list: "department-options", placeholder: "输入单位名称检索", autocomplete: "off",
        value: departmentText(user.department_code),
      })),
    ] : [];
    return el("tr", { class: "user-action", dataset: { actionFor: user.username, action } },
      el("td", { colspan: "7" },
        el("p", { class: "hint" }, user.username + "：" + explain),
        el("div", { class: "row-inline" }, ...fields,
          el("input", { name: "reason", maxlength: "500", placeholder, "aria-label": "理由" }),
          el("button", { type: "button", class: "btn btn-primary", dataset: { confirm: action } }, confirm),
          el("button", { type: "button", class: "btn", dataset: { cancel: "" } }, "取消"))));
  }

  async function runAction(row) {
    const { actionFor: username, action } = row.dataset;
    const reason = row.querySelector("input[name=reason]").value.trim();
    if (!reason) {
      toast(invalid("reason", "必填：记入操作记录"), "error");
      return;
    }
    const path = USERS + "/" + encodeURIComponent(username);
    await busy(row, async () => {
      try {
        if (action === "move") {
          const role = row.querySelector("select[name=role]").value;
          const body = { role, reason };
          if (role === "department") {
            const code = departmentCode(row.querySelector("input[name=department]").value);
            if (!code) {
              toast(invalid("department", code === null ? "承办单位角色须选所属单位" : "没有这个单位，请从列表中选择"), "error");
              return;
            }
            body.department = code;
          }
          const moved = await api("PATCH", path, body);
          toast(username + " 已调整为" + label("role", moved.role) + (moved.department_name ? "（" + moved.department_name + "）" : "") + "，原登录已注销", "success");
        } else if (action === "reset") {
          const reset = await api("POST", path + "/password-reset", { reason });
          showOnce("password-shown", username + " 的新密码（只显示这一次）：", reset.temporary_password,
            "请当面或电话交给本人；原登录已注销，登录失败锁定已解除。");
          toast(username + " 的密码已重置", "success");
        } else {
          await api("POST", path + "/" + action, { reason });
          toast(username + ({ disable: " 已停用，其登录已立即注销", enable: " 已启用", unlock: " 已解锁" })[action], "success");
        }
      } catch (error) {
        toast(failure(error), "error");
        if (error.status === 422) return;  // the form stays open to be corrected
      }
      await Promise.all([loadUsers(), loadChanges()]);
    });
  }

  async function onUsersClick(event) {
    const button = event.target.closest("button");
    if (!button) return;
    const row = button.closest("tr");
    if (button.dataset.action) {
      const username = row.dataset.username;
      const open = document.querySelector("#users-table tr.user-action");
      if (open) open.remove();
      if (open && open.dataset.actionFor === username && open.dataset.action === button.dataset.action) return;
      const form = actionRow(users.find((u) => u.username === username), button.dataset.action);
      row.after(form);
      form.querySelector("input[name=reason]").focus();
    } else if (button.dataset.cancel !== undefined) {
      row.remove();
    } else if (button.dataset.confirm) {
      await runAction(row);
    }
  }

  async function onAdd(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = formJson(form);
    const body = { username: values.username, role: values.role, reason: values.reason };
    if (values.display_name) body.display_name = values.display_name;
    if (!values.username) return toast(invalid("username", "必填"), "error");
    if (values.role === "department") {
      const code = departmentCode(values.department);
      if (!code) return toast(invalid("department", code === null ? "承办单位角色须选所属单位" : "没有这个单位，请从列表中选择"), "error");
      body.department = code;
    }
    if (!values.reason) return toast(invalid("reason", "必填：记入操作记录"), "error");
    await busy(form, async () => {
      let created;
      try {
        created = await api("POST", USERS, body);
      } catch (error) {
        toast(failure(error), "error");
        return;
      }
      showOnce("password-shown", created.user.username + " 已创建，初始密码（只显示这一次）：", created.initial_password,
        "请当面交给本人，并提醒其首次登录后修改。");
      toast(created.user.username + " 已创建", "success");
      form.reset();
      syncDepartmentField();
      await Promise.all([loadUsers(), loadChanges()]);
    });
  }

  function syncDepartmentField() {
    const form = document.getElementById("user-add-form");
    form.querySelector(".department-field").hidden = form.elements.role.value !== "department";
  }

  function keyRow(key) {
    return el("tr", { dataset: { keyId: key.id, name: key.name } },
      el("td", { class: "cell-nowrap" }, key.name), el("td", { class: "cell-text" }, key.note || "—"),
      el("td", { class: "cell-nowrap" }, el("code", {}, key.key_prefix + "…")),
      el("td", { class: "cell-nowrap" }, formatTime(key.created_at) + " " + (key.created_by || "命令行")),
      el("td", {}, key.requests),
      el("td", { class: "cell-nowrap" }, key.disabled_at
        ? el("span", { class: "badge status-returned", title: key.disabled_reason }, "已停用（" + key.disabled_reason + "）")
        : el("span", { class: "badge status-closed" }, "有效")),
      el("td", { class: "cell-actions" }, key.disabled_at ? null : [
        el("input", { class: "input-small", name: "reason", maxlength: "500", placeholder: "停用理由（必填）", "aria-label": "停用理由" }),
        el("button", { type: "button", class: "btn btn-danger", dataset: { disableKey: key.id } }, "停用")]));
  }

  async function loadKeys() {
    const keys = await api("GET", KEYS);
    document.querySelector("#keys-table tbody").replaceChildren(...keys.map(keyRow));
    document.getElementById("keys-empty").hidden = keys.length > 0;
  }

  async function onKeysClick(event) {
    const button = event.target.closest("button[data-disable-key]");
    if (!button) return;
    const row = button.closest("tr");
    const reason = row.querySelector("input[name=reason]").value.trim();
    if (!reason) return toast(invalid("reason", "必填：记入操作记录"), "error");
    await busy(row, async () => {
      try {
        await api("POST", KEYS + "/" + button.dataset.disableKey + "/disable", { reason });
        toast(row.dataset.name + " 的密钥已停用，之后的报送将被拒绝", "success");
      } catch (error) {
        toast(failure(error), "error");
      }
      await Promise.all([loadKeys(), loadChanges()]);
    });
  }

  async function onKeyCreate(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const { name, note } = formJson(form);
    if (!name) return toast(invalid("name", "必填"), "error");
    await busy(form, async () => {
      let created;
      try {
        created = await api("POST", KEYS, note ? { name, note } : { name });
      } catch (error) {
        toast(failure(error), "error");
        return;
      }
      showOnce("key-shown", created.name + " 的密钥（只显示这一次，系统只保存其摘要）：", created.key,
        "请通过安全渠道交给对方系统的负责人。");
      form.reset();
      await Promise.all([loadKeys(), loadChanges()]);
    });
  }

  // What a change did, from its before and after: role, department, name, active; a calendar day's setting.
  function changeText(change) {
    const { before, after, area } = change;
    if (area === "calendar") {
      const day = (s) => (s && s.kind ? DAY_KIND[s.kind] + (s.reason ? "（" + s.reason + "）" : "") : "—");
      return change.action === "shift" ? "" : day(before) + " → " + day(after);
    }
    if (area !== "user") return "";
    const parts = [];
    const shown = {
      role: (v) => label("role", v), department_code: (v) => (v ? deptNames.get(v) || v : "—"),
      display_name: (v) => v || "—", active: (v) => (v ? "启用" : "停用"),
    };
    const names = { role: "角色", department_code: "单位", display_name: "姓名", active: "状态" };
    for (const key of Object.keys(names)) {
      if (!(key in after)) continue;
      if (change.action === "create") {
        if (after[key] !== null && key !== "active") parts.push(names[key] + "：" + shown[key](after[key]));
      } else if (before[key] !== after[key]) {
        parts.push(names[key] + "：" + shown[key](before[key]) + " → " + shown[key](after[key]));
      }
    }
    return parts.join("；");
  }

  function changeRow(change) {
    return el("tr", { dataset: { area: change.area, action: change.action, subject: change.subject } },
      el("td", { class: "cell-nowrap" }, formatTime(change.changed_at)), el("td", { class: "cell-nowrap" }, AREAS[change.area]),
      el("td", { class: "cell-nowrap" }, change.subject),
      el("td", { class: "cell-nowrap" }, (ACTIONS[change.area] || {})[change.action] || change.action),
      el("td", { class: "cell-change" }, changeText(change) || "—"), el("td", {}, change.reason || "—"),
      el("td", { class: "cell-nowrap" }, change.actor));
  }

  async function loadChanges() {
    const { area } = formJson(document.getElementById("changes-filter"));
    const changes = await api("GET", CHANGES + (area ? "?area=" + area : ""));
    document.querySelector("#changes-table tbody").replaceChildren(...changes.map(changeRow));
    document.getElementById("changes-empty").hidden = changes.length > 0;
  }

  function fail(error) {
    toast(failure(error), "error");
  }

  document.addEventListener("DOMContentLoaded", async () => {
    const filter = document.getElementById("user-filter");
    filter.addEventListener("submit", (event) => event.preventDefault());
    filter.elements.role.addEventListener("change", () => loadUsers().catch(fail));
    filter.elements.active.addEventListener("change", () => loadUsers().catch(fail));
    filter.elements.q.addEventListener("input", renderUsers);
    document.querySelector("#users-table tbody").addEventListener("click", onUsersClick);
    const addForm = document.getElementById("user-add-form");
    addForm.addEventListener("submit", onAdd);
    addForm.elements.role.addEventListener("change", syncDepartmentField);
    syncDepartmentField();
    document.getElementById("key-form").addEventListener("submit", onKeyCreate);
    document.querySelector("#keys-table tbody").addEventListener("click", onKeysClick);
    const changesFilter = document.getElementById("changes-filter");
    changesFilter.addEventListener("change", () => loadChanges().catch(fail));
    changesFilter.addEventListener("submit", (event) => event.preventDefault());
    // A calendar change made in the panel below shows in the audit too (the panel reads its days again after one).
    document.addEventListener("hotline:calendar-loaded", () => { if (deptNames) loadChanges().catch(fail); });
    try {
      const depts = await departments();
      deptNames = new Map(depts.rows.map((d) => [d.code, d.name]));
      document.getElementById("department-options").replaceChildren(
        ...depts.rows.map((d) => el("option", { value: d.name + "（" + d.code + "）" })));
      await Promise.all([loadUsers(), loadKeys(), loadChanges()]);
    } catch (error) {
      fail(error);
    }
  });
})();
