"""Repeat contacts: intake finds the caller's or the event's open ticket; the agent merges the repeat into it."""
import uuid

TEXT = "瓯海区娄桥街道古岸头路口的红绿灯坏了两天了，早晚高峰非常堵，请尽快修复。"


async def submit(api, phone, text=TEXT, channel="wechat"):
    response = await api.post("/api/v1/submissions", json={
        "channel": channel, "external_id": str(uuid.uuid4()), "content": text,
        "citizen": {"phone": phone}, "address": "温州市瓯海区娄桥街道"})
    assert response.status_code == 201, response.text
    return response.json()["ticket_number"]


async def repeats_of(api, tokens, number):
    body = (await api.get(f"/api/v1/tickets/{number}/suggestions", headers=tokens["agent"])).json()
    return {r["ticket_number"]: r for r in body["repeats"]}


async def run_enrichment(db_url):
    """What a worker does for new tickets: embed them and look for the same event nearby."""
    from classifier.embedders import load_embedder
    from hotline.infra.db import connect
    from hotline.intake.enrich import make_enricher
    from hotline.worker import enrich_due_tickets

    conn = await connect(db_url)
    enricher = make_enricher(load_embedder("e5"))  # the product's default embedder
    await enrich_due_tickets(conn, worker="test", enricher=enricher)
    await conn.close()


async def test_same_caller_and_same_event_are_found_and_merged(api, tokens, shared_db_url):
    first = await submit(api, "13511112222")
    await run_enrichment(shared_db_url)
    by_caller = await submit(api, "13511112222", text="我前天反映的事情还没人处理，麻烦催一下。", channel="app")
    assert (await repeats_of(api, tokens, by_caller))[first]["same_caller"] is True  # at once, no worker needed
    by_event = await submit(api, "13933334444", text="娄桥街道古岸头路口红绿灯不亮，堵车严重")
    unrelated = await submit(api, "13755556666", text="瓯海区娄桥街道有一家超市卖过期牛奶。")
    await run_enrichment(shared_db_url)

    event_match = (await repeats_of(api, tokens, by_event))[first]
    assert event_match["same_caller"] is False and event_match["similarity"] >= 0.94
    assert first not in await repeats_of(api, tokens, unrelated)

    merged = await api.post(f"/api/v1/tickets/{by_caller}/merge", headers=tokens["agent"],
                            json={"into": first, "reason": "同一来电人催办"})
    assert merged.status_code == 200 and merged.json()["status"] == "merged"
    parent_log = (await api.get(f"/api/v1/tickets/{first}/events", headers=tokens["agent"])).json()
    assert parent_log[-1]["action"] == "repeat_contact" and parent_log[-1]["data"]["ticket_number"] == by_caller


async def test_merge_refuses_itself_and_finished_tickets(api, tokens):
    number = await submit(api, "13822223333", text="鹿城区松台街道垃圾桶满了没人清运。")
    itself = await api.post(f"/api/v1/tickets/{number}/merge", headers=tokens["agent"], json={"into": number})
    assert itself.status_code == 422 and itself.json()["error"]["fields"][0]["field"] == "into"
    other = await submit(api, "13822223334", text="鹿城区松台街道的路灯不亮。")
    await api.post(f"/api/v1/tickets/{other}/classification", headers=tokens["agent"],
                   json={"type": "consult", "urgency": "normal"})
    await api.post(f"/api/v1/tickets/{other}/answer", headers=tokens["agent"], json={"content": "已答复"})
    closed = await api.post(f"/api/v1/tickets/{number}/merge", headers=tokens["agent"], json={"into": other})
    assert closed.status_code == 422
    department = await api.post(f"/api/v1/tickets/{number}/merge", headers=tokens["dept_zjj"], json={"into": other})
    assert department.status_code == 403
