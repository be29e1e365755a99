"""Agents' confirmed categories become training rows, and a model trained on them loads and predicts."""
from pathlib import Path

from classifier.pipeline import TicketClassifier
from classifier.training import train_from_examples
from hotline.training.service import confirmed_categories


async def classified_ticket(conn, text, *categories):
    ticket_id = await conn.fetchval(
        """INSERT INTO tickets (ticket_number, channel, content, content_masked, received_at)
           VALUES ('TD' || nextval('ticket_number_seq'), 'phone', $1, $1, now()) RETURNING id""", text)
    for category in categories:  # an agent may correct the category more than once: the last one counts
        await conn.execute(
            """INSERT INTO ticket_events (ticket_id, action, to_status, actor_role, data)
               VALUES ($1, 'classify', 'received', 'agent', $2)""", ticket_id, {"category": category})


async def test_latest_confirmation_per_ticket_becomes_a_row(conn, tmp_path):
    await classified_ticket(conn, "工地夜间施工噪音太大", "城乡建设/城市建设和市政管理", "环境保护/环境污染/噪音污染")
    await classified_ticket(conn, "学校乱收补课费", "教育文体")
    await classified_ticket(conn, "公交车不按站停靠", "交通运输")
    rows = await confirmed_categories(conn)
    assert {"text": "工地夜间施工噪音太大", "category": "环境保护/环境污染/噪音污染"} in rows
    assert {r["category"] for r in rows} >= {"环境保护/环境污染/噪音污染", "教育文体", "交通运输"}

    # on the built-in examples (quick); the product's build on ../shared/data is tested in tests/unit
    model_dir = train_from_examples(rows, tmp_path / "model", shared_data_dir=Path("/nonexistent"))
    prediction = TicketClassifier.load(model_dir).predict("学校乱收补课费，家长很有意见")
    assert prediction["category"]["label"] == "教育文体"
