"""Which sub-item of a matter family a question means: the words callers use for each kind of sub-item, and
how far the search ranking puts one sub-item ahead of its siblings."""
from __future__ import annotations

import re
from typing import Any, Mapping

from knowledge import text

# Words a caller uses for a kind of sub-item; the key is a piece of the sub-item's name it applies to. Checked only
# among the siblings of the family the gate accepted, so a word may be broad ("交" for paying into a scheme).
SUB_ITEM_CUES = {
    "补": ("补办", "补领", "补发", "补证", "补一张", "补个", "补一个", "补一本", "丢了", "丢失", "遗失", "掉了", "被偷",
           "找不到", "弄丢", "不见了", "丢哪"),
    "换": ("换领", "换发", "换证", "换一张", "换新", "换个新", "换本", "到期", "过期", "期满", "损坏", "坏了", "更换",
           "消磁", "烂了", "破了", "旧了", "换成", "写错", "打错", "信息错", "有误"),
    "首": ("首次", "第一次", "初次", "新办", "首办", "刚满", "头一次", "从来没办", "从没办", "没办过", "还没办过"),
    "初": ("首次", "第一次", "初次", "新办", "初领", "考驾照", "学车", "初级", "助理"),
    "新": ("新办", "新开", "开一家", "开个", "开店", "想开", "要开", "准备开", "开饭店", "开餐馆", "开公司"),
    "变": ("变更", "更改", "修改", "改名", "改地址", "地址要改", "搬了", "搬到", "换了个", "换法人", "增加", "加个"),
    "注销": ("注销", "不干了", "关掉", "不开了", "关门", "销掉", "销户", "报废"),
    "简易": ("简易", "没经营", "没有经营", "未经营", "没开业", "快点注销", "快速注销"),
    "迁入": ("迁入", "迁进", "落户", "迁来", "迁过来", "落到"),
    "迁出": ("迁出", "迁走", "迁到外地", "迁回", "迁往"),
    "延": ("延期", "延续", "续期", "续办", "到期", "要续"),
    "临时": ("临时",),
    "出生": ("出生", "刚生", "新生儿", "生了", "报户口", "上户口"),
    "死亡": ("去世", "过世", "死亡", "身故", "走了", "死了"),
    "姓名": ("改名", "改姓", "名字", "姓名"),
    "投靠": ("投靠", "夫妻", "爸妈", "父母", "老人", "配偶", "老公", "老婆", "子女"),
    "人才": ("人才", "毕业", "学历", "大学生", "研究生", "本科", "录用"),
    "住所": ("买房", "买了套", "购房", "房子上", "新房"),
    "居住登记": ("暂住", "租了房", "租房", "房东", "居住登记"),
    "签注": ("签注", "续签", "签一次", "年审", "签一下"),
    "增加": ("增驾", "增加", "升级", "b2", "a2", "a1", "b1"),
    "期满": ("到期", "期满", "过期", "有效期"),
    "注册": ("新车", "上牌", "提车", "提了"),
    "转移": ("过户", "二手车", "转让"),
    "抵押": ("抵押", "车贷", "解押"),
    "购买": ("买房", "购房", "买了套", "首付", "买了一套", "买商品房"),
    "租赁住房": ("租房", "房租", "租住"),
    "退休": ("退休",),
    "离职": ("离职", "辞职", "不干了", "辞退", "回老家"),
    "偿还": ("还房贷", "还贷", "商贷", "商业贷款", "还贷款"),
    "提前": ("提前还", "还清", "还掉", "一次性还"),
    "贷款申请": ("贷款买房", "申请贷款", "贷多少", "能贷"),
    "单位": ("单位", "公司", "员工", "企业", "职工"),
    "个人": ("个人", "自己", "自由职业", "灵活就业", "个体"),
    "小学": ("小学", "一年级", "幼升小"),
    "初中": ("初中", "小升初", "六年级", "初一"),
    "结婚": ("结婚", "领证", "扯证"),
    "离婚": ("离婚",),
    "挂失": ("挂失", "冻结", "怕被", "解挂"),
    "参保": ("参保", "交", "缴", "参加"),
    "待遇": ("领钱", "领取", "领养老金", "满六十", "满60", "60岁", "六十岁", "待遇"),
    "中级": ("中级", "评审", "评中"),
    "设立": ("注册", "成立", "新办", "开一家", "开个", "想开", "要开", "合伙"),
    "代开": ("代开", "个人开", "我是个人", "劳务", "帮一家", "房租发票"),
    "额度": ("额度", "不够用", "调高", "申领发票"),
    "城乡居民": ("小孩", "孩子", "学生", "老人", "居民医保", "农村", "没工作"),
    "灵活就业": ("灵活就业", "辞职", "个人", "自己交", "断了", "断缴", "自由职业"),
    "长期": ("长期", "常住", "定居", "住那边", "养老"),
    "转诊": ("转诊", "转院", "大医院", "上级医院", "医生建议"),
    "临时外出": ("出差", "旅游", "探亲", "突然", "急诊"),
    "公共租赁": ("公租房", "廉租房", "保障房"),
    "补贴": ("补贴",),
    "新建": ("新房", "开发商", "交房", "一手房", "期房"),
    "存量": ("二手房", "卖房", "买卖"),
    "继承": ("继承", "过世", "去世", "遗产"),
    "赠与": ("赠与", "送给", "过户给"),
}
# "还没过期", "没丢": a cue word the caller denies; "重新办" is not "新办".
NEGATED = re.compile(r"(?:还|并|也)?(?:没|没有|未|不是|不)(?:过期|到期|丢|坏|满)|重新")
SUB_ITEM_MARGIN = 0.6  # fused-score lead of the best sub-item over its next sibling that settles which one is meant


def sub_item_mentioned(question: str, matter: Mapping[str, Any]) -> bool:
    """Does the question name this sub-item or a word callers use for its kind (the family's own name aside)?"""
    sub = matter.get("sub_item")
    if not sub:
        return False
    asked = NEGATED.sub("", text.normalise(question).replace(text.normalise(matter["main_item"]), ""))
    if text.normalise(sub) in asked:
        return True
    return any(mark in sub and any(cue in asked for cue in cues) for mark, cues in SUB_ITEM_CUES.items())


def choose_sub_item(question: str, family: list[dict[str, Any]], scores: Mapping[str, float]) -> dict[str, Any] | None:
    """The sub-item of `family` the question means, or None when it does not say (then the chat asks).

    `scores` are the fused search scores of the family's sub-items that ranked (by code). A cue naming exactly one
    sub-item wins unless the ranking clearly prefers another (then the two disagree: ask); several cues are settled
    by the ranking; with no cue the ranking must lead by SUB_ITEM_MARGIN, twice that when the question names the
    family itself ("户口迁移怎么办理" says which family, not which sub-item).
    """
    if len(family) == 1:
        return family[0]
    ordered = sorted(family, key=lambda m: -scores.get(m["code"], 0.0))
    top, second = ordered[0], ordered[1]
    lead = scores.get(top["code"], 0.0) - scores.get(second["code"], 0.0)
    named = [m for m in family if sub_item_mentioned(question, m)]
    if len(named) == 1:
        return named[0] if named[0] is top or lead < SUB_ITEM_MARGIN else None
    if named:
        return top if top in named and lead >= SUB_ITEM_MARGIN / 2 else None
    names_family = text.normalise(top["main_item"]) in text.normalise(question)
    return top if lead >= SUB_ITEM_MARGIN * (2 if names_family else 1) else None




def only_sub_item_words(question: str, intent_words: frozenset[str]) -> bool:
    """"那补办呢？": nothing but a kind of sub-item and asking words, a follow-up about the family being discussed."""
    asked = text.normalise(question)
    for cues in SUB_ITEM_CUES.values():
        for cue in cues:
            asked = asked.replace(cue, " ")
    return not (set(text.words(asked)) - intent_words)
