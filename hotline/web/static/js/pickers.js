// Searchable pickers of the agent console: departments (name, abbreviation, code, pinyin initials; one or several)
// and the three-step category picker (大类 / 中类 / 小类) with the suggested paths first.
"use strict";

const Pickers = (() => {
  const { api, el } = Hotline;
  const LEVEL_LABELS = { city: "市级", district: "区县", street: "街道（乡镇）" };
  const MAX_SHOWN = 12;
  let departmentsPromise = null;
  let categoriesPromise = null;

  function departmentList() {
    departmentsPromise = departmentsPromise || api("GET", "/api/v1/console/departments");
    return departmentsPromise;
  }

  function categoryList() {
    categoriesPromise = categoriesPromise || api("GET", "/api/v1/console/categories");
    return categoriesPromise;
  }

  // How well a department matches what was typed: initials and pinyin for Latin letters, names for Chinese.
  function departmentScore(d, query) {
    const q = query.trim().toLowerCase();
    if (!q) return 0;
    if (/^[a-z0-9]+$/.test(q)) {
      if (d.code.toLowerCase() === q) return 100;
      if (d.initials.some((i) => i === q)) return 90;
      if (d.initials.some((i) => i.startsWith(q))) return 70;
      if (d.pinyin.startsWith(q)) return 60;
      if (d.initials.some((i) => i.includes(q))) return 40;
      return d.pinyin.includes(q) ? 20 : -1;
    }
    if (d.short_name === query || d.name === query) return 100;
    if ((d.short_name || "").includes(query)) return 80;
    return d.name.includes(query) ? 60 - d.name.length / 100 : -1;
  }

  // A department picker in `host` (a div with data-name, data-label, data-placeholder, data-multiple). Its value:
  // picker.value() -> code or [codes]; picker.set(code) selects one (an accepted suggestion).
  async function departmentPicker(host) {
    const multiple = host.dataset.multiple === "true";
    const chosen = [];
    const departments = await departmentList();
    const byCode = new Map(departments.map((d) => [d.code, d]));
    const input = el("input", { type: "text", role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
      placeholder: host.dataset.placeholder || "查找单位", class: "picker-input", autocomplete: "off" });
    const list = el("ul", { class: "picker-list", role: "listbox", hidden: true });
    const selected = el("div", { class: "picker-chosen" });
    let options = [];
    let active = -1;

    function render() {
      if (!multiple) {  // one department: the box itself shows it
        input.value = chosen.length ? byCode.get(chosen[0]).name : input.value;
        return;
      }
      selected.replaceChildren(...chosen.map((code) => el("span", { class: "picker-chip", dataset: { code } },
        byCode.get(code).name,
        el("button", { type: "button", class: "picker-remove", "aria-label": "移除 " + byCode.get(code).name,
          onclick: () => { chosen.splice(chosen.indexOf(code), 1); render(); host.dispatchEvent(new Event("change")); } },
        "×"))));
    }

    function choose(code) {
      if (!byCode.has(code)) return;
      if (multiple) {
        if (!chosen.includes(code)) chosen.push(code);
        input.value = "";
      } else {
        chosen.splice(0, chosen.length, code);
      }
      close();
      render();
      host.dispatchEvent(new Event("change"));
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    }

    function show() {
      const query = input.value;
      options = departments.map((d) => [departmentScore(d, query), d]).filter(([s]) => s >= 0 && query.trim())
        .sort((a, b) => b[0] - a[0] || a[1].name.length - b[1].name.length).slice(0, MAX_SHOWN).map(([, d]) => d);
      list.replaceChildren(...(options.length ? options.map((d, i) => el("li", {
        role: "option", class: "picker-option" + (i === active ? " active" : ""), dataset: { code: d.code },
        onmousedown: (event) => { event.preventDefault(); choose(d.code); },
      }, el("span", {}, d.name), el("span", { class: "muted" }, " " + (d.short_name || "") + " · " + (LEVEL_LABELS[d.level] || "")),
      )) : [el("li", { class: "picker-none" }, "没有匹配的单位")]));
      list.hidden = !query.trim();
      input.setAttribute("aria-expanded", String(!list.hidden));
    }

    input.addEventListener("input", () => {
      if (!multiple) chosen.splice(0, chosen.length);
      active = 0;
      show();
    });
    input.addEventListener("keydown", (event) => {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = Math.max(0, Math.min(options.length - 1, active + (event.key === "ArrowDown" ? 1 : -1)));
        show();
      } else if (event.key === "Enter" && options[active]) {
        event.preventDefault();
        choose(options[active].code);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
    host.replaceChildren(el("label", {}, host.dataset.label || "单位", input), list, selected);
    return {
      value: () => (multiple ? [...chosen] : chosen[0] || ""),
      set: (code) => { choose(code); return byCode.has(code); },
      name: (code) => (byCode.get(code) || {}).name || code,
      clear: () => { chosen.splice(0, chosen.length); input.value = ""; render(); },
      input,
    };
  }

  // The three-step category picker in `host`: suggested paths as chips first, then 大类 / 中类 / 小类, and a
  // search over every category's name. onChange(path) runs when the chosen path changes.
  async function categoryPicker(host, { current = null, onChange = () => {} } = {}) {
    const all = await categoryList();
    const children = new Map();
    for (const c of all) {
      const parent = c.path.includes("/") ? c.path.slice(0, c.path.lastIndexOf("/")) : "";
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(c);
    }
    const selects = [1, 2, 3].map((level) => el("select", { "aria-label": ["大类", "中类", "小类"][level - 1], dataset: { level } }));
    const chips = el("div", { class: "chips category-suggestions" });
    const search = el("input", { type: "text", class: "picker-input", placeholder: "查找分类，如：噪音", autocomplete: "off" });
    const found = el("ul", { class: "picker-list", hidden: true });
    let path = "";

    function fill(level, parent, value) {
      const select = selects[level - 1];
      const items = children.get(parent) || [];
      select.replaceChildren(el("option", { value: "" }, level === 1 ? "请选择大类" : level === 2 ? "中类（可不选）" : "小类（可不选）"),
        ...items.map((c) => el("option", { value: c.path, selected: c.path === value }, c.name)));
      select.disabled = !items.length;
    }

    function setPath(next, notify = true) {
      path = next || "";
      const parts = path ? path.split("/") : [];
      const prefix = (n) => parts.slice(0, n).join("/");
      fill(1, "", prefix(1));
      fill(2, parts.length >= 1 ? prefix(1) : null, prefix(2));
      fill(3, parts.length >= 2 ? prefix(2) : null, prefix(3));
      for (const chip of chips.querySelectorAll(".chip")) chip.classList.toggle("chip-best", chip.dataset.path === path);
      if (notify) onChange(path);
    }

    selects.forEach((select, i) => select.addEventListener("change", () => {
      setPath(select.value || (i > 0 ? selects[i - 1].value : ""));
    }));
    search.addEventListener("input", () => {
      const q = search.value.trim();
      const hits = q ? all.filter((c) => c.name.includes(q) || c.path.includes(q)).sort((a, b) => b.level - a.level).slice(0, MAX_SHOWN) : [];
      found.replaceChildren(...hits.map((c) => el("li", { class: "picker-option", dataset: { path: c.path },
        onmousedown: (event) => { event.preventDefault(); search.value = ""; found.hidden = true; setPath(c.path); } }, c.path)));
      found.hidden = !hits.length;
    });
    search.addEventListener("blur", () => setTimeout(() => { found.hidden = true; }, 150));

    host.replaceChildren(el("div", { class: "picker-label" }, "业务分类"), chips,
      el("div", { class: "row-3 category-steps" }, selects), search, found);
    setPath(current || "", false);
    return {
      value: () => path,
      set: (next) => setPath(next),
      clearSuggestions: () => chips.replaceChildren(),
      // Suggested paths first (a level-1 label or a full path alike), each with its confidence when known.
      suggest: (suggestions) => {
        const known = new Set(all.map((c) => c.path));
        chips.replaceChildren(...suggestions.filter(([p]) => known.has(p)).map(([p, confidence, why]) => el("button", {
          type: "button", class: "chip" + (p === path ? " chip-best" : ""), dataset: { path: p },
          title: why || "", onclick: () => setPath(p),
        }, p + (confidence !== null && confidence !== undefined ? " " + Math.round(confidence * 100) + "%" : ""))));
      },
    };
  }

  return { departmentPicker, categoryPicker, departmentList };
})();
