"""智能填单: the fields an agent fills from a caller's words, found by rules as the words are typed.

Each field is a span of the text (start, end) so the console can show where it came from and the evaluation can
compare it with a labelled span: the time the problem happened, the place, the object (the unit, shop, facility or
person it is about), the appeal (what the caller asks the government to do), and the phone numbers said aloud
(digits, Chinese numerals read out one by one, full-width). District and street come from the city's gazetteer.

The rules are cues Chinese callers use ("希望……", "位于……", "……有限公司", "近两个月来"); the cue lists are
the module's constants. Plain regular expressions on a few hundred characters: well under a millisecond a call,
so the console can ask after every burst of typing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from hotline.text.pii import find_pii

_CN_NUM = "零〇一二两三四五六七八九十百几半数"
_NUM = rf"(?:\d+|[{_CN_NUM}]+)"
_CLAUSE_END = "，,。！!？?；;\n"
_SENTENCE_END = "。！!？?；;\n"

# --- time -------------------------------------------------------------------------------------------------------
_CLOCK = rf"(?:{_NUM}|\d{{1,2}}[:：]\d{{2}})(?:点|时)(?:{_NUM}分|\d{{1,2}}(?!\d)|半|多|钟)*(?:左右|以后|之后|以前|之前|前后|多)?"
_DAY_PART = r"(?:凌晨|清晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间|深夜|半夜|午夜|晚间)"
_TIME_PATTERNS = [
    # calendar dates: 2019年6月5日, 2016.2.22号, 2005——2007年, 6月5日, 初三
    rf"\d{{2,4}}\s*(?:年|[./-])\s*\d{{1,2}}\s*(?:月|[./-])\s*(?:\d{{1,2}}\s*[日号])?(?:{_DAY_PART})?(?:{_CLOCK})?",
    r"\d{4}\s*[—\-－~～至到]+\s*\d{4}\s*年",
    r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?(?:初|底|末|以来|开始)?",
    rf"(?:{_NUM})\s*月(?:份)?\s*(?:{_NUM}\s*[日号])?(?:{_DAY_PART})?(?:{_CLOCK})?",
    # relative: 近2个月来, 三天了, 多年来, 半年多
    rf"(?:近|最近|这|这几|前|过去|已经|已|有)?(?:{_NUM})?多?(?:个)?(?:天|日|周|星期|礼拜|个?月|年)多?(?:来|以来|了|之久)",
    rf"近(?:{_NUM})(?:个)?(?:天|日|周|星期|月|年)",
    r"(?:每天|每晚|每日|每周|每月|每年|天天|夜夜|近期|近日|日前|近来|前段时间|近段时间|"
    r"这段时间|这几天|这两天|近几天|今年|去年|前年|今天|昨天|前天|今早|昨晚|今晚|前晚|上周|本周|这周|上个月|这个月|本月|"
    r"周末|节假日|工作日|春节|国庆|中秋|端午|寒假|暑假|开学)"
    rf"(?:{_DAY_PART})?(?:{_CLOCK})?(?:以来|来|至今)?",
    rf"{_DAY_PART}(?:{_CLOCK})?",
    rf"{_CLOCK}",
    r"(?:从|自)\S{1,12}?(?:以来|至今)",
]
_TIME = re.compile("|".join(f"(?:{p})" for p in _TIME_PATTERNS))
# Numbers that look like a date but are not (amounts, sizes, counts of things)
_NOT_TIME_AFTER = re.compile(r"^(?:元|块|万|平|米|公里|人|户|套|栋|号楼|%|％|岁)")

# --- place ------------------------------------------------------------------------------------------------------
_PLACE_SUFFIX = (
    r"(?:大道|大街|路段|路口|交叉口|路(?![线径费况子由过灯费面上])|街道|街|巷|弄|胡同|公路|高速|国道|省道|大桥|桥|隧道|广场|公园|码头|车站|地铁站|站|"
    r"小区|花园|花苑|家园|山庄|公寓|大厦|新村|新城|社区|村|镇|乡|开发区|工业园|园区|新区|商业街|步行街|市场|"
    r"\d+号楼|(?<!月)\d+号|\d+栋|\d+幢|\d+单元|\d+室|门口|附近|旁边|对面|楼下|路边|河段|河道|河边)"
)
_AREA = r"(?:[A-Z]\d{0,2}[市区县]|[\u4e00-\u9fa5]{2,3}(?:省|市|区|县))"
_PLACE_CUE = re.compile(r"(?:位于|坐落于|地址[是为：:]?|地点[是为：:]?|住在|家住|在|于|到|从)")
# Characters a name is made of: not punctuation, not the function words and verbs that sit around names
_NAME_CHAR = r"[^\s，,。.！!？?；;：:、“”\"'的了在是被对向和与及把给让由从将经求请望去到读还也都就又说看有没不很太这那我你他她它们该其应要属]"
_PLACE_BODY = _NAME_CHAR
_PLACE = re.compile(
    rf"(?:{_AREA})?(?:{_PLACE_BODY}{{0,14}}?){_PLACE_SUFFIX}(?:{_PLACE_BODY}{{0,8}}?(?:\d+号|{_PLACE_SUFFIX})){{0,3}}"
)
_AREA_ONLY = re.compile(_AREA + r"(?:[\u4e00-\u9fa5]{1,4}(?:镇|乡|街道))?")
# Words that end a place when extending it leftwards or that show a match is no place at all
_PLACE_STOP = re.compile(r"(?:我们|我|你们|他们|大家|业主|居民|市民|一个|这个|那个|的|了|是|有|在|和|与|及|对|向|被|把)")
_NOT_PLACES = ("一路", "一街", "马路", "走路", "道路", "线路", "出路", "网络", "思路", "套路", "门路", "半路",
               "进站", "网站", "站长", "车站", "小区", "社区", "农村", "村民", "乡镇", "城乡", "市场", "附近",
               "旁边", "对面", "楼下", "门口", "路边", "街道办", "街道")

# --- object -----------------------------------------------------------------------------------------------------
_ORG_SUFFIX = (
    r"(?:股份有限公司|有限责任公司|有限公司|分公司|公司|集团|工厂|厂|加工厂|门店|专卖店|便利店|商店|超市|商场|商行|酒店|宾馆|"
    r"旅馆|饭店|餐馆|餐厅|饭馆|大排档|烧烤店|酒吧|KTV|网吧|茶楼|棋牌室|浴场|健身房|医院|卫生院|诊所|药店|学校|小学|中学|"
    r"高中|初中|大学|学院|幼儿园|培训机构|培训班|银行|物业公司|物业|开发商|施工单位|施工方|工地|项目部|驾校|4S店|"
    r"养殖场|养猪场|搅拌站|加油站|充电站|停车场|菜市场|农贸市场|派出所|交警大队|大队|中队|执法局|局|办事处|居委会|村委会|"
    r"委员会|政府|法院|检察院|中心|站|所|部门|拆迁办|办公室|置业|地产|餐饮店|代收点|站牌|卫生间|考官|班主任|老师|老板|店主|房东|"
    r"司机|保安|工作人员|城管)"
)
# a shop is often named in quotes: “饺子故事”餐饮店
_OBJECT = re.compile(rf"(?:{_AREA})?(?:[“\"][^”\"]{{1,15}}[”\"]{_NAME_CHAR}{{0,4}}?|{_NAME_CHAR}{{1,12}}?){_ORG_SUFFIX}")
_FACILITY = re.compile(
    rf"{_NAME_CHAR}{{0,6}}?(?:路灯|红绿灯|信号灯|井盖|下水道|排水沟|垃圾桶|垃圾站|公厕|厕所|电梯|自来水|水管|管道|"
    r"电线|电缆|变压器|围墙|护栏|绿化带|树木|公交车|公交|地铁|出租车|网约车|共享单车|电动车|改装车|渣土车|货车|设备|空调外机|"
    r"排污口|路面|人行道|台阶|桥梁|护坡|站牌|出入口)"
)
_LEADING_VERBS = re.compile(r"^(?:咨询|投诉|反映|举报|关于|建议|请求解决|请求|要求|希望|求助|询问|应加强|加强|通过|询|在|于)+")
_OBJECT_STOP = ("我们", "我", "你们", "他们", "本人", "请", "希望", "要求", "反映", "投诉", "举报", "咨询", "关于", "问题",
                "进行", "发挥好", "加快", "设立", "至今")
# The government the caller addresses (有关部门, 市政府, 各级领导) is who should act, never what the problem is about
_ADDRESSEE = re.compile(r"(?:^关|有关|相关|主管|监管|职能|上级|政府|各)部门$|领导$|"
                        r"^(?:[各本当地A-Z\d市区县省镇乡级]{0,4})(?:政府|市委|党委|人民政府|市委市政府)$|^作为")

# --- appeal -----------------------------------------------------------------------------------------------------
_APPEAL_STRONG = re.compile(
    r"(?:希望|恳请|恳求|请求|请|敬请|望|盼|要求|呼吁|建议|强烈要求|务必|责令|督促|尽快|早日|给予|还我们|还我|取缔|严查|查处|"
    r"帮忙|帮助|解决一下|处理一下|整改|给个说法|主持公道)"
)
_APPEAL_QUESTION = re.compile(r"(?:请问|是否|能否|能不能|可不可以|可以吗|怎么办|怎么|如何|什么时候|何时|哪里|为什么|吗[？?]?$)")
_NOT_APPEAL = re.compile(r"^(?:请问一下|您好|你好|尊敬的|谢谢|感谢)")

# --- phones -----------------------------------------------------------------------------------------------------
_PHONE_CUE = re.compile(r"(?:电话|手机|联系方式|号码|拨打|致电|热线|座机|tel|Tel|TEL)")
_LOOSE_NUMBER = re.compile(r"(?<!\d)(\d{3,4}[-－ ]?\d{7,8}|\d{7,12})(?!\d)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass
class Filled:
    """What auto-fill found in a text; spans are positions in that text."""

    time: Span | None = None
    place: Span | None = None
    object: Span | None = None
    appeal: Span | None = None
    phones: list[str] = field(default_factory=list)
    district_code: str | None = None
    district: str | None = None
    street_code: str | None = None
    street: str | None = None

    def as_dict(self) -> dict:
        def span(s: Span | None):
            return {"text": s.text, "start": s.start, "end": s.end} if s else None

        return {"time": span(self.time), "place": span(self.place), "object": span(self.object),
                "appeal": span(self.appeal), "phones": self.phones,
                "district": {"code": self.district_code, "name": self.district} if self.district_code else None,
                "street": {"code": self.street_code, "name": self.street} if self.street_code else None}


def _span(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start] in " ，,。、：:；;“”\"'（(）)":
        start += 1
    while end > start and text[end - 1] in " ，,。、：:；;“”\"'（(）)":
        end -= 1
    return Span(start, end, text[start:end]) if end > start else None


def find_time(text: str) -> Span | None:
    for match in _TIME.finditer(text):
        value = match.group()
        if not value.strip() or (value.isdigit() and len(value) < 4):
            continue
        if _NOT_TIME_AFTER.match(text[match.end():]):
            continue
        return _span(text, match.start(), match.end())
    return None


def _trim_left(text: str, start: int, end: int, stop: re.Pattern) -> int:
    """Move `start` past the last stop word inside [start, end) (a place does not begin with 我们 or 的)."""
    last = start
    for match in stop.finditer(text, start, end):
        if match.end() < end:
            last = match.end()
    return last


def find_place(text: str, *, gazetteer_match: str | None = None) -> Span | None:
    """The first place-like mention: after a cue (位于, 在, 地址是) when there is one, else anywhere."""
    candidates: list[tuple[int, Span]] = []
    for match in _PLACE.finditer(text):
        start = _trim_left(text, match.start(), match.end(), _PLACE_STOP)
        lead = _LEADING_VERBS.match(text[start:match.end()])
        span = _span(text, start + (lead.end() if lead else 0), match.end())
        if span is None or len(span.text) < 3 or span.text in _NOT_PLACES:
            continue
        cued = _PLACE_CUE.search(text, max(0, span.start - 4), span.start + 1) is not None
        candidates.append((0 if cued else 1, span))
    if candidates:
        # the earliest mention wins; a cued one wins over an earlier uncued one only within the same sentence
        candidates.sort(key=lambda c: c[1].start)
        first = candidates[0][1]
        for rank, span in candidates:
            if rank == 0 and not any(ch in _SENTENCE_END for ch in text[first.start:span.start]):
                return span
        return first
    if gazetteer_match:
        at = text.find(gazetteer_match)
        if at >= 0:
            return Span(at, at + len(gazetteer_match), gazetteer_match)
    match = _AREA_ONLY.search(text)
    return _span(text, match.start(), match.end()) if match else None


def find_object(text: str) -> Span | None:
    """What the problem is about: in the opening sentence (a message's title, a caller's first words) first, then
    in the rest; in each, the first organisation, shop or person named by a unit word, else a facility word."""
    cut = next((i + 1 for i, ch in enumerate(text) if ch in _SENTENCE_END), len(text))
    for start, end in ((0, cut), (cut, len(text))):
        span = _unit_in(text, start, end) or _facility_in(text, start, end)
        if span is not None:
            return span
    return None


def _facility_in(text: str, begin: int, end: int) -> Span | None:
    match = _FACILITY.search(text, begin, end)
    if not match:
        return None
    start = match.start()
    for word in _OBJECT_STOP:
        at = text.rfind(word, start, match.end() - 1)
        if at >= 0:
            start = max(start, at + len(word))
    return _span(text, start, match.end())


def _unit_in(text: str, begin: int, end: int) -> Span | None:
    for match in _OBJECT.finditer(text, begin, end):
        start = match.start()
        for word in _OBJECT_STOP:
            at = text.rfind(word, start, match.end() - 1)
            if at >= 0:
                start = max(start, at + len(word))
        start = _trim_left(text, start, match.end(), re.compile(r"(?:的|了|在|是|被|对|向|和|与|及|把|给)"))
        when = _TIME.match(text, start, match.end())  # 18年11月至今开发商: the time is not part of the name
        if when and when.end() > start and when.end() < match.end() - 1:
            start = when.end()
        span = _span(text, start, match.end())
        if span is not None and len(span.text) >= 2 and span.text not in ("公司", "政府", "中心", "局", "所", "站") \
                and not _ADDRESSEE.search(span.text):
            return span
    return None


def _clauses(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in _CLAUSE_END:
            if i > start:
                out.append((start, i))
            start = i + 1
    if start < len(text):
        out.append((start, len(text)))
    return out


def find_appeal(text: str) -> Span | None:
    """The caller's request: the last clause that asks for something (希望, 请, 要求 ...), with the clause after
    it when that one goes on with the request; failing that, the last question."""
    clauses = _clauses(text)
    asks = [i for i, (s, e) in enumerate(clauses) if _APPEAL_STRONG.search(text, s, e)
            and not _NOT_APPEAL.match(text[s:e].strip())]
    if asks:
        i = asks[-1]
        # several requests in a row are one appeal: take the run of asking clauses that ends at the last one
        first = i
        while first - 1 in asks and first - 1 >= 0 and len(text[clauses[first - 1][0]:clauses[i][1]]) < 40:
            first -= 1
        start, end = clauses[first][0], clauses[i][1]
        match = _APPEAL_STRONG.search(text, start, end)
        if match and match.start() - start <= 12:
            start = match.start()
        return _span(text, start, end)
    questions = [(s, e) for s, e in clauses if _APPEAL_QUESTION.search(text, s, e + 1)]
    if questions:
        s, e = questions[-1]
        return _span(text, s, e)
    return None


def find_phones(text: str) -> list[str]:
    """Phone numbers said aloud, as digits: every mobile or landline, and a digit string right after a phone word
    (电话, 手机, 拨打 ...) even when it is no valid number (the agent checks it)."""
    phones = [span.value for span in find_pii(text) if span.kind in ("mobile", "landline")]
    for cue in _PHONE_CUE.finditer(text):
        match = _LOOSE_NUMBER.search(text, cue.end(), cue.end() + 12)
        if match:
            digits = re.sub(r"\D", "", match.group(1))
            if digits not in phones and not any(digits in p or p in digits for p in phones):
                phones.append(digits)
    return list(dict.fromkeys(phones))


def fill(text: str, *, gazetteer=None, address: str | None = None) -> Filled:
    """Every field auto-fill finds in `text` (and the district and street of `address`, or of the text)."""
    filled = Filled()
    location = None
    if gazetteer is not None:
        location = (gazetteer.locate(address) if address else None) or gazetteer.locate(text)
        if location is not None:
            filled.district_code, filled.district = location.district_code, location.district
            filled.street_code, filled.street = location.street_code, location.street
    filled.time = find_time(text)
    filled.place = find_place(text, gazetteer_match=location.matched if location else None)
    filled.object = find_object(text)
    filled.appeal = find_appeal(text)
    filled.phones = find_phones(text)
    return filled
