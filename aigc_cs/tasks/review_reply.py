"""Task `review_reply`: the shop's public reply to a 中差评.

It thanks the customer, owns the problem without arguing, gives the path to resolution the policy allows, says what
the shop will improve and keeps order details for a private message. Private data in the review (phone, address,
order numbers) is masked before anything else sees it, and a reply that repeats any is not clean. Issues and ratings
are data (corpus/phrasebook/review_reply.yaml); the wording is prompts/offline/review_reply.j2.
"""

import re

from pydantic import BaseModel, Field

from aigc_cs.errors import UserError
from aigc_cs.export import Document, Section
from aigc_cs.guard.private import mask, private_data
from aigc_cs.kb.models import Citation, Shop
from aigc_cs.kb.products import mentioned
from aigc_cs.llm.engine import generate, spent
from aigc_cs.tasks.aftercare import (
    AftercareOutput,
    message_warnings,
    offline_text,
    one_paragraph,
    phrase_warnings,
    prompt_variables,
    short_name,
)
from aigc_cs.tasks.base import phrase_book, unique
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.faq import cite_policy, shop_kind
from aigc_cs.text import normalize

PROMPT = "review_reply"
BOOK_FILE = "phrasebook/review_reply.yaml"
LEXICON = ("blame", "rhetorical", "pressure")  # a public reply never blames, questions back or sells
MAX_OTHER_ISSUES = 2
_PLACEHOLDER = re.compile(r"【[^】]*已隐去】")


class Issue(BaseModel):
    id: str
    name: str
    kinds: list[str]
    words: list[str]
    cite: list[str]


class ReviewBook(BaseModel):
    issues: list[Issue]
    ratings: dict[int, str]
    max_review_chars: int
    forbidden: list[str]
    cite_course: list[Citation]


book = phrase_book(ReviewBook, BOOK_FILE)


class ReviewReplyInput(BaseModel):
    shop: str
    review: str
    rating: int | None = Field(default=None, description="星级 1–5；不填时按差评的语气回复")


class ReviewDraft(BaseModel):
    """What an engine writes: the public reply."""

    text: str = Field(min_length=1, description="店铺对这条评价的公开回复")


class ReviewReplyOutput(AftercareOutput):
    review: str = Field(description="the review, private data masked")
    rating: int | None = None
    grade: str = Field(description="差评 / 中评 / 好评, or empty without a rating")
    masked: bool = Field(description="the review held private data, now masked")
    issues: list[str]
    chars: int

    def title(self) -> str:
        return f"{self.grade or '评价'}回复 · {self.issues[0]}"

    def to_document(self) -> Document:
        stars = f"{self.rating}星（{self.grade}）" if self.rating else "未给星级"
        about = [f"评价：{stars}　问题：{'、'.join(self.issues)}　回复字数：{self.chars}"]
        review = [self.review] + (["（评价里的手机号、地址、订单号等隐私信息已隐去，回复里也不出现。）"] if self.masked else [])
        return self.document_with(about, [Section(heading="顾客的评价", paragraphs=review),
                                          Section(heading="公开回复", paragraphs=self.text.split("\n"))])


Input = ReviewReplyInput
Output = ReviewReplyOutput


def parse_rating(value: str | None) -> int | None:
    """The --rating option as typed: None, or a star count 1–5; anything else is one Chinese line."""
    if value is None:
        return None
    text = normalize(value).strip().removesuffix("星")
    if not text.isdigit() or int(text) not in book().ratings:
        raise UserError(f"--rating 只能是 1 到 5 的整数（1 星最差、5 星最好），收到“{value}”")
    return int(text)


def validate(inp: ReviewReplyInput) -> tuple[str, int | None]:
    """The review (normalised) and the rating; one Chinese line (`UserError`) for an empty or too long review or a
    rating outside 1–5."""
    review = normalize(inp.review).strip()
    if not review:
        raise UserError("评价内容是空的：请用 --review 写上顾客的评价，例如 --review \"裙子开线了，质量太差\"")
    limit = book().max_review_chars
    if len(review) > limit:
        raise UserError(f"评价太长（{len(review)}字），请控制在{limit}字以内，只保留顾客评价的原文")
    if inp.rating is not None and inp.rating not in book().ratings:
        raise UserError(f"--rating 只能是 1 到 5 的整数（1 星最差、5 星最好），收到“{inp.rating}”")
    return review, inp.rating


def issues_of(review: str, shop: Shop) -> list[Issue]:
    """The issues a review raises, the most mentioned first (ties in the book's order); 其他不满 when it names none.
    Overlapping words count once, for the longest (爱答不理, not 不理; 快递盒, not 快递)."""
    kind = shop_kind(shop)
    fitting = [i for i in book().issues if "any" in i.kinds or kind in i.kinds]
    spans = sorted(((m.start(), m.end(), n) for n, issue in enumerate(fitting) for word in issue.words
                    for m in re.finditer(re.escape(word), review)), key=lambda s: s[0] - s[1])
    hits = [0] * len(fitting)
    taken: list[tuple[int, int]] = []
    for start, end, n in spans:
        if not any(start < e and end > b for b, e in taken):
            taken.append((start, end))
            hits[n] += 1
    found = sorted((n for n in range(len(fitting)) if hits[n]), key=lambda n: (-hits[n], n))
    return [fitting[n] for n in found] or [i for i in fitting if not i.words][:1]


def run(inp: ReviewReplyInput, ctx: Context) -> ReviewReplyOutput:
    review, rating = validate(inp)
    shop = ctx.shop(inp.shop)
    shown = mask(review)
    issues = issues_of(_PLACEHOLDER.sub("", shown), shop)  # a placeholder's words (快递单号) are no complaint
    grade = book().ratings.get(rating, "") if rating else ""
    product = mentioned(shown, shop)
    noun = short_name(product) if product else "商品"
    others = [i.name for i in issues[1: 1 + MAX_OTHER_ISSUES]]

    def offline() -> ReviewDraft:
        text = offline_text(PROMPT, (shop.info.id, shown, str(rating)), issue=issues[0].id, others=others,
                            grade=grade, shop=shop.info, f=shop.facts, kind=shop_kind(shop), noun=noun,
                            private=shown != review)
        return ReviewDraft(text=one_paragraph(text))

    variables = prompt_variables(ctx, shop, f"{issues[0].name} {noun} {shown[:80]}", review=shown, rating=rating,
                                 grade=grade or "未给星级", issues=[i.name for i in issues])
    gen = generate(PROMPT, variables, ReviewDraft, offline, ctx.engine)
    text = gen.output.text.strip()
    warnings = gen.warnings + message_warnings(text, shop, LEXICON) + phrase_warnings(
        text, book().forbidden, "诱导改评", "公开回复不能要求顾客删除或修改评价，也不能拿补偿换好评（平台规则禁止）")
    citations = [cite_policy(shop, spec) for i in issues for spec in i.cite] + book().cite_course
    return ReviewReplyOutput(
        shop=shop.info.id, shop_name=shop.info.name, text=text, citations=unique(citations), engine=gen.engine,
        warnings=warnings, usage=spent([gen.usage]), review=shown, rating=rating, grade=grade,
        masked=bool(private_data(review)), issues=[i.name for i in issues], chars=len(text))


def reference(scenario: str, shop_id: str, ctx: Context) -> str:
    """The reply to a grading scenario, which is the review itself (“1星差评：……” gives the rating), one sentence a
    line, so that an improved student answer can take the sentences it misses."""
    rating = next((int(ch) for ch in scenario if ch in "12345" and f"{ch}星" in scenario), None)
    text = run(ReviewReplyInput(shop=shop_id, review=scenario, rating=rating), ctx).text
    return re.sub(r"(?<=[。！？])(?=.)", "\n", text)
