"""The copy of a 举报's text a department reads: names, every contact or identity number and the reporter's own
address replaced by placeholders (【姓名】【电话】【证件号】【住址】...), the reported place kept.

Over-redaction is preferred: a department that misses a detail asks the hotline; a reporter named to the
department they denounced cannot be un-named. Names come from jieba's part-of-speech tags (nr*) and from the
ways people name themselves or others in a message (我叫张伟, 本人张伟, 张先生, 老张, 姓张, 王某). An agent
reviews the result before dispatch and may correct it.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from hotline.text.pii import _fold, find_pii

PLACEHOLDERS = {
    "name": "【姓名】", "mobile": "【电话】", "landline": "【电话】", "id_number": "【证件号】",
    "bank_card": "【银行卡号】", "email": "【邮箱】", "wechat": "【微信号】", "qq": "【QQ号】", "plate": "【车牌号】",
    "address": "【住址】", "number": "【号码】",
}
PLACEHOLDER = re.compile("【(?:" + "|".join(p[1:-1] for p in set(PLACEHOLDERS.values())) + ")】")

# The commonest surnames (about 90 % of people) and the compound ones.
SURNAMES = frozenset(
    "皮封阳王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温"
    "康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成"
    "苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费"
    "卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙",
                     "宇文", "夏侯", "轩辕", "端木", "司徒", "南宫", "申屠", "澹台")
_SURNAME = "(?:" + "|".join(COMPOUND_SURNAMES) + "|[" + "".join(sorted(SURNAMES)) + "])"
_CJK = "\u4e00-\u9fff"
_NUM = "0-9一二三四五六七八九十百零〇两"
# A name never ends in these: what follows a name in a sentence, or the suffix of a place or an organisation.
_NOT_IN_NAME = set("是的了在和与及住家从向对把被说也都就还又我你他她它们，。、；：！？")
_PLACE_SUFFIX = re.compile(
    "^(?:路|街|巷|弄|道|村|镇|乡|区|县|市|省|桥|山|湖|江|河|湾|庄|屯|堡|港|岛|站|园|苑|府|城|社区|小区|花园|公寓|"
    "大厦|广场|市场|公司|集团|厂|店|超市|酒店|饭店|宾馆|医院|学校|中学|小学|幼儿园|大学|银行|楼|门|院|局|所|委|办|"
    "商|中心|公园|寺|庙|塔|厅|馆|会所|网吧|茶|酒吧|家园|新村|地块|工地|片区|菜场|农贸|物流|加油站|停车场|码头|"
    "药店|诊所|批发|餐|烧烤|小吃|汽车|驾校|工业|开发|景区|水库|大道|高速|隧道|车站|机场|电站|仓库|养殖|农庄|作坊|"
    "场|坊|阁|居|轩|斋|号)")
# Words jieba's dictionary or its HMM calls names in citizens' messages, which are none.
_NOT_NAMES = frozenset({"左转", "左拐", "右转", "高达", "应予以", "司考", "白改黑", "商转公", "服务中", "有利益", "何时能",
                        "何时休", "明地几", "段长度"})
_PLACE_SUFFIX_SECOND = re.compile("^(?:场|厂|店|馆|村|镇|园|苑|湾|庄|塘|港|寺)")
# 老/小 + a surname that is a word, not a person (小时, 老师, 小金库, 小高层...).
_FAMILIAR_WORDS = (
    "小时", "老师", "小麦", "小于", "小孔", "小路", "小米", "小车", "小包", "小费", "小曲", "小钱", "小商", "小金库",
    "小高层", "小龙虾", "小程序", "小房", "老房", "小农", "老农", "老路", "老毛病", "小白菜", "小黄车", "小黄狗",
    "老成", "小康", "小苗", "小石", "小池", "小项", "小景", "小解", "小单", "老单位", "小卫", "小宗", "小牛",
    "小马路", "老关系", "老白干", "老黄历", "小童", "小叶", "老汤", "小汤", "小温", "小微", "小额", "小时候",
    "小明细", "老旧", "小史", "老史", "小毛病", "老毛", "小吉", "老方法", "小方", "老方", "小孙子", "小童鞋",
    "小计", "小结", "小于等于", "小龙", "小雷", "老江湖", "老古董", "老师傅", "小区", "老城", "小城",
)

_HONORIFIC = ("先生|女士|小姐|师傅|阿姨|大爷|大妈|大姐|大哥|老师|同学|同志|老板娘|老板|总经理|经理|主任|书记|"
              "局长|科长|处长|队长|所长|站长|院长|校长|医生|护士|律师|警官|市长|县长|区长|镇长|乡长|村长|厅长|省长|"
              "部长|主席|委员|检察长|庭长|法官|支书|会计|组长|社长|行长|董事长|厂长|矿长|场长|厅|某某|某|"
              # 总 (王总) only where a name stands, never inside a word (资金总额)
              "总(?=[，。,.:：、；;！？\\s]|等|说|亲|答|表|称|的|在|和|与|要|让|叫|是|也|就|还|都)")
_SELF_NAMED = re.compile(rf"(?:我叫|我名叫|我名|本人叫|名叫|叫做|我是|我系|本人是|本人)\s*({_SURNAME}[{_CJK}]{{1,2}})")
# Words that label the person named next (姓名：, 举报人：, 原告；...): the name need not open with a common surname.
_NAME_LABELS = ("姓名|名字|联系人|举报人|投诉人|反映人|报告人|求助人|申请人|控告人|原告|被告|负责人|法定代表人|法人|"
                "当事人|受害人|被害人|嫌疑人|行为人|业主|户主")
# Tried at every position (a lookahead), so 举报人：姓名：申波中 finds the name after the second label too.
_LABELLED_NAME = re.compile(rf"(?=(?:{_NAME_LABELS})\s*(?:是|为|叫|:|：|;|；)\s*([{_CJK}]{{2,4}}))")
# A name with its title after it (刘庙书记, 皮若谷警官), one written in pinyin (于xiang), one followed by 等人.
_NAME_THEN_TITLE = re.compile(
    rf"({_SURNAME}[{_CJK}]{{1,2}}?)(?:书记|市长|县长|区长|镇长|乡长|村长|主任|局长|警官|院长|所长|站长|经理|老板|等人|等\d+人)")
_PINYIN_NAME = re.compile(rf"{_SURNAME}[a-z]{{2,10}}(?![A-Za-z])")
# Who someone is, then their name (邻居邱新建, 主任吕民爱, 部长:吉林付, 举报人 陈洪道).
_ROLE_THEN_NAME = re.compile(
    rf"(?:主任|局长|科长|书记|所长|部长|经理|老板|职工|员工|民警|村民|邻居|同事|丈夫|妻子|老公|老婆|儿子|女儿|父亲|"
    rf"母亲|哥哥|弟弟|姐姐|妹妹|岳父|岳母|外甥|朋友|包工头|租户|房东|举报人|投诉人|报告人|联系人|负责人)"
    rf"\s*[:：]?\s*({_SURNAME}[{_CJK}]{{1,2}})")
# A person described right after their name: 张伟，男 / 张伟（女 / 张伟，汉族 / 张伟，49岁.
_DESCRIBED = re.compile(rf"({_SURNAME}[{_CJK}]{{1,2}})(?=\s*[，,（(]\s*(?:男|女|汉族|[0-9]+岁|年龄))")
# Names listed with 、 (单晚青、袁芝润、单秋谷): each one opens with a surname.
_LISTED = re.compile(rf"{_SURNAME}[{_CJK}]{{1,2}}(?:、{_SURNAME}[{_CJK}]{{1,2}})+")
_SURNAME_FORM = re.compile(rf"{_SURNAME}姓?(?:{_HONORIFIC})")
_FAMILIAR = re.compile(rf"[老小]({_SURNAME})")
_SURNAME_IS = re.compile(rf"姓\s*({_SURNAME})")
# Honorifics that only ever follow a person (张先生 even where jieba reads 张先 as a word).
_PERSON_WORDS = ("先生", "女士", "小姐", "师傅", "阿姨", "大爷", "大妈", "某某", "某")
_STARTS_WITH_SURNAME = re.compile(_SURNAME)

# The reporter's own address: after the words that say "I live at", up to the end of the clause.
_ADDRESS_CUE = re.compile(
    r"(?:家庭住址|家住|住址|住所|居住在|居住于|居住|现住|住在|住于|我家在|我家住|家在|本人住|我住|住处)"
    r"\s*(?:是|为|在|:|：|;|；)?\s*([^，。；！？,;!?\n]{2,40})")
# Where the reporter comes from: 系M5市湄江镇四方村人, 我是王家村人.
_NATIVE_OF = re.compile(rf"(?:系|是|为)([^，。；！？,;!?\n]{{2,24}}?(?:村|镇|乡|组|社区|屯|寨))(?:人|村民|居民)")
_BARE_LIVE = re.compile(r"(?<![居入记保抓站忍挡堵封停])住(?![建房宅户院宿持手口嘴了着过])([^，。；！？,;!?\n]{2,40})")
_HOUSE_LEVEL = re.compile(rf"[{_NUM}]+\s*(?:号楼|号|栋|幢|单元|室|楼|层)")
# Unit-level details identify a household wherever they appear in a 举报; a building alone stays (5栋).
_UNIT_LEVEL = re.compile(
    rf"(?:[{_NUM}]+\s*(?:栋|幢|号楼|座)\s*)?[{_NUM}]+\s*单元(?:\s*[{_NUM}]+\s*(?:楼|层))?"
    rf"(?:\s*[{_NUM}]+\s*(?:室|号|房|户)?)?"
    rf"|(?:[{_NUM}]+\s*(?:栋|幢|号楼|座)\s*)?(?<![0-9])[0-9]{{3,4}}\s*(?:室|房|户)"
    rf"|[{_NUM}]+\s*(?:栋|幢|号楼)\s*[0-9]{{3,4}}(?![0-9])")
_LONG_NUMBER = re.compile(r"(?<![0-9])[0-9](?:[ .-]?[0-9]){6,}(?![0-9])")
# A number already masked for staff (138****2345, 330302********1235): its digits are still the reporter's.
_MASKED_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]+\*{2,}[0-9]*|\*{2,}[0-9]+)(?![0-9])")

RARE_WORD_FREQ = 50  # jieba dictionary counts: real names are rare words there, or absent
COMMON_WORD_FREQ = 200
# Surnames that are also everyday characters on their own.
AMBIGUOUS_SURNAMES = frozenset("和向于应何安高余任万钱严常温石方白时明解全成司古路游管车项连左上中时关齐易")
_lock = threading.Lock()
_pos_tokenizer = None


@dataclass(frozen=True)
class Reporter:
    """What the ticket knows of the reporter, so their own name and digits go wherever they appear."""

    name: str | None = None
    phone: str | None = None
    id_number: str | None = None


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int


def load() -> None:
    """Build the part-of-speech tokenizer once per process (about a second); called at start-up."""
    _tokens("预热")


def _pos():
    global _pos_tokenizer
    with _lock:
        if _pos_tokenizer is None:
            import jieba
            import jieba.posseg

            from classifier.tokenize import USER_DICT

            jieba.setLogLevel(60)
            tokenizer = jieba.Tokenizer()
            tokenizer.load_userdict(str(USER_DICT))  # the hotline's own words are not names
            tokenizer.initialize()
            _pos_tokenizer = jieba.posseg.POSTokenizer(tokenizer)
    return _pos_tokenizer


def _tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(word, flag, start, end) for every jieba word of `text`."""
    out, position = [], 0
    for pair in _pos().lcut(text, HMM=True):
        out.append((pair.word, pair.flag, position, position + len(pair.word)))
        position += len(pair.word)
    return out


def _name_length(text: str, start: int, surname_len: int, tokens: list[tuple[str, str, int, int]]) -> int:
    """How long the name starting at `start` is: jieba's word when it is a name, else surname + 1-2 characters
    that can be part of a name."""
    for word, flag, w_start, w_end in tokens:
        if w_start == start and flag.startswith("nr") and 2 <= len(word) <= 4:
            end = start + len(word)
            # jieba cut 李明|大. : a name character standing before the clause ends belongs to the name.
            if len(word) == surname_len + 1 and end < len(text) and _name_char(text[end]) \
                    and (end + 1 == len(text) or not "\u4e00" <= text[end + 1] <= "\u9fff"):
                end += 1
            return end - start
    end = start + surname_len
    while end < len(text) and end - start < surname_len + 2 and "\u4e00" <= text[end] <= "\u9fff" \
            and text[end] not in _NOT_IN_NAME:
        end += 1
    return end - start


def _name_char(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" and char not in _NOT_IN_NAME


def _in_book_title(text: str, start: int) -> bool:
    """Inside 《...》 or “...”: the name of a shop, a work or a company, not a person."""
    opened = max(text.rfind("《", 0, start), text.rfind("“", 0, start))
    closed = max(text.rfind("》", 0, start), text.rfind("”", 0, start))
    return opened > closed


def _plausible_name_start(start: int, tokens: list[tuple[str, str, int, int]]) -> bool:
    """A surname found by a pattern opens a name only where jieba starts a word, and that word is the surname
    itself, a name, or a rare word: 周边, 安全, 曾经, 马路, 谢谢 are words, not people. A surname that is also
    an everyday character (和, 向, 于...) must be followed by a rare word (和同学 is no one)."""
    for i, (word, flag, w_start, _) in enumerate(tokens):
        if w_start == start:
            if word in COMPOUND_SURNAMES or (len(word) > 1 and _rare_or_name(word, flag)):
                return True
            if len(word) != 1:
                return False
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            return word not in AMBIGUOUS_SURNAMES or (
                following is not None and len(following[0]) <= 2 and _frequency(following[0]) < RARE_WORD_FREQ)
        if w_start > start:
            return False
    return False


def _frequency(word: str) -> int:
    return _pos().tokenizer.FREQ.get(word) or 0


def _rare_or_name(word: str, flag: str) -> bool:
    """jieba's dictionary tags many everyday words as names (谢谢, 明白, 安静 are `nr` there): a name it finds
    must be rare in its dictionary, and not open with an everyday word (何时能, 严肃查处, 安全措施)."""
    if _frequency(word) >= RARE_WORD_FREQ or not (flag.startswith("nr") or flag in ("x", "n")):
        return False
    return len(word) < 3 or _frequency(word[:2]) < COMMON_WORD_FREQ


def _is_place(text: str, end: int) -> bool:
    """What follows makes it a place or an organisation: 黄龙|商贸城, 谷塘|渔场 (not 张伟|家楼下)."""
    if _PLACE_SUFFIX.match(text[end:end + 3]):
        return True
    return end < len(text) and _name_char(text[end]) and text[end] != "家" \
        and bool(_PLACE_SUFFIX_SECOND.match(text[end + 1:end + 2]))


def _name_spans(text: str, reporter: Reporter, tokens: list[tuple[str, str, int, int]]) -> list[Span]:
    spans: list[Span] = []
    if reporter.name and len(reporter.name.strip()) >= 2:
        for match in re.finditer(re.escape(reporter.name.strip()), text):
            spans.append(Span("name", match.start(), match.end()))
    for match in [*_SELF_NAMED.finditer(text), *_ROLE_THEN_NAME.finditer(text)]:
        start = match.start(1)
        if not _plausible_name_start(start, tokens):
            continue
        surname_len = 2 if text[start:start + 2] in COMPOUND_SURNAMES else 1
        length = _name_length(text, start, surname_len, tokens)
        if length > surname_len and not _is_place(text, start + length):
            spans.append(Span("name", start, start + length))
    for match in _LABELLED_NAME.finditer(text):
        value = match.group(1)
        cut = next((i for i, c in enumerate(value) if c in _NOT_IN_NAME), len(value))
        if cut >= 2 and not _is_place(text, match.start(1) + cut) and not re.match(_NAME_LABELS, value):
            spans.append(Span("name", match.start(1), match.start(1) + min(cut, 3)))
    for match in _NAME_THEN_TITLE.finditer(text):
        name = match.group(1)
        if len(name) >= 2 and all(_name_char(c) and not _PLACE_SUFFIX.match(c) for c in name[1:]) \
                and _plausible_name_start(match.start(1), tokens):
            spans.append(Span("name", match.start(1), match.end(1)))
    spans += [Span("name", m.start(), m.end()) for m in _PINYIN_NAME.finditer(text)]
    for pattern in (_DESCRIBED, _LISTED):
        for match in pattern.finditer(text):
            parts = [(match.start() + p.start(), match.start() + p.end())
                     for p in re.finditer(r"[^、]+", match.group())]
            if all(_plausible_name_start(start, tokens) and not _is_place(text, end) for start, end in parts):
                spans += [Span("name", start, end) for start, end in parts]
    spans += [Span("name", m.start(), m.end()) for m in _SURNAME_FORM.finditer(text)  # 张先生, 王某
              if _plausible_name_start(m.start(), tokens) or text[m.start() + 1:m.start() + 3] in _PERSON_WORDS
              or text[m.start() + 1:m.start() + 2] in _PERSON_WORDS]
    spans += [Span("name", m.start(1), m.end(1)) for m in _SURNAME_IS.finditer(text)  # 姓张 (not 百姓)
              if text[m.start() - 1:m.start()] != "百"]
    for match in _FAMILIAR.finditer(text):  # 老张, 小王
        if not text.startswith(_FAMILIAR_WORDS, match.start()) and not _is_place(text, match.end()):
            spans.append(Span("name", match.start(), match.end()))
    for word, flag, start, end in tokens:
        # jieba tags many words as names (小金库, 谢谢, 黄龙...): a name it finds must be rare, open with a
        # surname and not be followed by what makes it a place or an organisation.
        if flag.startswith("nr") and (2 <= len(word) <= 3 or word[:2] in COMPOUND_SURNAMES) \
                and _STARTS_WITH_SURNAME.match(word) and word not in _NOT_NAMES and _rare_or_name(word, flag) and not _is_place(text, end) and not _PLACE_SUFFIX.match(word[-1]) \
                and not text.startswith(_FAMILIAR_WORDS, start) and not _in_book_title(text, start):
            spans.append(Span("name", start, end))
    # A name found once is hidden wherever else it is written.
    for name in {text[s.start:s.end] for s in spans if s.end - s.start >= 2}:
        spans += [Span("name", m.start(), m.end()) for m in re.finditer(re.escape(name), text)]
    return spans


def _address_spans(text: str) -> list[Span]:
    spans = [Span("address", m.start(1), m.end(1)) for pattern in (_ADDRESS_CUE, _NATIVE_OF)
             for m in pattern.finditer(text)]
    for match in _BARE_LIVE.finditer(text):
        if _HOUSE_LEVEL.search(match.group(1)):
            spans.append(Span("address", match.start(1), match.end(1)))
    spans += [Span("address", m.start(), m.end()) for m in _UNIT_LEVEL.finditer(text)]
    return spans


def _number_spans(text: str, reporter: Reporter) -> list[Span]:
    folded = _fold(text)
    spans = [Span(s.kind, s.start, s.end) for s in find_pii(text)]
    spans += [Span("number", m.start(), m.end()) for m in _LONG_NUMBER.finditer(folded)]
    spans += [Span("number", m.start(), m.end()) for m in _MASKED_NUMBER.finditer(folded)]
    # The reporter's own digits in any shorter form (尾号2345): every standalone group of 4+ of them.
    for number in (reporter.phone, reporter.id_number):
        if number:
            for size in (4, 5, 6):
                tail = re.escape(number[-size:])
                spans += [Span("number", m.start(), m.end())
                          for m in re.finditer(rf"(?<![0-9]){tail}(?![0-9])", folded)]
    return spans


def redaction_spans(text: str, reporter: Reporter | None = None) -> list[Span]:
    """Non-overlapping spans to replace, in order; overlapping findings merge and the longest one names them."""
    reporter = reporter or Reporter()
    tokens = _tokens(text) if text else []
    found = sorted(_number_spans(text, reporter) + _address_spans(text) + _name_spans(text, reporter, tokens),
                   key=lambda s: (s.start, -(s.end - s.start)))
    merged: list[Span] = []
    for span in found:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            longest = last if (last.end - last.start) >= (span.end - span.start) else span
            merged[-1] = Span(longest.kind, last.start, max(last.end, span.end))
        else:
            merged.append(span)
    return merged


def redact(text: str | None, reporter: Reporter | None = None) -> str | None:
    """`text` as the department reads it."""
    if text is None:
        return None
    pieces, position = [], 0
    for span in redaction_spans(text, reporter):
        pieces.append(text[position:span.start])
        pieces.append(PLACEHOLDERS[span.kind])
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


def leaks(text: str, reporter: Reporter | None = None) -> list[str]:
    """What in an agent's corrected copy would still identify someone: kinds of personal data found, and the
    reporter's own name. Empty when the copy may go to the department."""
    reporter = reporter or Reporter()
    found = find_pii(text)
    kinds = sorted({s.kind for s in found} | {
        "number" for m in _LONG_NUMBER.finditer(_fold(text))
        if not any(s.start < m.end() and m.start() < s.end for s in found)})
    if reporter.name and len(reporter.name.strip()) >= 2 and reporter.name.strip() in text:
        kinds.append("name")
    return kinds
