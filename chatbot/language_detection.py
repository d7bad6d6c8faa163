"""Which of zh_CN, zh_TW or en a message is written in (pure Python, no Rasa imports)."""

from __future__ import annotations

import re

# Pairs of common characters: (traditional-only, simplified-only), aligned by position.
_TRADITIONAL = (
    "這個們來說時會對過還後從發問題間為與關於應該將請謝處辦繳費電話號碼帳單務報修聯資訊區網頁證書"
    "錯誤開樓層車輛場餘額儲轉廳確認預醫掛診療運輸觀購買飯員麼嗎幫筆氣燈壞當沒經見進邊讓舊寫實現點"
    "線視聽歲愛種類記錄歡賬戶門優約給纜營業學習體檢藥夠條舉辭職態覺結產權檔案這邊價錢張貼"
)
_SIMPLIFIED = (
    "这个们来说时会对过还后从发问题间为与关于应该将请谢处办缴费电话号码帐单务报修联资讯区网页证书"
    "错误开楼层车辆场余额储转厅确认预医挂诊疗运输观购买饭员么吗帮笔气灯坏当没经见进边让旧写实现点"
    "线视听岁爱种类记录欢账户门优约给缆营业学习体检药够条举辞职态觉结产权档案这边价钱张贴"
)
# Characters that are the same in both scripts cancel out; keep only real differences.
TRADITIONAL_ONLY = frozenset(t for t, s in zip(_TRADITIONAL, _SIMPLIFIED, strict=True) if t != s)
SIMPLIFIED_ONLY = frozenset(s for t, s in zip(_TRADITIONAL, _SIMPLIFIED, strict=True) if t != s)
# Folding the traditional characters we know onto their simplified forms lets both scripts
# share the same character n-gram features (a one-to-one map: offsets do not move).
TO_SIMPLIFIED = str.maketrans({t: s for t, s in zip(_TRADITIONAL, _SIMPLIFIED, strict=True)
                               if t != s})
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
# One Latin word alone ("abc", "A3", a name typed into a form) does not switch a Chinese
# conversation to English unless it is a word people use to talk to the bot.
ENGLISH_WORDS = frozenset("""
hi hello hey yo morning evening thanks thank thx ty bye goodbye yes yeah yep yup no nope
nah ok okay sure confirm submit cancel stop quit exit skip help agent human person staff
operator menu pay bill bills repair track status start services service faq question english
""".split())


def detect_language(text: str) -> str | None:
    """zh_TW, zh_CN or en for a message; None when the language is not evident."""
    if _CJK.search(text):
        traditional = sum(ch in TRADITIONAL_ONLY for ch in text)
        simplified = sum(ch in SIMPLIFIED_ONLY for ch in text)
        return "zh_TW" if traditional > simplified else "zh_CN"
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) >= 2 or (words and words[0] in ENGLISH_WORDS):
        return "en"
    return None
