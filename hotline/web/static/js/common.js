// Shared by every page: the API client (with the CSRF header), Chinese labels, time formatting, DOM helpers.
"use strict";

const Hotline = (() => {
  const LABELS = {
    type: { consult: "咨询", complaint: "投诉", report: "举报", suggestion: "建议", help: "求助", praise: "表扬" },
    urgency: { emergency: "特急", urgent: "紧急", normal: "一般" },
    channel: {
      phone: "电话", web: "网站", app: "移动端", wechat: "微信", letter: "来信", visit: "来访",
      110: "110转办", email: "电子邮件",
    },
    status: {
      received: "已受理", answered: "已直接答复", dispatched: "待签收", accepted: "办理中", returned: "已退单",
      replied: "已答复", callback_done: "已回访", reopened: "重办", closed: "已办结", merged: "已合并",
    },
    action: {
      receive: "受理", classify: "确认分类", answer: "直接答复", dispatch: "派单", sign: "签收", return: "退单",
      reply: "办结答复", callback: "回访", reopen: "重办", close: "办结", merge: "合并",
      extension_requested: "申请延期", extension_approved: "同意延期", extension_rejected: "驳回延期",
      sla_warning: "时限预警", sla_overdue: "超时", deadline_shifted: "时限顺延",
      // Every event type's name on every timeline: add a new event's name here (tests/unit/test_event_labels.py)
      redaction_corrected: "修改部门可见内容", repeat_contact: "重复来电",
      callback_attempt: "回访未接通", callback_link_issued: "发送回访短信", callback_sms_failed: "回访短信发送失败",
      callback_overdue: "回访超时",
      supervision_order: "下发督办单", supervision_answered: "督办反馈", supervision_closed: "督办办结",
      supervision_escalated: "督办升级", supervision_lapsed: "督办逾期",
      request_extension: "申请延期", answer_order: "反馈督办单", close_order: "办结督办单", escalate_order: "升级督办单",
      transfer: "转接其他热线", urge: "催办", supplement: "补充情况",
    },
    satisfaction: { satisfied: "满意", basically_satisfied: "基本满意", unsatisfied: "不满意" },
    not_callable: { anonymous: "匿名", no_number: "无联系电话", refused: "拒绝回访", unreachable_after_retries: "三次未接通" },
    order_cause: { sign_overdue: "签收超时", reply_overdue: "办结超时", unsatisfied: "回访不满意", manual: "人工督办" },
    order_status: { open: "待反馈", answered: "已反馈", closed: "已办结" },
    order_level: { 1: "一般督办", 2: "重点督办", 3: "挂牌督办" },
    sms_status: { queued: "待发送", sent: "已发送", failed: "发送失败" },
    sms_template: { ticket_received: "受理通知", ticket_replied: "答复通知", callback_link: "回访评价链接" },
    role: { agent: "座席", department: "承办单位", supervisor: "督办", admin: "管理员", public: "市民", system: "系统" },
    extension: { pending: "待审批", approved: "已同意", rejected: "已驳回" },
  };
  const FIELD_LABELS = {
    content: "内容", title: "标题", address: "地址", "citizen.phone": "电话", "citizen.name": "姓名",
    "citizen.id_number": "身份证号", type: "类型", category: "业务分类", urgency: "紧急程度",
    department: "主办单位", reason: "理由", working_days: "延期工作日", note: "说明",
    channel: "渠道", received_at: "受理时间", co_departments: "协办单位", satisfaction: "满意度",
    resolved: "是否解决", into: "合并到", question: "问题", ticket_number: "工单编号", retry_at: "再拨时间",
    answer: "反馈内容", reached: "接通情况", comment: "市民意见",
    username: "用户名", password: "密码", role: "角色", display_name: "姓名", name: "名称", date: "日期",
    kind: "类型", year: "年份", from: "开始日期", to: "结束日期", file: "文件", phone_last4: "手机号后四位",
    due_at: "反馈时限", level: "督办级别", group_by: "分组方式", status: "状态", q: "查询内容",
    call_id: "来电编号", target: "转往", target_name: "其他热线名称", number_given: "告知号码",
    "details.fields.phones": "提及电话", "details.fields.time": "事发时间", "details.fields.place": "事发地点",
    "details.fields.object": "涉及对象", "details.fields.appeal": "诉求", "details.category": "业务分类",
    category_path: "业务分类", body: "内容", questions: "问题",
  };
  const ERROR_TEXT = {
    unauthorized: "登录已失效，请重新登录。",
    forbidden: "无权执行此操作。",
    csrf_failed: "页面已过期，请刷新后重试。",
    not_found: "未找到该工单。",
    database_unavailable: "系统繁忙，请稍后重试。",
    payload_too_large: "内容过长。",
    internal_error: "系统错误，请稍后重试。",
    too_many_requests: "操作过于频繁，请稍后再试。",
  };
  // The API's reasons are English (its validators are shared with files and the command line); the common ones
  // are said in Chinese here, with the value that was refused. Any other reason is shown as the API gives it.
  const REASONS = [
    [/^must be non-empty text(?: or null)?, got (.*)$/, (v) => "不能为空（现为 " + v + "）"],
    [/^must be a list of non-empty text/, () => "每行一项，不能为空"],
    [/^needs at least (\d+) item/, (n) => "至少填写 " + n + " 项"],
    [/^unknown department code (.*)$/, (v) => "没有这个部门编码：" + v],
    [/^(?:.* )?must be (?:是 or 否|true or false), got (.*)$/, (v) => "只能填“是”或“否”（现为 " + v + "）"],
    [/^(?:.* )?must be a whole number.*, got (.*)$/, (v) => "应为整数（现为 " + v + "）"],
    [/^must be a date written as YYYY-MM-DD, got (.*)$/, (v) => "日期应写作 YYYY-MM-DD（现为 " + v + "）"],
    [/^appears again \(first at row (\d+)\)$/, (n) => "编码重复（第 " + n + " 行已有）"],
    [/^unknown column$/, () => "无法识别的列名"],
    [/^missing column (.*)$/, (h) => "缺少列：" + h],
    [/^this row was exported at version (\d+) but the stored version is (\d+)/,
      (a, b) => "这一行导出时为第 " + a + " 版，现已是第 " + b + " 版（期间有人修改）；请重新导出后再改"],
    // the forms' own fields (pydantic's wording, and the intake's checks of phone and ID numbers)
    [/^Field required$/, () => "必填"],
    [/^must not be empty$|^String should have at least 1 character/, () => "不能为空"],
    [/^String should have at least (\d+) characters?/, (n) => "至少 " + n + " 个字"],
    [/^String should have at most (\d+) characters?/, (n) => "最多 " + n + " 个字"],
    [/^Input should be greater than or equal to (\S+)$/, (n) => "不能小于 " + n],
    [/^Input should be greater than (\S+)$/, (n) => "应大于 " + n],
    [/^Input should be less than or equal to (\S+)$/, (n) => "不能大于 " + n],
    [/^Input should be a valid integer/, () => "应为整数"],
    [/^Input should be a valid datetime/, () => "时间格式不对"],
    [/^Input should be (?:'[^']*'(?:, | or )?)+$/, () => "不在可选范围内"],
    [/^must not contain NUL bytes$/, () => "含有不可见的控制字符"],
    [/^must not be in the future$/, () => "不能晚于当前时间"],
    [/^must not be before (\d{4}-\d\d-\d\d)$/, (d) => "不能早于 " + d],
    [/^must not be after (\d{4}-\d\d-\d\d)$/, (d) => "不能晚于 " + d],
    [/^mobile number must have 11 digits$/, () => "手机号应为 11 位"],
    [/^mobile number must start with 13-19$/, () => "手机号应以 13–19 开头"],
    [/^landline numbers under area code (\d+) have 8 digits$/, (a) => "区号 " + a + " 的固定电话应为 8 位"],
    [/^landline number needs its area code/, () => "固定电话请加区号，如 0577-88888888"],
    [/^only mainland China numbers/, () => "只受理中国大陆号码（+86）"],
    [/^phone number may contain only/, () => "电话号码只能包含数字、空格、横线、括号和开头的 +"],
    [/^(?:phone number is empty|not a mainland mobile or landline number)$/, () => "不是有效的手机号或固定电话"],
    [/^must be 18 characters$/, () => "身份证号应为 18 位"],
    [/^must be 17 digits followed by a digit or X$/, () => "身份证号应为 17 位数字加 1 位数字或 X"],
    [/^region code invalid$/, () => "身份证号的地区码不对"],
    [/^birth date invalid$/, () => "身份证号中的出生日期不对"],
    [/^check digit does not match$/, () => "身份证号校验位不对，请核对"],
    [/^confirm the ticket's type before dispatch/, () => "派单前请先确认诉求类型（它决定办理时限）"],
    [/^the lead department cannot also be a co-department$/, () => "主办单位不能同时是协办单位"],
    [/^unknown category (.*)$/, (v) => "没有这个业务分类：" + v],
    [/^required when reached is true$/, () => "接通时必填"],
    [/^contains the reporter's name$/, () => "仍含举报人姓名"],
    [/^contains a phone number$/, () => "仍含电话号码"],
    [/^contains an ID number$/, () => "仍含身份证号"],
    [/^contains a bank card number$/, () => "仍含银行卡号"],
    [/^contains an e-mail address$/, () => "仍含电子邮箱"],
    [/^contains a WeChat id$/, () => "仍含微信号"],
    [/^contains a QQ number$/, () => "仍含QQ号"],
    [/^contains a licence plate$/, () => "仍含车牌号"],
    [/^contains a long number$/, () => "仍含较长的号码"],
    [/^only a protected ticket/, () => "只有举报或保密工单有部门可见内容"],
    // the agent console's own checks
    [/^(?:Value error, )?not a mobile or landline number: (.*)$/, (v) => "不是有效的手机号或固定电话：" + v],
    [/^no call with this id was taken by you/, () => "不是您接听的来电（或已超过12小时）"],
    [/^ticket (\S+) is (\S+); only an open ticket takes a contact/, (n, s) => "工单 " + n + " 当前为“" + label("status", s) + "”，不能再加入来电；请登记新工单"],
    [/^say what the caller added$/, () => "请填写来电人补充的情况"],
    [/^name the hotline the caller was sent to$/, () => "请填写转往的热线名称"],
    [/^only for target other$/, () => "只有“其他热线”需要填写名称"],
    [/^this category has no question template$/, () => "该分类没有问询模板"],
    [/^name the category whose questions were answered$/, () => "请先选择业务分类"],
    [/^this call was put through by 110/, () => "本次来电由110转入，来电渠道请选“110转办”"],
    // the callback desk, 督办单 and extensions
    [/^required when rejecting$/, () => "驳回时必须填写理由"],
    [/^must be later than now$/, () => "应晚于当前时间"],
    [/^must be within 7 days$/, () => "应在 7 天之内"],
    [/^must carry a time zone$/, () => "时间格式不对"],
    [/^only a mobile number can receive an SMS$/, () => "固定电话收不到短信，请电话回访"],
    [/^the ticket has no phone number$/, () => "该工单没有联系电话"],
    // refusals (409) the pages can meet, said as the person would
    [/^an extension request for this ticket is already waiting for approval$/,
      () => "该工单已有一份延期申请待审批，审批前不能再次申请。"],
    [/^ticket (\S+) has no callback due$/, (n) => "工单 " + n + " 当前没有待回访任务（可能已由他人完成回访）。"],
    [/^supervision order \d+ is \w+; only an open order is answered$/, () => "该督办单已反馈，无需重复反馈。"],
    [/^supervision order \d+ is already closed$/, () => "该督办单已办结。"],
    [/^supervision order \d+ is already at the highest level$/, () => "已是最高级别（挂牌督办），不能再升级。"],
    [/^an extension can be asked for only on a signed ticket not yet replied$/, () => "只有已签收、尚未答复的工单可以申请延期。"],
    [/^extension request \d+ was already (\w+)$/, (s) => "该延期申请已" + label("extension", s) + "（可能已由他人审批）。"],
    [/^ticket (\S+) has no answered callback awaiting review$/, (n) => "工单 " + n + " 没有待复核的回访（可能已由他人处理）。"],
    [/^ticket (\S+) has no lead department to supervise$/, (n) => "工单 " + n + " 尚未派给主办单位，不能督办。"],
    [/^this callback has already been answered/, () => "您已评价过，感谢您的反馈。"],
    [/^an active duty rule already covers this category or matter/, () => "已有有效的值班规则覆盖该分类或事项，请修改或停用原规则。"],
    [/^\w+ rule \d+ is already disabled$/, () => "该规则已停用。"],
    [/^\w+ rule \d+ is disabled; create a new rule instead$/, () => "该规则已停用，请新建一条规则。"],
    [/^a ticket cannot be merged into itself$/, () => "不能合并到工单自身"],
    [/^ticket (\S+) is (\w+); merge into an open ticket$/, (n, st) => "工单 " + n + " 当前为“" + label("status", st) + "”，只能合并到在办工单"],
    [/^\S+ is before from \(\S+\)$/, () => "结束日期不能早于开始日期"],
    [/^a period is at most (\d+) days$/, (n) => "统计周期最长 " + n + " 天"],
    [/^a department sees only its own tickets$/, () => "承办单位只能查看本单位的工单。"],
    [/^only the responsible department may do this$/, () => "只有承办该工单的单位可以执行此操作。"],
    [/^ticket (\S+) is not held by your department as lead$/, (n) => "工单 " + n + " 不由本单位主办。"],
    [/^ticket (\S+) is not visible to you$/, (n) => "无权查看工单 " + n + "。"],
    [/^submission \(.*\) was already received with a different payload$/, () => "这条诉求已提交过（内容与之前不同），请刷新页面后重新填写。"],
    [/^(\S+) is not set as a holiday in the centre's calendar$/, (d) => d + " 不是本中心设定的休息日（可能已被他人修改）。"],
    [/^the deadlines over (\S+) were already shifted$/, (d) => d + " 已顺延过在办工单时限，不能重复顺延。"],
    // the admin's accounts and keys
    [/^user '(.*)' already exists$/, (u) => "用户名 " + u + " 已被使用，请换一个。"],
    [/^an admin cannot disable or demote their own account/, () => "不能停用或调整自己的账号，请另一位管理员操作。"],
    [/^this is the last active admin account$/, () => "这是最后一个启用的管理员账号，不能停用或调整。"],
    [/^user '.*' is already enabled$/, () => "该账号已是启用状态（可能已由他人操作）。"],
    [/^user '.*' is already disabled$/, () => "该账号已停用（可能已由他人操作）。"],
    [/^Open311 key \d+ is already disabled$/, () => "该密钥已停用（可能已由他人操作）。"],
    [/^PBX token \d+ is already disabled$/, () => "该电话系统令牌已停用（可能已由他人操作）。"],
    [/^a PBX token named '(.*)' exists$/, (n) => "已有名为 " + n + " 的电话系统令牌，请换一个名称。"],
    // the agent console
    [/^contact \(.*\) was already added to ticket (\S*)/, (n) => "这次来电已记入工单" + (n ? " " + n : "") + "，不能重复记入。"],
    [/^quick phrase \d+ is already disabled$/, () => "该常用语已停用（可能已由他人操作）。"],
  ];
  // Said when a refusal has no Chinese wording yet: a person never reads the API's English.
  const STATUS_TEXT = {
    400: "请求有误，请检查填写内容。", 403: "无权执行此操作。", 404: "未找到要操作的记录（可能已被他人修改），请刷新后重试。",
    409: "操作未完成：记录已被他人修改或当前状态不允许此操作，请刷新后重试。", 422: "填写内容不符合要求，请检查后重试。",
  };
  const CJK = /[\u4e00-\u9fff]/;

  function reasonText(reason) {
    reason = String(reason || "").replace(/^Value error, /, "");  // pydantic's prefix for a validator's reason
    for (const [pattern, say] of REASONS) {
      const match = pattern.exec(reason);
      if (match) return say(...match.slice(1));
    }
    return reason;
  }

  function fieldReason(reason) {
    const text = reasonText(reason);
    return CJK.test(text) ? text : "不符合要求";
  }

  const WARNING_MS = 4 * 3600 * 1000;  // a deadline this close is shown amber
  const timeFormat = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  });

  function label(kind, code) {
    if (code === null || code === undefined || code === "") return "—";
    return (LABELS[kind] && LABELS[kind][code]) || code;
  }

  function cookie(name) {
    const found = document.cookie.split("; ").find((part) => part.startsWith(name + "="));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  class ApiError extends Error {
    constructor(status, body) {
      super(describeError(status, body));
      this.status = status;
      this.body = body;
    }
  }

  function describeError(status, body) {
    const error = (body && body.error) || {};
    if (error.code === "validation_error" && Array.isArray(error.fields)) {
      return "填写有误：" + error.fields.map((f) => (FIELD_LABELS[f.field] || f.field) + "（" + fieldReason(f.reason) + "）").join("；");
    }
    if (error.code === "illegal_transition") {
      return "工单当前为“" + label("status", error.current_status) + "”，不能" + label("action", error.action) + "。";
    }
    const text = ERROR_TEXT[error.code] || reasonText(error.message);
    if (text && CJK.test(text)) return text;
    if (text) console.warn("untranslated refusal:", status, text);  // for whoever adds its wording above
    return STATUS_TEXT[status] || "请求失败（" + status + "），请稍后重试。";
  }

  // A File (an import) is sent as the raw body; any other body as JSON.
  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    const raw = body instanceof Blob;
    if (body !== undefined) headers["Content-Type"] = raw ? body.type || "application/octet-stream" : "application/json";
    if (method !== "GET") {
      const csrf = cookie("hotline_csrf");
      if (csrf) headers["X-CSRF-Token"] = csrf;
    }
    const response = await fetch(path, {
      method, headers, credentials: "same-origin", body: body === undefined || raw ? body : JSON.stringify(body),
    });
    const data = (response.headers.get("content-type") || "").includes("json") ? await response.json() : null;
    if (!response.ok) {
      if (response.status === 401 && document.body.dataset.role) window.location.assign("/login?next=" + encodeURIComponent(location.pathname));
      throw new ApiError(response.status, data);
    }
    return data;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function formatTime(iso) {
    return iso ? timeFormat.format(new Date(iso)) : "—";
  }

  // overdue | warning | ok | none, for the deadline that is running in this status
  function deadlineState(iso, now = Date.now()) {
    if (!iso) return "none";
    const left = new Date(iso).getTime() - now;
    if (left < 0) return "overdue";
    return left < WARNING_MS ? "warning" : "ok";
  }

  function remaining(iso, now = Date.now()) {
    if (!iso) return "—";
    const ms = new Date(iso).getTime() - now;
    const abs = Math.abs(ms);
    const hours = Math.floor(abs / 3600000);
    const minutes = Math.floor((abs % 3600000) / 60000);
    const text = hours >= 24 ? Math.floor(hours / 24) + "天" + (hours % 24) + "小时" : hours + "小时" + minutes + "分";
    return ms < 0 ? "超时 " + text : text;
  }

  let toastTimer = null;
  function toast(message, kind = "info") {
    const box = document.getElementById("toast");
    box.textContent = message;
    box.className = "toast toast-" + kind;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 6000 : 3000);
  }

  let departmentsPromise = null;
  function departments() {
    departmentsPromise = departmentsPromise || api("GET", "/api/v1/departments").then((rows) => {
      const byCode = new Map(rows.map((d) => [d.code, d]));
      return { rows, name: (code) => (byCode.get(code) ? byCode.get(code).name : code || "—") };
    });
    return departmentsPromise;
  }

  function formJson(form) {
    const values = {};
    for (const [key, value] of new FormData(form).entries()) values[key] = typeof value === "string" ? value.trim() : value;
    return values;
  }

  // Run an async form action with its buttons disabled, reporting failures in a toast.
  async function busy(form, action) {
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    try {
      return await action();
    } catch (error) {
      toast(error.message, "error");
      return undefined;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  // A tab of a tab list becomes the chosen one (class and aria-selected), its siblings not.
  function selectTab(tab) {
    for (const other of tab.closest("[role=tablist]").querySelectorAll(".tab")) {
      other.classList.toggle("active", other === tab);
      other.setAttribute("aria-selected", String(other === tab));
    }
  }

  function newExternalId() {
    return crypto.randomUUID();
  }

  // Ctrl+Enter (⌘+Enter) submits the form being typed in, on every page.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const form = event.target.closest && event.target.closest("form");
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // A staff page keeps its session while its user works (typing a long reply makes no request): at most every
  // 5 minutes of activity it asks who is logged in, and the server renews the session cookie when it is due.
  const KEEP_ALIVE_MS = 5 * 60 * 1000;
  let lastKeepAlive = Date.now();
  function keepAlive() {
    if (!document.body.dataset.role || Date.now() - lastKeepAlive < KEEP_ALIVE_MS) return;
    lastKeepAlive = Date.now();
    // Not through api(): a session that ended while the page sat idle is said, not left for a redirect that
    // would lose what the user is typing.
    fetch("/api/v1/auth/session", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => {
        if (response.status === 401) toast("登录已超时或已被注销：请先复制未保存的内容，再重新登录。", "error");
      })
      .catch(() => {});
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const type of ["keydown", "pointerdown"]) document.addEventListener(type, keepAlive, { passive: true });
    const logout = document.getElementById("logout-button");
    if (logout) {
      logout.addEventListener("click", async () => {
        await fetch("/logout", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": cookie("hotline_csrf") } });
        window.location.assign("/login");
      });
    }
    const deptTag = document.getElementById("current-department");
    if (deptTag) departments().then((d) => { deptTag.textContent = d.name(deptTag.dataset.code); }).catch(() => {});
  });

  return { LABELS, api, el, label, formatTime, deadlineState, remaining, toast, departments, formJson, busy, newExternalId, ApiError, reasonText, selectTab };
})();
