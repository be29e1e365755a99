// 系统管理 → 电话系统接入: the PBX tokens the CTI event API takes (made and shown once, disabled with a reason) and
// which staff account each agent extension is (a PBX that names agents by extension). The API is hotline/api/cti.py.
"use strict";

(() => {
  const { api, el, formatTime, toast, formJson, busy } = Hotline;
  const { reasonWith, formFailure, showOnce } = AdminForms;
  const TOKENS = "/api/v1/admin/cti-tokens";
  const EXTENSIONS = "/api/v1/admin/cti-extensions";
  const FIELDS = { name: "交换机名称", note: "说明", reason: "理由", extension: "分机号", username: "座席账号" };

  function invalid(field, reason) {
    return "填写有误：" + FIELDS[field] + "（" + reason + "）";
  }

  // The extension rules' reasons (the shared list knows the common ones).
  const REASONS = [
    [/pattern/, () => "只能是 1–20 位数字、字母或 * # _ -"],
    [/^no staff account '?([^']*)'?$/, (u) => "没有账号 " + u],
    [/^only agents, supervisors and admins take calls$/, () => "只有座席、督办和管理员账号接听来电"],
  ];

  function failure(error) {
    return formFailure(error, { fields: FIELDS, reasonOf: reasonWith(REASONS),
                                notFound: "没有这个令牌、分机或账号（可能已被他人修改），列表已刷新。" });
  }

  function tokenRow(token) {
    return el("tr", { dataset: { tokenId: token.id, name: token.name } },
      el("td", { class: "cell-nowrap" }, token.name), el("td", { class: "cell-text" }, token.note || "—"),
      el("td", { class: "cell-nowrap" }, el("code", {}, token.token_prefix + "…")),
      el("td", { class: "cell-nowrap" }, formatTime(token.created_at) + " " + (token.created_by || "命令行")),
      el("td", { class: "cell-nowrap" }, token.last_used_at ? formatTime(token.last_used_at) : "尚未使用"),
      el("td", { class: "cell-nowrap" }, token.disabled_at
        ? el("span", { class: "badge status-returned", title: token.disabled_reason }, "已停用（" + token.disabled_reason + "）")
        : el("span", { class: "badge status-closed" }, "有效")),
      el("td", { class: "cell-actions" }, token.disabled_at ? null : [
        el("input", { class: "input-small", name: "reason", maxlength: "500", placeholder: "停用理由（必填）", "aria-label": "停用理由" }),
        el("button", { type: "button", class: "btn btn-danger", dataset: { disableToken: token.id } }, "停用")]));
  }

  function extensionRow(row) {
    return el("tr", { dataset: { extension: row.extension } },
      el("td", { class: "cell-nowrap" }, el("code", {}, row.extension)), el("td", {}, row.username),
      el("td", { class: "cell-nowrap" }, formatTime(row.updated_at)),
      el("td", { class: "cell-actions" },
        el("button", { type: "button", class: "btn btn-small", dataset: { removeExtension: row.extension } }, "解除")));
  }

  async function load() {
    const [tokens, extensions] = await Promise.all([api("GET", TOKENS), api("GET", EXTENSIONS)]);
    document.querySelector("#pbx-table tbody").replaceChildren(...tokens.map(tokenRow));
    document.getElementById("pbx-empty").hidden = tokens.length > 0;
    document.querySelector("#extensions-table tbody").replaceChildren(...extensions.map(extensionRow));
    document.getElementById("extensions-empty").hidden = extensions.length > 0;
  }

  async function attempt(box, work) {
    await busy(box, async () => {
      try {
        await work();
      } catch (error) {
        toast(failure(error), "error");
      }
      await load();
    });
  }

  async function onCreate(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const { name, note } = formJson(form);
    if (!name) return toast(invalid("name", "必填"), "error");
    await attempt(form, async () => {
      const created = await api("POST", TOKENS, note ? { name, note } : { name });
      showOnce("pbx-shown", created.name + " 的接入令牌（只显示这一次，系统只保存其摘要）：", created.token,
        "请配置到交换机的事件推送中（Authorization: Bearer 令牌，POST /api/v1/cti/events）。", "已配置，关闭");
      form.reset();
    });
  }

  async function onTokensClick(event) {
    const button = event.target.closest("button[data-disable-token]");
    if (!button) return;
    const row = button.closest("tr");
    const reason = row.querySelector("input[name=reason]").value.trim();
    if (!reason) return toast(invalid("reason", "必填：记入令牌记录"), "error");
    await attempt(row, async () => {
      await api("POST", TOKENS + "/" + button.dataset.disableToken + "/disable", { reason });
      toast(row.dataset.name + " 的令牌已停用，它推送的来电事件将被拒绝", "success");
    });
  }

  async function onExtensionSet(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const { extension, username } = formJson(form);
    if (!extension) return toast(invalid("extension", "必填"), "error");
    if (!username) return toast(invalid("username", "必填"), "error");
    await attempt(form, async () => {
      await api("PUT", EXTENSIONS + "/" + encodeURIComponent(extension), { username });
      toast("分机 " + extension + " 已对应座席 " + username, "success");
      form.reset();
    });
  }

  async function onExtensionsClick(event) {
    const button = event.target.closest("button[data-remove-extension]");
    if (!button) return;
    const extension = button.dataset.removeExtension;
    await attempt(button.closest("tr"), async () => {
      await api("DELETE", EXTENSIONS + "/" + encodeURIComponent(extension));
      toast("已解除分机 " + extension, "success");
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!document.getElementById("pbx-panel")) return;
    document.getElementById("pbx-form").addEventListener("submit", onCreate);
    document.querySelector("#pbx-table tbody").addEventListener("click", onTokensClick);
    document.getElementById("extension-form").addEventListener("submit", onExtensionSet);
    document.querySelector("#extensions-table tbody").addEventListener("click", onExtensionsClick);
    load().catch((error) => toast(failure(error), "error"));
  });
})();
