"""A few hundred demo tickets written by the project (templates x places x times) over the last 30 days, fed
through real intake, each at the moment it arrived (hotline.infra.clock), oldest first."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

import asyncpg

from hotline.infra import clock
from hotline.text.address import Gazetteer
from hotline.intake.schemas import CitizenIn, SubmissionIn
from hotline.intake.service import prepare_submission, record_submission
from hotline.seeds.city import read_yaml
from hotline.infra.sql import load_queries

Q = load_queries(__file__)


class DemoTemplate(NamedTuple):
    title: str
    content: str
    handling: tuple[str, str, str, str]


# {place} is filled from the gazetteer; written for the demo, not taken from any data set. `handling` is
# what an agent would confirm: (type, level-1 category, urgency, responsible department).
TEMPLATES = [
    DemoTemplate("小区夜间施工噪音扰民", "{place}某小区旁边的工地每天晚上十一点以后还在打桩施工，噪音很大，老人小孩都睡不着，请相关部门尽快处理。",
                 ("complaint", "城乡建设", "normal", "zhzfj")),
    DemoTemplate("路灯不亮", "{place}附近一段路的路灯已经坏了一个多星期，晚上很黑，行人和电动车很容易出事，希望尽快维修。",
                 ("complaint", "城乡建设", "normal", "zhzfj")),
    DemoTemplate("咨询身份证补办材料", "请问身份证丢了，在{place}补办需要带什么材料？可以加急吗？",
                 ("consult", "政法", "normal", "gaj")),
    DemoTemplate("停水没有通知", "{place}从今天早上开始停水，事先没有任何通知，到现在还没来水，什么时候能恢复供水？",
                 ("complaint", "城乡建设", "urgent", "water")),
    DemoTemplate("餐馆油烟直排", "{place}一家饭店的油烟直接排到居民楼里，窗户都不敢开，请环保部门来检查。",
                 ("complaint", "环境保护", "normal", "sthjj")),
    DemoTemplate("举报无证经营", "我要举报{place}有一家诊所没有执业许可证，还在给人打针输液，很危险。",
                 ("report", "卫生计生", "normal", "wjw")),
    DemoTemplate("公交车不按站停靠", "{place}站的公交车经常过站不停，早上上班等了半个小时，请管理一下。",
                 ("complaint", "交通运输", "normal", "jtysj")),
    DemoTemplate("咨询公积金提取", "我在{place}租房住，想问一下租房提取住房公积金需要哪些材料，一年能提几次？",
                 ("consult", "城乡建设", "normal", "gjj")),
    DemoTemplate("拖欠工资", "我在{place}的一个工地干了三个月，老板一直拖欠工资不给，一共两万多元，希望劳动部门帮忙。",
                 ("help", "劳动和社会保障", "urgent", "rsj")),
    DemoTemplate("道路积水", "{place}这段路一下雨就积水，水深到小腿，车辆经过溅得到处都是，建议改造排水管网。",
                 ("suggestion", "城乡建设", "normal", "zjj")),
    DemoTemplate("占道经营", "{place}人行道上全是摆摊的，早上根本走不过去，城管能不能管一管。",
                 ("complaint", "城乡建设", "normal", "zhzfj")),
    DemoTemplate("违章搭建", "{place}一楼住户在院子里违章搭建了彩钢棚，挡住了楼上的采光，请执法部门处理。",
                 ("complaint", "城乡建设", "normal", "zhzfj")),
    DemoTemplate("建议增设公交线路", "建议在{place}增设一条直达高铁站的公交线路，现在要换乘两次，很不方便。",
                 ("suggestion", "交通运输", "normal", "jtysj")),
    DemoTemplate("表扬派出所民警", "前几天我在{place}丢了钱包，派出所民警很快帮我找了回来，特此表扬，谢谢他们！",
                 ("praise", "政法", "normal", "gaj")),
    DemoTemplate("燃气泄漏", "{place}一栋楼的楼道里闻到很重的煤气味，怀疑燃气泄漏，请马上派人来处理！",
                 ("help", "城乡建设", "emergency", "gas")),
    DemoTemplate("医保异地备案咨询", "我父亲在{place}，要去上海看病，医保异地就医备案怎么办理？网上能办吗？",
                 ("consult", "劳动和社会保障", "normal", "ybj")),
    DemoTemplate("学校入学咨询", "孩子明年上小学，户口在{place}，房子是租的，请问需要准备哪些入学材料？",
                 ("consult", "教育文体", "normal", "jyj")),
    DemoTemplate("垃圾清运不及时", "{place}的垃圾桶已经满了好几天没人清运，臭味很大，苍蝇很多。",
                 ("complaint", "城乡建设", "normal", "zhzfj")),
    DemoTemplate("物业乱收费", "{place}的小区物业今年突然上涨物业费，也没有开业主大会，这样合法吗？",
                 ("complaint", "城乡建设", "normal", "zjj")),
    DemoTemplate("电动车充电隐患", "{place}一栋楼里很多人把电动车推进楼道充电，飞线很多，存在很大的火灾隐患。",
                 ("report", "城乡建设", "urgent", "yjglj")),
    DemoTemplate("停电求助", "{place}整个小区突然停电，家里有老人要用制氧机，请供电公司尽快抢修！",
                 ("help", "城乡建设", "urgent", "power")),
    DemoTemplate("企业开办咨询", "想在{place}开一家餐饮店，办营业执照和食品经营许可证需要准备什么？能一起办吗？",
                 ("consult", "经济管理", "normal", "scjgj")),
    DemoTemplate("河道污染", "{place}附近的河里发黑发臭，还有死鱼，怀疑有工厂偷排污水，请生态环境部门调查。",
                 ("report", "环境保护", "normal", "sthjj")),
    DemoTemplate("出租车拒载", "昨晚在{place}打车，出租车司机嫌路近拒载，还态度很差，车牌号记下来了。",
                 ("complaint", "交通运输", "normal", "jtysj")),
    DemoTemplate("低保申请咨询", "我家在{place}，家里老人生病没有收入，请问怎么申请低保？",
                 ("consult", "民政", "normal", "mzj")),
    DemoTemplate("食品安全投诉", "在{place}一家超市买的牛奶过期了还在卖，喝了以后肚子疼，要求处理。",
                 ("complaint", "商贸旅游", "normal", "scjgj")),
    DemoTemplate("施工占道建议", "{place}道路施工已经半年了还没完工，交通拥堵严重，建议加快进度并设置绕行标志。",
                 ("suggestion", "城乡建设", "normal", "zjj")),
    DemoTemplate("社保卡补办", "社保卡丢了，请问在{place}哪里可以补办？需要多长时间？",
                 ("consult", "劳动和社会保障", "normal", "rsj")),
    DemoTemplate("宠物扰民", "{place}有住户养了好几条大狗，不拴绳，晚上一直叫，邻居都很害怕。",
                 ("complaint", "政法", "normal", "gaj")),
    DemoTemplate("老旧小区加装电梯", "{place}的老小区想加装电梯，有没有补贴政策？需要多少业主同意？",
                 ("consult", "城乡建设", "normal", "zjj")),
]
CHANNEL_WEIGHTS = {"phone": 55, "web": 12, "app": 10, "wechat": 13, "letter": 2, "visit": 4, "110": 1, "email": 3}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林郑谢"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "海燕", "建华"]
MOBILE_PREFIXES = ["138", "139", "135", "136", "150", "151", "158", "177", "186", "188", "199"]


def demo_places() -> list[str]:
    city = read_yaml("city.yaml")
    return [f"{city['city']['name']}{d['name']}{s['name']}" for d in city["districts"] for s in d.get("streets") or []]


DEMO_DAYS = 30
# Calls by hour of the day (Beijing time): a centre's day peaks mid-morning and mid-afternoon, with a quiet night.
HOURLY_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 6, 10, 12, 12, 11, 8, 9, 11, 11, 10, 9, 7, 6, 5, 4, 3, 2]


def _arrival(rng: random.Random, now: datetime, days: int) -> datetime:
    """A moment in the last `days` days, mostly in office hours (08-18 Beijing time), fewer at night."""
    day = rng.randrange(days)
    hour = rng.choices(range(24), weights=HOURLY_WEIGHTS)[0]
    local_midnight = (now + timedelta(hours=8)).replace(hour=0, minute=0, second=0) - timedelta(hours=8)
    moment = local_midnight - timedelta(days=day) + timedelta(hours=hour, minutes=rng.randrange(60),
                                                              seconds=rng.randrange(60))
    return moment if moment < now - timedelta(minutes=5) else now - timedelta(minutes=5 + rng.randrange(600))


def demo_submissions(*, count: int = 300, days: int = DEMO_DAYS, seed: int = 12345) -> list[SubmissionIn]:
    rng = random.Random(seed)
    places = demo_places()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    channels, weights = zip(*CHANNEL_WEIGHTS.items())
    submissions = []
    for i in range(count):
        title, template, _ = rng.choice(TEMPLATES)
        place = rng.choice(places)
        anonymous = rng.random() < 0.05
        name = None if anonymous else rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = None if anonymous else rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        submissions.append(SubmissionIn(
            channel=rng.choices(channels, weights)[0],
            external_id=f"demo-{i:05d}",
            received_at=_arrival(rng, now, days),
            citizen=CitizenIn(name=name, phone=phone, anonymous=anonymous, confidential="举报" in template),
            title=title,
            content=template.format(place=place),
            address=place,
        ))
    return submissions


async def seed_demo_tickets(conn: asyncpg.Connection, gazetteer: Gazetteer, *, count: int = 300) -> int:
    if await conn.fetchval(Q.demo_tickets_seeded):
        return 0
    for submission in sorted(demo_submissions(count=count), key=lambda s: s.received_at):
        async with clock.acting_at(conn, submission.received_at):  # the receive event at the moment it arrived
            await record_submission(conn, prepared=prepare_submission(submission, gazetteer), actor=None)
    return count
