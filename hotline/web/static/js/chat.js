// The public self-service chat: ask what to bring, pick a sub-item from the chips, or file a ticket when the
// knowledge base has no answer. The conversation lives for the browser tab (sessionStorage).
"use strict";

(() => {
  const { api, el, toast } = Hotline;
  const CONVERSATION_KEY = "hotline.chat.conversation";

  function conversationId() {
    return sessionStorage.getItem(CONVERSATION_KEY) || undefined;
  }

  function log() {
    return document.getElementById("chat-log");
  }

  function bubble(who, ...children) {
    const node = el("div", { class: "chat-msg chat-" + who }, ...children);
    log().append(node);
    node.scrollIntoView({ block: "nearest" });
    return node;
  }

  // Opens the portal's file-a-ticket form with the citizen's question already written in.
  function offerTicket(question) {
    const form = document.getElementById("file-form");
    form.elements.content.value = question;
    form.scrollIntoView({ block: "start" });
    form.elements.content.focus();
  }

  function reply(answer, question) {
    const parts = [el("div", { class: "chat-text" }, answer.message)];
    // When the question did not ask for materials the message is an overview; show the list all the same,
    // since bringing the right papers is what a citizen came to find out.
    if (answer.kind === "matter" && !answer.materials_requested) {
      parts.push(el("div", { class: "chat-materials" }, el("div", { class: "section-title" }, "申请材料"),
        KnowledgeView.materials(answer.matter)));
    }
    if (answer.kind === "clarify") {
      parts.push(el("div", { class: "chips" }, answer.options.map((option) => el("button", {
        type: "button", class: "chip", dataset: { subItem: option.sub_item || option.title },
      }, option.sub_item || option.title))));
    }
    if (answer.offer_ticket) {
      parts.push(el("button", { type: "button", class: "btn btn-primary btn-small chat-offer", onclick: () => offerTicket(question) },
        "提交工单，由部门答复我"));
    }
    bubble("assistant", ...parts);
  }

  async function ask(message) {
    bubble("citizen", message);
    const form = document.getElementById("chat-form");
    form.elements.send.disabled = true;
    try {
      const answer = await api("POST", "/api/v1/chat", { conversation_id: conversationId(), message });
      sessionStorage.setItem(CONVERSATION_KEY, answer.conversation_id);
      reply(answer, message);
    } catch (error) {
      bubble("assistant", el("div", { class: "chat-text muted" }, "暂时无法回答：" + error.message));
      toast(error.message, "error");
    } finally {
      form.elements.send.disabled = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("chat-form");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const message = form.elements.message.value.trim();
      if (!message) return;
      form.elements.message.value = "";
      ask(message);
    });
    log().addEventListener("click", (event) => {
      const chip = event.target.closest("button[data-sub-item]");
      if (chip) ask(chip.dataset.subItem);
    });
  });
})();
