"""Direct quotes and their speakers."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ..data import cached_per_data_dir, read_yaml
from .claim_rules import ClaimRules, _forms, claim_rules
from .claims import _ACCORDING, ClaimDraft, _subjects, _subtree_span, lemma_lc

# --- direct quotes -------------------------------------------------------------------------------------------

_QUOTE = re.compile(r"“(?P<c>[^”]{2,}?)”|\"(?P<s>[^\"\n]{2,}?)\"")


def find_quotes(text: str) -> list[tuple[int, int, int, int]]:
    """(open_mark, content_start, content_end, close_mark_end) for each outermost quoted segment within a
    paragraph. A quote inside a quote ('"He told me 'we will not sign' and left," Costa said.', or the British
    'He told me "we will not sign"' ) is part of the outer speaker's words, never a quote of its own."""
    out = []
    for m in _QUOTE.finditer(text):
        group = "c" if m.group("c") is not None else "s"
        start, c_end, end = m.start(), m.end(group), m.end()
        if group == "c" and "“" in m.group(group):
            # “He said “no” and left,” - a curly quote nested in a curly quote: the outer one ends later. Not across
            # a line break: a quote running over paragraphs leaves each one open (“A ...\n“B ...”).
            nested_end = _nested_curly_end(text, m.start())
            if nested_end[1] > 0:
                c_end, end = nested_end
        if "\n\n" in text[m.start(group):c_end] or (out and start < out[-1][3]):
            continue
        out.append((start, m.start(group), c_end, end))
    singles = [q for q in single_quotes(text) if _single_is_speech(text, q) and not any(a <= q[0] < b for a, _, _, b in out)]
    if singles:  # an outer single-quoted quote swallows the double quotes inside it
        out = [q for q in out if not any(a < q[0] and q[3] <= b for a, _, _, b in singles)] + singles
        out.sort()
    return out


def _single_is_speech(text: str, q: tuple[int, int, int, int]) -> bool:
    """Single marks quote speech only in the British layout: the words end inside the marks with a comma ('We will
    not sign,' Costa said.), or with a full stop, question or exclamation mark and a speech verb follows in the same
    paragraph. A headline's 'Disgusting Fraud.', a title or a scare quote in single marks is not speech."""
    last = text[q[2] - 1]
    if last == ",":
        return True
    if last not in ".?!…":
        return False
    after = text[q[3]:q[3] + 80].split("\n", 1)[0]
    return re.match(r"\s*(?:[A-Z][\w.'’\-]*\s+){0,4}?(?:" + speech_forms() + r")\b", after) is not None


def _nested_curly_end(text: str, start: int) -> tuple[int, int]:
    """(content end, close mark end) of the curly quote opening at ``start``, counting nested “…” pairs;
    (-1, -1) when it is not closed on its line."""
    depth = 0
    for k in range(start, len(text)):
        ch = text[k]
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth -= 1
            if depth == 0:
                return k, k + 1
        elif ch == "\n":
            break
    return -1, -1


_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[“\"—–]))(?P<m>['‘])(?=[^\W\d_]|[“\"])", re.M)
_SINGLE_CLOSE = re.compile(r"(?<=[^\s'‘])(?P<m>['’])(?=$|[\s,.;:!?)\]”\"—–])", re.M)


def single_quotes(text: str) -> list[tuple[int, int, int, int]]:
    """Quotes in single marks, straight or curly ('we will not sign', ‘sovereign’), within a paragraph. An
    apostrophe is never a quote mark: an opening mark follows a space or an opening bracket and precedes a letter
    ("it's", "Rocket Lab's", "'90s" cannot open), a closing mark follows a character and precedes a space or
    punctuation, and a plural possessive ("the partners' deal": an s, the mark, a space and a word) cannot close."""
    closes = [m.start() for m in _SINGLE_CLOSE.finditer(text)
              if not (text[m.start() - 1] in "sS" and re.match(r" [A-Za-z]", text[m.start() + 1:m.start() + 3]))]
    out: list[tuple[int, int, int, int]] = []
    for m in _SINGLE_OPEN.finditer(text):
        o = m.start()
        if out and o < out[-1][3]:
            continue
        close_mark = "'" if text[o] == "'" else "’"
        para_end = text.find("\n\n", o)
        para_end = len(text) if para_end < 0 else para_end
        k = bisect.bisect_right(closes, o)
        while k < len(closes) and text[closes[k]] != close_mark:
            k += 1
        c = closes[k] if k < len(closes) and closes[k] < para_end else None
        if c is not None and c - o > 2:  # 'A' (a letter named in quotes) pairs with its own mark: no quote
            out.append((o, o + 1, c, c + 1))
    return out


_PRONOUNS = {"he", "she", "they", "it", "we", "i"}


@dataclass
class _QuoteRun:
    """The speaker carried from quote to quote: the last speaker named (pronouns included), the last one that is a
    name, and the paragraph and verb of the last attributed quote."""

    last_speaker: tuple[Span | None, str | None] = (None, None)
    last_named: tuple[Span | None, str | None] = (None, None)  # the last speaker that is not a pronoun
    last_para: int = -1
    last_verb: str | None = None
    last_para_end: int = -1


@dataclass
class _Attributed:
    """Where one quote's attribution was found: the verb, the speaker's character range (or a speaker carried over
    from the paragraphs before), the quoted pieces (two when the quote is split around its attribution)."""

    verb: str | None
    speaker_range: tuple[int, int] | None
    run_speaker: tuple[Span | None, str | None] | None
    pieces: list[str]
    span_end: int
    joined: bool
    after: str
    attribution: tuple[str, int, int, int] | None
    para_start: int
    para_end: int


def quote_claims(doc: Doc, quotes: list[tuple[int, int, int, int]], text: str | None = None) -> list[ClaimDraft]:
    """One ``quote`` claim per direct quote that someone is said to have spoken; a quote split around its
    attribution or continued in the same paragraph stays one claim."""
    rules = claim_rules()
    text = doc.text if text is None else text
    drafts: list[ClaimDraft] = []
    run = _QuoteRun()
    i = 0
    while i < len(quotes):
        quote = quotes[i]
        q_open, c_start, c_end, _ = quote
        if _is_term_or_title(text, q_open, c_start, c_end):
            i += 1
            continue
        att = _attribute_quote(doc, text, quotes, i, rules, run)
        i += 2 if att.joined else 1
        spoken = att.speaker_range is not None and (att.verb in speech_verbs() or att.verb == "put")
        if (att.speaker_range is None and _is_scare(text, q_open, c_start, c_end)) \
                or (not spoken and att.run_speaker is None and _is_term(text, q_open, c_start, c_end)):
            continue  # scare quotes, titles and coined terms are not speech: no quote claim
        if att.run_speaker is None and att.speaker_range is None and att.verb is not None \
                and run.last_para == att.para_start and drafts:
            _extend_quote(doc, drafts[-1], att, q_open)  # '"A," said X. "B."' - B continues X's quote
            continue
        drafts.append(_quote_draft(doc, text, quote, att, run))
    return drafts


def _attribute_quote(doc: Doc, text: str, quotes: list[tuple[int, int, int, int]], i: int, rules: ClaimRules,
                     run: _QuoteRun) -> _Attributed:
    """The attribution of quote ``i``: after the quote (up to the end of the sentence or the next quote of the
    paragraph), else before it, else from the parse, else carried from the speaker before."""
    q_open, c_start, c_end, q_close = quotes[i]
    para_end = text.find("\n\n", q_close)
    para_end = len(text) if para_end == -1 else para_end
    para_start = text.rfind("\n\n", 0, q_open)
    para_start = 0 if para_start == -1 else para_start + 2
    nxt = quotes[i + 1] if i + 1 < len(quotes) and quotes[i + 1][0] < para_end else None
    after = text[q_close:nxt[0] if nxt else para_end]
    att = _Attributed(verb=None, speaker_range=None, run_speaker=None, pieces=[text[c_start:c_end]], span_end=q_close,
                      joined=False, after=after, para_start=para_start, para_end=para_end,
                      attribution=_attribution_after(after, rules, closed=text[c_start:c_end].rstrip().endswith(".")))
    if att.attribution:
        att.verb, rel_start, rel_end, match_end = att.attribution
        att.speaker_range = (q_close + rel_start, q_close + rel_end)
        # "“A,” said X, “B.”" / "“A,” X said, “b.”" - a split quote continues after the attribution.
        if nxt and text[q_close + max(rel_end, match_end):nxt[0]].strip(" ,") == "":
            att.pieces.append(text[nxt[1]:nxt[2]])
            att.span_end = nxt[3]
            att.joined = True
        return att
    found = _attribution_before(text[para_start:q_open], rules)
    if found:
        att.verb = found[0]
        att.speaker_range = (para_start + found[1], para_start + found[2])
    elif (parsed := _attribution_parse(doc, text, c_start, c_end, quotes, rules,
                                       previous=not (run.last_para == para_start and run.last_speaker[1]))) is not None:
        # 'X said the aim was to "put Europe back ..."', 'X called the plan "reckless"': the subject of the
        # speech verb the quoted words hang from.
        att.verb, att.speaker_range = parsed[0], (parsed[1], parsed[2])
    elif run.last_para == para_start and run.last_speaker[1]:
        # A further quote in the same paragraph with no attribution of its own continues the last speaker.
        att.verb = run.last_verb
    elif run.last_speaker[1] and run.last_para >= 0 and _follows_paragraph(text, run.last_para_end, q_open):
        # A paragraph that opens with a quote and names no speaker continues the speaker of the paragraph
        # before (a run of paragraphs quoting one person).
        att.verb, att.run_speaker = run.last_verb, run.last_speaker
    return att


def _joined_pieces(pieces: list[str]) -> str:
    return " ".join(" ".join(p.strip().rstrip(",").split()) for p in pieces)


def _extend_quote(doc: Doc, prev: ClaimDraft, att: _Attributed, q_open: int) -> None:
    """A further quote of the same speaker in the same paragraph: one quote, extended."""
    span_end = att.span_end
    prev.quote_text = f"{prev.quote_text} {_joined_pieces(att.pieces)}"
    end_tok = doc.char_span(max(q_open, span_end - 1), span_end, alignment_mode="expand")
    prev.end_char = max(prev.end_char, end_tok.sent.end_char if end_tok is not None else span_end)
    prev.clause_end = max(prev.clause_end, span_end)


def _quote_speaker(doc: Doc, text: str, att: _Attributed, run: _QuoteRun):
    """(speaker span, speaker text, fallback speaker) of a quote, updating the run of speakers."""
    speaker = speaker_text = fallback = None
    if att.run_speaker is not None:
        speaker, speaker_text = att.run_speaker
        if speaker_text.lower() in _PRONOUNS and run.last_named[1]:
            fallback = run.last_named
    if att.speaker_range:
        speaker = doc.char_span(*att.speaker_range, alignment_mode="expand")
        speaker_text = " ".join(text[att.speaker_range[0]:att.speaker_range[1]].split())
        if speaker_text.lower() in _PRONOUNS and run.last_named[1]:
            # The pronoun is resolved by the article's references; the last named speaker is the fallback.
            fallback = run.last_named
        if speaker_text.lower() not in _PRONOUNS:
            run.last_named = (speaker, speaker_text)
        # A pronoun speaker also carries a run of paragraphs ('Though she called it “outrageous” ... ¶ “If any
        # bank ...”'): the next paragraph is hers, whoever was named last.
        run.last_speaker = (speaker, speaker_text)
    return speaker, speaker_text, fallback


def _quote_draft(doc: Doc, text: str, quote: tuple[int, int, int, int], att: _Attributed,
                 run: _QuoteRun) -> ClaimDraft:
    """The quote claim: its sentences, speaker, "according to" source; starts a run of paragraphs when a speaker
    is named."""
    q_open = quote[0]
    speaker, speaker_text, fallback = _quote_speaker(doc, text, att, run)
    rng = att.speaker_range
    start = min(q_open, rng[0]) if rng else q_open
    end = max(att.span_end, rng[1]) if rng else att.span_end
    start_sent = doc.char_span(start, start + 1, alignment_mode="expand")
    end_sent = doc.char_span(max(start, end - 1), end, alignment_mode="expand")
    s0 = start_sent.sent.start_char if start_sent is not None else start
    s1 = end_sent.sent.end_char if end_sent is not None else end
    accord = _ACCORDING.search(att.after[:200]) or _ACCORDING.search(text[att.para_start:q_open])
    verb = att.verb
    d = ClaimDraft(
        claim_type="quote", predicate=verb or "say", start_char=s0, end_char=max(s1, end),
        clause_start=start, clause_end=end, speaker=speaker, speaker_text=speaker_text,
        subject=speaker, subject_text=speaker_text, quote_text=_joined_pieces(att.pieces), quote_style="direct",
        reporting_verb=verb, attribution=" ".join(accord.group("src").split()) if accord else None,
        modality="reported", modality_cue=verb or ("according to" if accord else None), key=f"q{q_open}",
    )
    if not speaker_text and accord:
        d.speaker_text = d.subject_text = d.attribution
    if fallback is not None:
        d.extra["fallback_speaker"] = fallback
    if speaker_text and not (att.attribution and _DASH_SIGNED.match(att.after)):
        # ('“...” ― Ana Ruiz' signs one quote of a list of people's answers: it starts no run of paragraphs.)
        run.last_para, run.last_verb, run.last_para_end = att.para_start, verb, att.para_end
    return d


_DASH_SIGNED = re.compile(r"\s*[―—–]\s*[A-Z]")

# A name word: "Reed", "O'Neill", "Sen.", "U.S.", the middle initial of "Ana N Ruiz" - a period only after an
# abbreviation, never a sentence's end.
_TITLES = r"(?:Mr|Mrs|Ms|Dr|Sen|Sens|Rep|Reps|Del|Gov|Gen|Lt|Col|Maj|Capt|Adm|Sgt|Prof|Rev|St|Jr|Sr|Amb|Cmdr|Gens|Supt|Insp|Cpl|Pvt)\."
_WORD = r"(?:" + _TITLES + r"|(?:[A-Z]\.){2,}|[A-Z]\.(?=\s[A-Z])|(?![AI]\s)[A-Z](?=\s[A-Z][\w'’\-])|[A-Z][\w'’\-]+|de|da|van|von|al-\w+)"
_NAME = _WORD + r"(?:\s+" + _WORD + r"){0,4}"
# "Tom Reed of the Secure World Foundation", "Maria Costa at Euroconsult", "Sen. Ann Fields (R-Ala.)"
_NAME_AFFIL = _NAME + r"(?:\s*\([^()\n]{1,24}\))?(?:\s+(?:of|at|from|with)\s+(?:the\s+)?" + _NAME + r")?"
# "Obama's former campaign strategist", "Tulsa police Chief Chuck Jordan", "state Del. Marcia Price": a
# possessive or a few lower-case words before a name or role (only where a speech verb follows).
_POSS_ROLE = r"[A-Z][\w.\-]+(?:\s[A-Z][\w.\-]+){0,3}['’]s\s(?:[a-z][\w\-]*\s){0,3}[a-z][\w\-]+"
_LEAD_NAME = (r"(?:[A-Z][\w'’\-]+\s+)?(?!(?:when|as|after|before|while|because|if|and|but|that|which|who|where|"
              r"since|until|though|although|then|so|or)\b)(?:[a-z][\w\-]+\s+){1,2}" + _NAME) + r"(?:\s*\([^()\n]{1,24}\))?"
# "the head of the agency", "a Pentagon spokesman": a lower-case noun phrase, never running into a clause of its own
# ("... that she thinks the video should be released but said “...”": not "the video should be released but").
_CLAUSE_WORD = (r"(?:should|would|will|could|can|may|might|must|shall|is|are|was|were|be|been|being|has|have|had|"
                r"do|does|did|but|and|or|that|which|who|whom|whose|if|when|while|because|not)\b")
_LC_NP = r"(?:an?|the)\s(?!" + _CLAUSE_WORD + r")[a-z][\w'’\-]*(?:\s(?!" + _CLAUSE_WORD + r")[\w'’\-]+){0,8}?"
_DESC = r"(?:,\s*(?:a|an|the|who|its|his|her)\s[^.;“”\"]{2,120})?"
# An appositive between commas before the reporting verb: "Josef Brandt, ESA's director of navigation, said:"
_DESC_BEFORE = r"(?:,\s*[^,;“”\"]{2,140}?,)?"


# After a reporting verb, the end of a short attribution: a few words ("on Monday", "in a statement") and a stop.
_ATTRIBUTION_END = re.compile(r"(?!\s*that\b)(?:\s+[^\s“”\"]+){0,8}?\s*[.,;:!?](?:\s|$)|\s*$")


# "as the memo put it": the source of the quote it follows or precedes, whatever it is (a person, a document).
_AS_SOURCE = r"(?P<spk>it|he|she|they|(?:[Aa]n?|[Tt]he)\s[^.;,“”\"]{2,60}?|" + _NAME_AFFIL + r")\s+put\s+it\b"
_PER_SOURCE = re.compile(r"[^\S\n]*,?[^\S\n]*per\s+(?P<spk>(?:[Tt]he\s|an?\s)?[^.;,“”\"\n]{2,80}?)\s*(?:[.;,]|$)")
_AS_PUT_IT_AFTER = re.compile(r"\s*,?\s*as\s+" + _AS_SOURCE)
_AS_PUT_IT_BEFORE = re.compile(r"\bas\s+" + _AS_SOURCE + r"(?:\s[^.;“”\"]{0,60})?\s*[,:]?\s*$")


_SAME_LINE = r"[^\S\n]*"  # an attribution after a quote is on its line: the next line is the next paragraph


def _attribution_after(after: str, rules: ClaimRules, closed: bool = False) -> tuple[str, int, int, int] | None:
    """', said NAME, a defence analyst.' / ', NAME said.' / ', it added.' / ', according to the statement.'
    ``closed``: the quote ended its sentence with a full stop, so "NAME said" after it only attributes it when
    the attribution ends there too ('“... .” Reed said.'), not when it opens a new sentence with its own
    reported clause ('“... .” Russia insisted that Pyongyang “stop ...”')."""
    head = after[:220]
    forms = speech_forms()
    m = _AS_PUT_IT_AFTER.match(head)
    if m:  # '“...,” as a ministry memo put it.'
        return "put", m.start("spk"), m.end("spk"), m.end()
    m = _PER_SOURCE.match(head)
    if m:  # '“...,” per the party's bylaws.'
        return "say", m.start("spk"), m.end("spk"), m.end("spk")
    m = re.match(r"\s*[―—–]\s*(?P<spk>" + _NAME_AFFIL + r")\s*(?:$|\n|[,.(])", head)
    if m:  # '“...” ― Pamela Padilla': a dash and a name after the quote
        return "say", m.start("spk"), m.end("spk"), m.end("spk")
    m = re.match(_SAME_LINE + r",?[^\S\n]*(?P<verb>" + forms + r")\s+(?P<spk>(?:the\s+)?" + _NAME_AFFIL + _DESC + r"|(?:an?|the)\s[^.;“”\"]{2,120}?)(?=[.;,]?\s*(?:[“\"]|$|\n)|[.;,])", head)
    if m:
        return _lemma_of(m.group("verb")), m.start("spk"), m.end("spk"), m.end()
    m = re.match(_SAME_LINE + r",?[^\S\n]*(?P<spk>it|he|she|they|we|I|" + _POSS_ROLE + r"|" + _LEAD_NAME + r"(?=\s+" + forms + r"\b)|" + _NAME_AFFIL + r"(?=,\s*[^,;“”\"]{2,100}?,\s+" + forms + r")|" + _NAME_AFFIL + r"|(?:an?|the)\s[a-z][^.;,“”\"]{2,80}?)\s+(?P<verb>" + forms + r")\b(?!\s*(?:that\s*)?[:“\"])", head)
    if m and not (closed and not _ATTRIBUTION_END.match(head, m.end())):
        return _lemma_of(m.group("verb")), m.start("spk"), m.end("spk"), m.end()
    return None


def _attribution_before(before: str, rules: ClaimRules) -> tuple[str, int, int] | None:
    """'NAME said: “...”' / 'NAME, a defence analyst, said that “...”' - the last reporting verb before the quote."""
    tail_start = max(0, len(before) - 220)
    tail = before[tail_start:]
    best = None
    m = _AS_PUT_IT_BEFORE.search(tail)
    if m:  # 'as the magazine put it in a long profile, “...”'
        return "put", tail_start + m.start("spk"), tail_start + m.end("spk")
    m = re.search(r"(?<![\w'’])(?P<spk>" + _NAME_AFFIL + r")\s+(?P<verb>" + participle_forms() + r")\b[^.;:,“”\"]{0,60}[,:]\s*$",
                  tail)
    if m:  # 'footage of Trump saying during the debate last week, “...”': the name right before the participle
        return _lemma_of(m.group("verb")), tail_start + m.start("spk"), tail_start + m.end("spk")
    m = re.search(r"\b(?P<verb>[Ss]aid|[Ww]rote|[Aa]dded|[Ss]ays)\s+(?P<spk>" + _NAME_AFFIL + r")\s*[:,]\s*$", tail)
    if m:  # 'Said Ellis: “...”'
        return _lemma_of(m.group("verb")), tail_start + m.start("spk"), tail_start + m.end("spk")
    for m in re.finditer(r"(?<![\w'’])(?P<spk>" + _NAME_AFFIL + r"|it|he|she|they|" + _POSS_ROLE + r"|" + _LC_NP + r")" + _DESC_BEFORE + r",?\s+(?:also\s+)?(?P<verb>" + speech_forms() + r")(?:\s+that)?\s*[:,]?\s*$", tail):
        best = m
    if best and not _AFTER_PREPOSITION.search(tail, 0, best.start("spk")):
        return _lemma_of(best.group("verb")), tail_start + best.start("spk"), tail_start + best.end("spk")
    return None


# "Protesters marching through the streets chanted “...”": a noun phrase right after a preposition is its object,
# not the subject of the verb that follows it.
_AFTER_PREPOSITION = re.compile(r"\b(?:through|in|on|at|of|from|with|to|by|for|into|across|around|near|over|under|"
                                r"along|past|behind|outside|inside|toward|towards|among|between)\s+$", re.I)


def _lemma_of(form: str) -> str:
    form = form.lower()
    for lemma in speech_verbs():
        if form in _forms(lemma) or (form.endswith("ing") and form[:-3] in {lemma, lemma[:-1]}):
            return lemma
    return form


def _follows_paragraph(text: str, last_para_end: int, q_open: int) -> bool:
    """The quote opens the paragraph right after the one where the last speaker was named."""
    if last_para_end < 0 or q_open < last_para_end:
        return False
    gap = text[last_para_end:q_open]
    return gap.strip() == "" and gap.count("\n\n") <= 1


_SO_CALLED = re.compile(r"(?:so-called|so called|dubbed|billed as|known as|titled|entitled|nicknamed|term)\s*$", re.I)
# ... and a title-cased quote right after a possessive or an article is a name too: CBS's "Face the Nation", a
# "Commander-in-Chief Forum", his 1998 "Stars Over Europe".
_TITLE_CUE = re.compile(r"(?:\b(?:on|in|told|to|of|at|from|show|program|programme|book|film|report|article|paper|"
                        r"magazine|newspaper|documentary|series|song|album|a|an|the|his|her|their|its|our|my|your)"
                        r"(?:\s+\d{4})?\s*|\w['’]s(?:\s+\d{4})?\s*)$", re.I)
_SMALL = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "with", "at", "by", "from"}
# A short quote inside a noun phrase: after an article or a demonstrative and at most two words ("a "philanthropub"",
# a separate "holding vehicle""), unless the phrase says what someone or something is ("called it a "disaster"",
# "criticised the plan as a "giveaway"", "was a "mistake"", "and a "threat""): that is someone's words.
_NOUN_PHRASE = re.compile(r"(?<!\bas )(?<!\bis )(?<!\bwas )(?<!\bbe )(?<!\bare )(?<!\bwere )(?<!\bbeen )(?<!\band )"
                          r"(?<!\bor )(?<!\blike )(?<!\bit )(?<!\bhim )(?<!\bher )(?<!\bthem )"
                          r"\b(?:a|an|the|this|that|these|those)\s+(?:[a-z][\w-]*\s+){0,2}$", re.IGNORECASE)
# A nickname inside a name: Jane "JJ" Doe (a capitalised word on each side of the marks).
_NAME_LEFT = re.compile(r"\b[A-Z][\w.’'-]*\s$")
_NAME_RIGHT = re.compile(r"^\s[A-Z][\w’'-]+")


@cached_per_data_dir
def _term_cues() -> tuple[re.Pattern, re.Pattern]:
    """(noun before a quote that makes it a term, noun after a title-cased quote that makes it a title), from
    ``quote_term_nouns`` / ``quote_title_nouns`` in claim_rules.yaml."""
    data = read_yaml("claim_rules.yaml")
    terms, titles = ("|".join(sorted(map(re.escape, data.get(key, ())), key=len, reverse=True))
                     for key in ("quote_term_nouns", "quote_title_nouns"))
    return (re.compile(rf"\b(?:the|a|an|his|her|their|its|this|that)\s+(?:{terms})\s*,?\s*$", re.IGNORECASE),
            re.compile(rf"^\s*(?:radio\s+|television\s+|tv\s+|talk\s+)?(?:{titles})\b", re.IGNORECASE))


def _title_cased(words: list[str]) -> bool:
    return bool(words) and all(w[:1].isupper() or w.lower() in _SMALL or not w[:1].isalpha() for w in words)


def _is_term_or_title(text: str, q_open: int, c_start: int, c_end: int) -> bool:
    """So-called "mega-constellations", the nickname "Iron Lady", a nickname inside a name (Jane "JJ" Doe), a show
    or report title after "on", "told", "in", a possessive, or before "show", "initiative": never speech, whoever is
    the subject of the sentence."""
    words = text[c_start:c_end].strip().split()
    before = text[max(0, q_open - 40):q_open]
    term_before, title_after = _term_cues()
    if _SO_CALLED.search(before) or term_before.search(before):
        return True
    if not _title_cased(words) or len(words) > 8:
        return False
    close = text.find(text[q_open] if text[q_open] == '"' else "”", c_end)
    after = text[close + 1:close + 40] if close >= 0 else ""
    if len(words) <= 2 and _NAME_LEFT.search(before) and _NAME_RIGHT.match(after):
        return True
    return bool(_TITLE_CUE.search(before)) or (len(words) >= 2 and bool(title_after.match(after)))


def _is_scare(text: str, q_open: int, c_start: int, c_end: int) -> bool:
    """Quoted words that nobody is said to have spoken: a scare quote or coined term ("sovereign" connectivity,
    so-called "mega-constellations") or a title ("Fox and Friends", a report's name)."""
    content = text[c_start:c_end].strip()
    words = content.split()
    if _is_term_or_title(text, q_open, c_start, c_end):
        return True
    ends_sentence = content.rstrip("”\"'’)").endswith((".", "?", "!", "…"))
    return len(words) <= 4 and not ends_sentence


def _is_term(text: str, q_open: int, c_start: int, c_end: int) -> bool:
    """A short quote inside a noun phrase (a "philanthropub") that no speech verb carries: a term, even when a person
    is the subject of the verb it hangs from ("He bought a "philanthropub"")."""
    words = text[c_start:c_end].strip().split()
    return len(words) <= 4 and (bool(_NOUN_PHRASE.search(text[max(0, q_open - 40):q_open]))
                                or _is_term_or_title(text, q_open, c_start, c_end))


def _attribution_parse(doc: Doc, text: str, c_start: int, c_end: int, quotes: list[tuple[int, int, int, int]],
                       rules: ClaimRules, previous: bool = True) -> tuple[str, int, int] | None:
    """The speech verb (outside any quote, in the quote's sentence) that the quoted words hang from, or the one
    that heads the sentence, and its subject's character range. ``text`` is the doc's text, passed in because
    ``doc.text`` rebuilds it token by token on every access (quadratic over an article's quotes)."""
    qspan = doc.char_span(c_start, c_end, alignment_mode="expand")
    if qspan is None or len(qspan) == 0:
        return None
    inside = {t.i for t in qspan}
    found = _speech_ancestor(qspan, inside, quotes) or _person_verb(qspan, inside, quotes)
    if found is not None:
        return found
    candidates, prev = _nearby_verbs(doc, text, qspan, inside, previous)
    verbs = speech_verbs()
    for verb in candidates:
        if verb.i in inside or _in_any_quote(verb, quotes) or lemma_lc(verb) not in verbs:
            continue
        found = _speaker_of(verb, quotes)
        if found is not None:
            return lemma_lc(verb), found[0], found[1]
    return _previous_person(doc, prev) if prev is not None else None


def _in_any_quote(tok, quotes: list[tuple[int, int, int, int]]) -> bool:
    return any(a <= tok.idx < b for a, _, _, b in quotes)


def _speech_ancestor(qspan: Span, inside: set[int], quotes: list[tuple[int, int, int, int]]) -> tuple[str, int, int] | None:
    """A speech verb the quoted words hang from, up the tree within the sentence. A document as its subject ("the
    letter said") is kept only when no person is found higher ('Holm said in the letter that ...')."""
    doc, sent, verbs = qspan.doc, qspan[0].sent, speech_verbs()
    seen: set[int] = set()
    for tok in qspan:
        head = tok.head
        if head.i in inside or head.i in seen or tok.is_punct:
            continue  # (a full stop inside the marks hangs from the sentence's root, whatever the quote hangs from)
        seen.add(head.i)
        anc = head
        document = None  # a speech verb whose subject is a document: kept unless a reporter of it is named
        for _ in range(8):
            if anc.pos_ in {"VERB", "AUX"} and not _in_any_quote(anc, quotes) and lemma_lc(anc) in verbs:
                found = _speaker_of(anc, quotes)
                if found is not None:
                    if not _is_document(doc, found):
                        return lemma_lc(anc), found[0], found[1]
                    # 'Holm said in the letter that the advertisement “wrongfully” suggests ...': Holm.
                    document = document or (lemma_lc(anc), found[0], found[1])
            if anc.head.i == anc.i or anc.sent.start != sent.start or _own_clause(anc, lambda t: _in_any_quote(t, quotes)):
                break
            anc = anc.head
        if document is not None:
            return document
    return None


def _person_verb(qspan: Span, inside: set[int], quotes: list[tuple[int, int, int, int]]) -> tuple[str, int, int] | None:
    """'Gov. X lauded Mr. Clarke for helping develop "new and innovative ideas"': no speech verb, but the quoted
    words hang from a verb whose subject is a person (only the first token hanging outside the quote is followed)."""
    tok = next((t for t in qspan if t.head.i not in inside), None)
    if tok is None:
        return None
    anc = tok.head
    for _ in range(6):
        if anc.pos_ == "VERB" and not _in_any_quote(anc, quotes):
            subj = next((c for c in anc.children if c.dep_ == "nsubj"), None)
            if subj is not None and (subj.ent_type_ == "PERSON" or subj.lower_ in {"he", "she"}):
                found = _speaker_of(anc, quotes)
                if found is not None:
                    return lemma_lc(anc), found[0], found[1]
        if anc.head.i == anc.i:
            break
        anc = anc.head
    return None


def _nearby_verbs(doc: Doc, text: str, qspan: Span, inside: set[int], previous: bool) -> tuple[list, Span | None]:
    """Verbs that may attribute a quote hanging from none, most likely first, and the sentence before the quote
    when the quote opens a sentence (``previous``: the paragraph has no speaker yet)."""
    sent = qspan[0].sent
    candidates = [sent.root]
    # '“…?” Graham asked.' parsed as two sentences: the short sentence right after the quote.
    after = next((t for t in doc[qspan.end:qspan.end + 3] if not (t.is_punct or t.is_space)), None)
    if after is not None and after.sent.start != sent.start and "\n" not in text[qspan.end_char:after.idx] \
            and len(after.sent) <= 14 and not any(t.text in {"“", '"', ":"} for t in after.sent):
        candidates.append(after.sent.root)
    # 'Caddell continued:' (a colon, even at the end of the previous paragraph) before the quote.
    before = qspan.start - 1
    while before >= 0 and (doc[before].is_space or doc[before].text in {"“", '"'}):
        before -= 1
    if before >= 0 and doc[before].text == ":":
        candidates.append(doc[before].sent.root)
    # Any other speech verb of the quote's sentence (or of the sentence the quote ends in), nearest first.
    last_sent = qspan[-1].sent
    pool = list(sent) if last_sent.start == sent.start else list(sent) + list(last_sent)
    candidates.extend(sorted((t for t in pool if t.pos_ == "VERB" and t.i not in inside),
                             key=lambda t: abs(t.i - qspan.start)))
    prev = _sentence_before(doc, text, qspan) if previous else None
    if prev is not None:
        candidates.extend(t for t in reversed(list(prev)) if t.pos_ == "VERB")
    return candidates, prev


def _sentence_before(doc: Doc, text: str, qspan: Span) -> Span | None:
    """'The agency may act, Schiff said. "The other factor ..."': a quote opening a sentence continues the speaker
    of the sentence before, in the same paragraph."""
    if qspan[0].sent.start == qspan.start or (qspan.start > 0 and doc[qspan.start - 1].sent.start == qspan.start - 1):
        prev_end = qspan[0].sent.start - 1
        if prev_end >= 0 and "\n" not in text[doc[prev_end].idx:qspan.start_char]:
            return doc[prev_end].sent
    return None


def _previous_person(doc: Doc, prev: Span) -> tuple[str, int, int] | None:
    """'On the show, Sen. Ann Fields identified fatigue as one reason. “Young people are tired of it.”': with no
    speech verb near, a quote opening a sentence is the person the sentence before is about."""
    subj = next((c for c in prev.root.children if c.dep_ == "nsubj"), None)
    if subj is not None and subj.ent_type_ == "PERSON" and prev.root.pos_ == "VERB":
        start = subj.i
        while start > prev.start and doc[start - 1].dep_ == "compound" and doc[start - 1].head.i == subj.i:
            start -= 1
        return "say", doc[start].idx, subj.idx + len(subj)
    return None


def _is_document(doc: Doc, found: tuple[int, int]) -> bool:
    """The speaker span is headed by a document or medium ("the advertisement", "the letter")."""
    span = doc.char_span(*found, alignment_mode="expand")
    return span is not None and len(span) > 0 and span.root.pos_ == "NOUN" and not span.root.ent_type_ \
        and lemma_lc(span.root) in document_nouns()


@cached_per_data_dir
def document_nouns() -> frozenset[str]:
    return frozenset(read_yaml("claim_rules.yaml").get("document_nouns", ()))


def _own_clause(verb, in_any_quote) -> bool:
    """An adverbial clause with a subject of its own ('... Melanie said yes, as Trump went on about “how the
    system is rigged”'): the quoted words belong to its event, not to the speech verb it hangs from."""
    return verb.dep_ == "advcl" and verb.pos_ in {"VERB", "AUX"} and any(
        c.dep_ in {"nsubj", "nsubjpass"} and not in_any_quote(c) for c in verb.children)


_TIME_PREPS = {"after", "before", "upon", "while", "since", "on"}  # "after saying ...": the main clause's subject


def _speaker_of(verb, quotes: list[tuple[int, int, int, int]] = ()) -> tuple[int, int] | None:
    """Character range of who speaks through ``verb``: the noun before a participle, else the subject of the verb
    (or of the clause it modifies), never a span inside quoted words."""
    found = _participle_speaker(verb, quotes)
    if found is not None:
        return found
    verb, climbed = _clause_with_subject(verb)
    subjects, passive = _subjects(verb)
    if climbed and passive:
        # the speech verb's own subject is the subject of the clause it modifies, whatever that clause's voice
        patient = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        subjects, passive = ([patient], False) if patient is not None else (subjects, passive)
    if passive or not subjects or subjects[0] is None:
        return None
    subj = subjects[0]
    found = _appositive_person(subj, quotes)
    if found is not None:
        return found
    span = subj.doc[subj.i:subj.i + 1] if subj.pos_ == "PRON" else _subtree_span(subj)
    start = span.start
    while start < subj.i and (span.doc[start].pos_ in {"SCONJ", "ADV", "CCONJ", "ADP"} or span.doc[start].tag_ == "WRB"):
        start += 1  # "when Clinton blasted him": the speaker is Clinton
    span = span.doc[start:span.end]
    if _overlaps_quote(span, quotes):
        return None  # a subject inside quoted words is not who speaks them
    return span.start_char, span.end_char


def _overlaps_quote(span: Span, quotes: list[tuple[int, int, int, int]]) -> bool:
    return any(a < span.end_char and span.start_char < b for a, _, _, b in quotes)


def _name_before(doc: Doc, tok) -> Span:
    """``tok`` with the compound words right before it that hang from it ("Minyon Moore")."""
    start = tok.i
    while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].head.i == tok.i:
        start -= 1
    return doc[start:tok.i + 1]


def _participle_speaker(verb, quotes: list[tuple[int, int, int, int]]) -> tuple[int, int] | None:
    """'footage of Trump saying "..."', 'ends with Trump saying "..."', 'the ad uses footage of Clinton asking,
    "..."': the noun right before the participle."""
    doc = verb.doc
    before = doc[verb.i - 1] if verb.i > 0 else None
    if not (verb.tag_ == "VBG" and verb.dep_ in {"acl", "advcl", "xcomp"} and before is not None
            and before.pos_ in {"PROPN", "NOUN"} and before.dep_ in {"pobj", "dobj"}
            and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children)):
        return None
    span = _name_before(doc, before)
    if before.dep_ == "dobj" and before.pos_ == "NOUN" and lemma_lc(before) in document_nouns():
        # 'the Council issued a statement calling the test "a clear violation"': who issued it.
        issuer = next((c for c in before.head.children if c.dep_ == "nsubj"), None)
        if issuer is not None:
            span = _subtree_span(issuer)
    return None if _overlaps_quote(span, quotes) else (span.start_char, span.end_char)


def _clause_with_subject(verb):
    """(verb, climbed): 'Trump attacked Clinton, saying, "..."': the verb the speech verb depends on, when it has
    no subject of its own; 'After saying her foot was "so swollen ...," she was "whisked off"': through the
    preposition too."""
    hops = 0
    climbed = False
    while not any(c.dep_ in {"nsubj", "nsubjpass", "csubj"} for c in verb.children) and hops < 3 \
            and verb.dep_ in {"advcl", "xcomp", "conj", "pcomp"} and verb.head.i != verb.i:
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.lower_ in _TIME_PREPS \
                and verb.head.head.pos_ in {"VERB", "AUX"}:
            verb = verb.head
        verb = verb.head
        hops += 1
        climbed = True
    return verb, climbed


def _appositive_person(subj, quotes: list[tuple[int, int, int, int]]) -> tuple[int, int] | None:
    """"With 50 days until the election, Minyon Moore, an adviser, called ...", parsed with "election" as the
    subject and the person as its apposition: the person speaks."""
    person = next((c for c in subj.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)
    if subj.pos_ != "NOUN" or subj.ent_type_ or person is None:
        return None
    span = _name_before(subj.doc, person)
    return None if _overlaps_quote(span, quotes) else (span.start_char, span.end_char)


@cached_per_data_dir
def speech_verbs() -> frozenset[str]:
    """Reporting verbs plus the verbs that carry quoted words ("called the plan 'reckless'")."""
    rules = claim_rules()
    return rules.reporting_lemmas | frozenset(read_yaml("claim_rules.yaml").get("quoting_verbs", ()))


# Verbs that judge rather than voice ("called", "blasted", "praised"): they carry a quote that hangs from them in
# the parse, but next to a quote they do not attribute it ('"That makes me smart," when Clinton blasted him').
_JUDGING = {"call", "describe", "dub", "label", "term", "brand", "praise", "blast", "slam", "laud", "hail", "welcome",
            "accuse", "mock", "dismiss", "defend", "question", "characterize", "characterise", "deem", "refer",
            "decry", "tout", "urge", "pledge", "express", "hail"}


@cached_per_data_dir
def voicing_verbs() -> frozenset[str]:
    """The speech verbs that voice words rather than judge them: their subject is a speaker."""
    return speech_verbs() - _JUDGING


@cached_per_data_dir
def participle_forms() -> str:
    """Regex alternation of the -ing forms of the voicing verbs ("saying", "writing", "adding")."""
    forms = {(v[:-1] if v.endswith("e") and not v.endswith("ee") else v) + "ing" for v in voicing_verbs() if " " not in v}
    return "(?:" + "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) + ")"


@cached_per_data_dir
def speech_forms() -> str:
    """Regex alternation of the inflected forms of the speech verbs that attribute an adjacent quote."""
    forms = sorted({f for lemma in voicing_verbs() for f in _forms(lemma)}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(f) for f in forms) + ")"
