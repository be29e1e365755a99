"""Knowledge answers as a caller hears them: materials of the matter that fits, a question back when several
sub-items fit, "I don't know" when nothing fits; the chat keeps the topic; edits reach every process."""
import uuid

from hotline.infra.db import connect
from hotline.kb.live_index import LiveKnowledgeIndex
from hotline.kb.service import answer, save_matter
from classifier.embedders import load_embedder


async def ask(api, question):
    response = await api.post("/api/v1/knowledge/answer", json={"question": question})
    assert response.status_code == 200, response.text
    return response.json()


async def test_lost_id_card_gets_the_replacement_materials(api):
    reply = await ask(api, "身份证丢了要带什么材料")
    assert reply["kind"] == "matter" and reply["matter"]["code"] == "gaj-sfz-bl"
    assert reply["materials_requested"] and reply["matter"]["materials"]
    assert "需要准备以下材料" in reply["message"] and reply["matter"]["materials"][0]["name"] in reply["message"]


async def test_several_sub_items_make_the_chat_ask_which(api):
    reply = await ask(api, "办身份证要带什么")
    assert reply["kind"] == "clarify" and reply["matter"] is None
    assert {"首次申领", "换领", "补领"} <= {o["sub_item"] for o in reply["options"]}


async def test_nothing_fitting_is_said_plainly_with_a_ticket_offer(api):
    reply = await ask(api, "火星移民签证怎么办理")
    assert reply["kind"] == "unknown" and reply["offer_ticket"] is True and reply["matter"] is None


async def test_traditional_chinese_questions_are_understood(api):
    reply = await ask(api, "結婚登記需要帶什麼材料")
    assert reply["kind"] == "matter" and reply["matter"]["code"] == "mzj-hy-jh"


async def test_chat_follow_up_stays_on_the_topic(api):
    first = (await api.post("/api/v1/chat", json={"message": "第一次办身份证要带什么材料"})).json()
    assert first["matter"]["code"] == "gaj-sfz-sc"
    follow = (await api.post("/api/v1/chat", json={"conversation_id": first["conversation_id"],
                                                     "message": "那补办呢？"})).json()
    assert follow["kind"] == "matter" and follow["matter"]["code"] == "gaj-sfz-bl"
    assert "需要准备以下材料" in follow["message"]  # the first question asked for materials


async def test_search_returns_ranked_matches_with_passages(api):
    body = (await api.get("/api/v1/knowledge/search", params={"q": "租房提取公积金"})).json()
    assert body["results"][0]["code"] == "gjj-tq-zf"
    assert all(r["passage"] for r in body["results"])


async def test_agent_suggestions_for_a_callers_words(api, tokens):
    response = await api.post("/api/v1/knowledge/suggestions", json={"text": "我想问一下社保卡丢了怎么补办"},
                              headers=tokens["agent"])
    assert response.status_code == 200
    assert response.json()["results"][0]["code"].startswith("rsj-sbk")
    assert (await api.post("/api/v1/knowledge/suggestions", json={"text": "x"})).status_code == 401


async def test_bad_questions_name_the_field(api):
    response = await api.post("/api/v1/knowledge/answer", json={"question": ""})
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["field"] == "question"
    response = await api.post("/api/v1/chat", json={"message": "你好", "conversation_id": "not-a-uuid"})
    assert response.status_code == 422


async def test_an_edit_reaches_another_process_without_restart(fresh_db_url):
    conn = await connect(fresh_db_url)
    other_process = LiveKnowledgeIndex(load_embedder("hashing"))
    await other_process.refresh(conn)
    before = await answer(conn, other_process, question="无人机飞行申请需要什么材料")
    assert before["kind"] == "unknown"
    code = f"test-{uuid.uuid4().hex[:6]}"
    async with conn.transaction():
        await save_matter(conn, {
            "code": code, "main_item": "无人机飞行活动申请", "sub_item": None, "department": "gaj",
            "materials": [{"name": "无人机实名登记证明", "form": "original", "copies": 1, "required": True,
                           "condition": None, "note": None}],
            "keywords": ["无人机", "航拍报备"],
        }, user_id=None)
    after = await answer(conn, other_process, question="无人机飞行申请需要什么材料")
    assert after["kind"] == "matter" and after["matter"]["code"] == code
    history = await conn.fetchval("SELECT count(*) FROM knowledge_history WHERE snapshot->>'code' = $1", code)
    assert history == 1
    await conn.close()


async def test_a_supervisor_edits_a_matter_and_answers_follow_at_once(api, tokens, shared_db_url):
    current = (await api.get("/api/v1/knowledge/matters/gaj-sfz-bl")).json()
    from knowledge.seeds.load import load_matters

    matter = next(m for m in load_matters() if m["code"] == "gaj-sfz-bl")
    edited = {**matter, "effective_date": str(matter["effective_date"]), "review_due": str(matter["review_due"]),
              "materials": matter["materials"] + [{"name": "遗失情况说明", "form": "original", "copies": 1,
                                                   "required": True, "condition": None, "note": "本人签字"}]}
    assert (await api.put("/api/v1/knowledge/matters/gaj-sfz-bl", json=edited, headers=tokens["agent"])).status_code == 403
    saved = await api.put("/api/v1/knowledge/matters/gaj-sfz-bl", json=edited, headers=tokens["supervisor"])
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == current["version"] + 1
    reply = await ask(api, "身份证丢了要带什么材料")
    assert "遗失情况说明" in reply["message"]

    broken = {**edited, "materials": [{**edited["materials"][0], "form": "photo"}], "review_due": "someday"}
    refused = await api.put("/api/v1/knowledge/matters/gaj-sfz-bl", json=broken, headers=tokens["supervisor"])
    assert refused.status_code == 422
    fields = {f["field"] for f in refused.json()["error"]["fields"]}
    assert "review_due" in fields and any(f.startswith("materials") for f in fields)


async def test_a_renewal_in_the_citizens_own_words_gets_the_renewal_materials(api):
    reply = await ask(api, "你好，我身分证下个月就到期了，要去派出所换个新的，得带些啥？")  # a typo, no 换领, no 材料
    assert reply["kind"] == "matter" and reply["matter"]["code"] == "gaj-sfz-hl"
    assert reply["materials_requested"] and "原居民身份证" in reply["message"]


async def test_complaints_opinions_progress_and_chit_chat_get_no_matter(api):
    for text in ("楼上那户人家天天半夜蹦迪，吵得全家睡不着，你们赶紧派人来管一管", "延迟退休的政策太不合理了",
                 "失业金为什么这个月还没到账", "你好"):
        reply = await ask(api, text)
        assert reply["kind"] == "unknown" and reply["offer_ticket"] is True, text


async def test_a_question_an_faq_answers_gets_the_article(api):
    reply = await ask(api, "小区里有人遛狗不牵绳，吓到小孩了，找谁管")
    assert reply["kind"] == "article" and reply["article"]["code"] == "faq-dog-nuisance"


async def test_a_new_topic_in_a_short_message_is_not_taken_as_a_follow_up(api):
    first = (await api.post("/api/v1/chat", json={"message": "身份证丢了要带什么材料"})).json()
    assert first["matter"]["code"] == "gaj-sfz-bl"
    other = (await api.post("/api/v1/chat", json={"conversation_id": first["conversation_id"],
                                                    "message": "火星移民签证怎么办理"})).json()
    assert other["kind"] == "unknown"
    follow = (await api.post("/api/v1/chat", json={"conversation_id": first["conversation_id"],
                                                     "message": "在哪里办？"})).json()
    assert follow["kind"] == "matter" and follow["matter"]["code"] == "gaj-sfz-bl"
    moved_on = (await api.post("/api/v1/chat", json={"conversation_id": first["conversation_id"],
                                                       "message": "还有护照也丢了，怎么补"})).json()
    assert moved_on["kind"] == "matter" and moved_on["matter"]["code"] == "gaj-hz-bf"  # not the ID card's 补领
