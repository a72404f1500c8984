"""One parsed article -> rows for mentions, entities, amounts, dates and claims, all with spans into the body."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from datetime import date

from spacy.tokens import Doc, Span

from ..data import cached_per_data_dir
from ..ids import span_row_id
from ..normalize.dates import resolve_date
from ..normalize.gazetteer import load_gazetteer
from ..normalize.money import find_money, latest_rate_year, to_usd
from ..normalize.names import lookup_key
from .claims import ClaimDraft, clause_claims, object_entities
from .quotes import find_quotes, quote_claims
from .entities import ArticleLinker, Link, person_title
from .pipeline import lemma_of
from .references import resolve
from .span_rules import based_head, based_modifiers, inside_based


@dataclass(frozen=True)
class ArticleContext:
    article_id: str
    body: str
    published: date | None
    run_id: str


def article_rows(doc: Doc, ctx: ArticleContext) -> dict[str, list[dict]]:
    sents = sentence_spans(doc)
    sent_starts = [s.start_char for s in sents]

    def sentence_of(char: int) -> int:
        return max(0, bisect.bisect_right(sent_starts, char) - 1)

    linker = ArticleLinker(load_gazetteer())
    ents = list(doc.ents)
    sent_token_starts = [s.start for s in sents]

    def sent_of_token(i: int) -> int:
        return max(0, bisect.bisect_right(sent_token_starts, i) - 1)

    quotes = find_quotes(ctx.body)  # ctx.body == doc.text, which spaCy rebuilds token by token on every access
    resolution = resolve(doc, ents, linker.link_all(ents), sent_of_token, [(q[0], q[3]) for q in quotes])
    mentions: list[dict] = []
    entities: dict[str, dict] = {}
    links_by_token = resolution.token_links
    for ent, link in zip(ents, resolution.links):
        if link is None:
            continue
        entities.setdefault(link.entity_id, _entity_row(link, ctx))
        mentions.append(dict(
            mention_id=span_row_id("men", ctx.article_id, ent.start_char, ent.end_char),
            article_id=ctx.article_id, entity_id=link.entity_id, text=ent.text, label=link.label,
            start_char=ent.start_char, end_char=ent.end_char, sentence_index=sentence_of(ent.start_char),
            role=link.role, linked=link.in_gazetteer, source=ent._.source,
            title=person_title(ent) if link.entity_type == "PERSON" else None, run_id=ctx.run_id))
    references: list[dict] = []
    for ref in resolution.references:
        span = doc[ref.start:ref.end]
        entities.setdefault(ref.link.entity_id, _entity_row(ref.link, ctx))
        ante = doc[ref.antecedent_start:ref.antecedent_end] if ref.antecedent_start is not None else None
        references.append(dict(
            reference_id=span_row_id("ref", ctx.article_id, span.start_char, span.end_char,
                                     ref.link.entity_id if ref.rule == "group" else ""),  # one row per member
            article_id=ctx.article_id, start_char=span.start_char, end_char=span.end_char, text=span.text,
            entity_id=ref.link.entity_id, rule=ref.rule,
            antecedent_start=ante.start_char if ante is not None else None,
            antecedent_end=ante.end_char if ante is not None else None,
            antecedent_text=ante.text if ante is not None else None,
            sentence_index=sentence_of(span.start_char), run_id=ctx.run_id))

    dates: list[dict] = []
    for ent in ents:
        if ent.label_ != "DATE":
            continue
        resolved = resolve_date(ent.text, ctx.published)
        dates.append(dict(
            date_id=span_row_id("dat", ctx.article_id, ent.start_char, ent.end_char), article_id=ctx.article_id,
            text=ent.text, resolved_date=resolved.value, resolution=resolved.resolution, relative=resolved.relative,
            start_char=ent.start_char, end_char=ent.end_char, sentence_index=sentence_of(ent.start_char),
            run_id=ctx.run_id))

    amounts = _amount_rows(ctx, dates, sentence_of)

    drafts = quote_claims(doc, quotes, ctx.body) + clause_claims(doc, [(q[0], q[3]) for q in quotes], sents,
                                                       [a["start_char"] for a in amounts], ctx.body)
    places = [(ent.start_char, ent.text) for ent in ents
              if ent.label_ in {"GPE", "LOC", "FAC"} and ent.root.head.lower_ in {"in", "at", "near", "over"}]
    parties = [(m["start_char"], m["entity_id"]) for m in mentions
               if entities[m["entity_id"]]["entity_type"] in PARTY_TYPES and m["label"] != "NORP"]
    based = based_modifiers(ctx.body)
    for d in drafts:
        _off_based_modifier(d, based, ctx.body)
        # A speaker the model did not tag ("Brandt continued:", "― Ines Moreau"): a proper name that says
        # something is a person; the linker joins a surname to the full name named before it.
        if d.speaker is not None and _entity_in(d.speaker, links_by_token, speaker=True) is None:
            name = _proper_name(d.speaker)
            link = linker.link(name) if name is not None else None
            if link is not None:
                entities.setdefault(link.entity_id, _entity_row(link, ctx))
                for tok in name:
                    links_by_token[tok.i] = link
    _link_untagged_names(drafts, ents, resolution.links, links_by_token)
    drafts = per_group_member(drafts, resolution.group_links)
    claims: list[dict] = []
    seen: set[tuple] = set()
    # a conversion in parentheses is the same money as the amount it converts: never a claim's amount
    # ... nor is a price per share or per unit
    amounts_i = _ByStart([a for a in amounts if a["converts_amount_id"] is None and a["amount_kind"] == "total"],
                         lambda a: a["start_char"])
    dates_i = _ByStart(dates, lambda x: x["start_char"])
    places_i, parties_i = _ByStart(places, lambda p: p[0]), _ByStart(parties, lambda p: p[0])
    for d in drafts:
        row = _claim_row(d, ctx, links_by_token, amounts_i, dates_i, places_i, parties_i, sentence_of)
        key = (row["start_char"], row["predicate"], row["subject_entity_id"] or row["subject_text"], row["object_text"],
               row["quote_text"])
        if key not in seen:  # one name split by the parser ("Airbus Defence and Space") must not count twice
            seen.add(key)
            claims.append(row)
    return {"mentions": mentions, "entities": list(entities.values()), "amounts": amounts, "dates": dates,
            "claims": claims, "references": references}


def per_group_member(drafts: list[ClaimDraft], group_links: dict[int, list[Link]]) -> list[ClaimDraft]:
    """A claim whose subject is a group ("the two sides signed ...") becomes one claim per member, as conjoined
    subjects do; the subject text stays as written and each copy carries its member's entity."""
    if not group_links:
        return drafts
    out: list[ClaimDraft] = []
    for d in drafts:
        members = group_links.get(d.subject.root.i) if d.subject is not None else None
        if not members:
            out.append(d)
            continue
        out.extend(replace(d, key=f"{d.key}-m{n}", extra={**d.extra, "subject_link": link})
                   for n, link in enumerate(members))
    return out


def _link_untagged_names(drafts: list[ClaimDraft], ents: list[Span], links: list[Link | None],
                         links_by_token: dict[int, Link]) -> None:
    """A subject the model did not tag that is written as a name of the article's own entities, up to hyphen or
    space ("Meteor-3b" after "Meteor 3b"), is that entity: the key folds the two spellings together."""
    names: dict[str, Link] = {}
    for ent, link in zip(ents, links):
        if link is not None:
            names.setdefault(lookup_key(ent.text), link)
            names.setdefault(lookup_key(link.canonical_name), link)
    if not names:
        return
    for d in drafts:
        if d.subject is None or d.subject.root.i in links_by_token:
            continue
        root = d.subject.root
        start = root.i
        while start - 1 >= d.subject.start and root.doc[start - 1].dep_ in {"compound", "flat"} \
                and root.doc[start - 1].head.i == root.i:
            start -= 1
        chunk = root.doc[start:root.i + 1]
        link = names.get(lookup_key(chunk.text)) if chunk.text[:1].isupper() else None
        if link is not None:
            for tok in chunk:
                links_by_token.setdefault(tok.i, link)


def _off_based_modifier(d: ClaimDraft, based: list[tuple[int, int]], body: str) -> None:
    """A place inside "Luxembourg- and Reston, Virginia-based Orbitalis" is never the speaker or the subject: the
    parser's pick moves to the company the modifier describes (or is dropped when none follows)."""
    if not based:
        return
    for attr in ("speaker", "subject"):
        span = getattr(d, attr)
        if span is None:
            continue
        cut = next((b for a, b in based if a <= span.start_char < b < span.end_char), None)
        if cut is not None:  # "Reston, Virginia-based Orbitalis" said: the company, without where it sits
            head = next((span[i:] for i, t in enumerate(span) if t.idx >= cut), None)
        elif inside_based(span, based) is not None:
            head = based_head(span, based)
        else:
            continue
        setattr(d, attr, head)
        setattr(d, attr + "_text", body[head.start_char:head.end_char] if head is not None else None)


def _entity_row(link: Link, ctx: ArticleContext) -> dict:
    return dict(entity_id=link.entity_id, canonical_name=link.canonical_name, entity_type=link.entity_type,
                category=link.category, qid=link.qid, country=link.country, in_gazetteer=link.in_gazetteer,
                run_id=ctx.run_id)


def _amount_rows(ctx: ArticleContext, dates: list[dict], sentence_of) -> list[dict]:
    """Money rows. The USD rate's year never depends on the day the pipeline runs: it is the article's
    publication year, else the year of the first dated mention in the amount's sentence, else the newest year
    of the rate table."""
    dated_sentences: dict[int, int] = {}
    for d in dates:
        if d["resolved_date"] is not None:
            dated_sentences.setdefault(d["sentence_index"], d["resolved_date"].year)
    found = find_money(ctx.body, context=ctx.body)
    ids = [span_row_id("amt", ctx.article_id, m.start, m.end) for m in found]
    rows: list[dict] = []
    for money, amount_id in zip(found, ids):
        sentence = sentence_of(money.start)
        year = ctx.published.year if ctx.published else dated_sentences.get(sentence, latest_rate_year())
        usd, fx_year = to_usd(money.value, money.currency, year)
        rows.append(dict(
            amount_id=amount_id, article_id=ctx.article_id,
            text=money.text, value=money.value, currency=money.currency, currency_ambiguous=money.ambiguous,
            usd_value=usd, fx_year=fx_year, start_char=money.start, end_char=money.end,
            sentence_index=sentence,
            converts_amount_id=ids[money.converts] if money.converts is not None else None, amount_kind=money.kind,
            run_id=ctx.run_id))
    return rows


def sentence_spans(doc: Doc) -> list[Span]:
    """The sentences, from the SENT_START array (much cheaper than iterating ``doc.sents`` token by token)."""
    import numpy as np
    from spacy.attrs import SENT_START

    if len(doc) == 0:
        return []
    starts = np.flatnonzero(doc.to_array([SENT_START]).reshape(-1) == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = starts + [len(doc)]
    return [doc[a:b] for a, b in zip(bounds, bounds[1:])]


def _entity_in(span: Span | None, links: dict[int, Link], speaker: bool = False) -> Link | None:
    """The entity a span names: its head's, else one of its tokens' that is not a modifier naming something else.
    For a speaker no possessive counts ("Nordsat's chief executive" is a person, not Nordsat)."""
    if span is None:
        return None
    root = span.root
    if root.i in links:
        return links[root.i]
    for tok in span:
        if tok.i in links and not _modifier_of(tok, root, span, links[tok.i], speaker):
            return links[tok.i]
    return None


def subject_entity(span: Span | None, links: dict[int, Link]) -> Link | None:
    """The entity a claim's subject phrase names, held to the standard of the object: the thing at the phrase's
    head, never its owner ("Orbitalis's second-generation fleet" is not OneWeb, "the probe's main task"
    not the mission), and never a country for a plural of people named by their nationality ("two Germans
    founded ..." are three people, not the United States). A demonym that modifies the head still stands for its
    country ("Italian officials")."""
    if span is None:
        return None
    root = span.root
    if root.i in links and root.ent_type_ == "NORP" and (
            (root.tag_ in {"NNS", "NNPS"} and links[root.i].role == "demonym") or any(
            (c.dep_ in {"det", "nummod"} and c.lower_ in PERSON_COUNTERS) or c.dep_ == "nummod"
            for c in root.children)):
        # "two Germans", "a German", "only one Republican": people, not their country or party. A bare plural that
        # names the group itself, not a country's people ("Democrats now hold 49 seats"), is that group.
        return None
    if root.i in links:
        return links[root.i]
    for tok in span:
        link = links.get(tok.i)
        if link is None or _modifier_of(tok, root, span, link, speaker=True) or _names_something_else(tok, root, link) \
                or _owner_of_thing(tok, root, link):
            continue
        return link
    return None


_OWNER_TYPES = {"ORG", "GPE"}  # a demonym stands for its country with any noun (eval/README.md: "Indian media")


def _owner_of_thing(tok, root, link: Link) -> bool:
    """An organisation or country modifying a common noun that is a thing, not a body or its people: "The Air
    Force "must-fund" items" are no Air Force, while "the SpaceX team" and "U.S. officials" are."""
    if link.entity_type not in _OWNER_TYPES or tok.ent_type_ == "NORP" or root.pos_ != "NOUN" \
            or root.i in _span_of_link(tok):
        return False
    node = tok
    while node.i != root.i and node.head.i != node.i:
        if node.dep_ not in {"compound", "amod", "nmod"}:
            return False
        node = node.head
    return node.i == root.i and lemma_of(root) not in _body_nouns()


def _span_of_link(tok) -> range:
    """Token indices of the named entity around ``tok`` (its IOB run)."""
    doc, start, end = tok.doc, tok.i, tok.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return range(start, end)


@cached_per_data_dir
def _body_nouns() -> frozenset[str]:
    from .claim_rules import rule_words
    from .reference_rules import reference_rules

    refs = reference_rules()
    singular = {g[:-1] for g in refs.groups if g.endswith("s")}
    return (rule_words("body_head_nouns") | rule_words("person_head_nouns") | refs.person_roles
            | frozenset(refs.groups) | singular)


def _names_something_else(tok, root, link: Link) -> bool:
    """A name inside the subject phrase that is not what the phrase is: a place in an "X-based" modifier ("the Hong
    Kong-based operator" is not Hong Kong) or a person naming a body ("the Obama administration" is not Obama)."""
    node = tok
    while node.i != root.i and node.head.i != node.i:
        if node.head.lower_ == "based" or (link.entity_type == "PERSON" and node.dep_ == "compound"
                                           and node.head.i == root.i):
            return True
        node = node.head
    return False


PERSON_COUNTERS = {"a", "an", "one", "another", "each", "every", "any", "no"}
NAME_PREFIXES = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "maj", "capt", "adm", "sgt", "prof",
                 "rev", "president", "minister", "senator", "governor", "chief", "director", "secretary"}


def _proper_name(span: Span) -> Span | None:
    """The proper name heading a speaker span (its root and the capitalised compounds before it), as a PERSON
    span, or None when the head is not a proper name."""
    root = span.root
    if root.pos_ != "PROPN" or not root.text[:1].isupper() or root.ent_type_ not in {"", "PERSON"}:
        return None
    start = root.i
    while start - 1 >= span.start and span.doc[start - 1].pos_ == "PROPN" and span.doc[start - 1].text[:1].isupper() \
            and span.doc[start - 1].lower_.rstrip(".") not in NAME_PREFIXES:
        start -= 1
    return Span(span.doc, start, root.i + 1, label="PERSON")


def _modifier_of(tok, root, span: Span, link: Link, speaker: bool = False) -> bool:
    """A token that names something else than the span does: a person in a possessive ("the prime minister's
    office" is not the minister), anything in a prepositional modifier ("the head of the agency") or in a
    conjunct. A country or organisation in a possessive stands for the span ("Germany's procurement office")."""
    while tok.i != root.i and span.start <= tok.head.i < span.end and tok.head.i != tok.i:
        if tok.dep_ in {"pobj", "prep", "conj", "cc"} or (tok.dep_ == "poss" and (speaker or link.entity_type == "PERSON")):
            return True
        tok = tok.head
    return False


PARTY_TYPES = {"ORG", "GPE"}


class _ByStart:
    """Rows sorted by start offset, so the ones inside a clause are found by bisection: a long article has
    thousands of claims and amounts, and a scan of every list per claim grows with the square of its length."""

    def __init__(self, items: list, start) -> None:
        self.items = sorted(items, key=start)  # stable: ties keep their order
        self.starts = [start(i) for i in self.items]

    def within(self, lo: int, hi: int) -> list:
        return self.items[bisect.bisect_left(self.starts, lo):bisect.bisect_left(self.starts, hi)]

    def first(self, lo: int, hi: int):
        i = bisect.bisect_left(self.starts, lo)
        return self.items[i] if i < len(self.items) and self.starts[i] < hi else None


def _claim_row(d: ClaimDraft, ctx: ArticleContext, links: dict[int, Link], amounts: _ByStart,
               dates: _ByStart, places: _ByStart, parties: _ByStart, sentence_of) -> dict:
    subject = d.extra.get("subject_link") or subject_entity(d.subject, links)
    obj, possessor = object_entities(d.object, links)  # the thing the object names, never its owner
    speaker = _entity_in(d.speaker, links, speaker=True)
    if d.subject is d.speaker:
        speaker = speaker if "subject_link" not in d.extra else subject
        subject = speaker  # a quote's subject is its speaker
    fallback = d.extra.get("fallback_speaker")
    if speaker is None and fallback is not None:  # a pronoun the references did not resolve: the last speaker
        speaker = _entity_in(fallback[0], links, speaker=True)
        if d.subject is d.speaker:
            subject = speaker
    lo, hi = d.clause_start, d.clause_end
    bounds = d.extra.get("amount_bounds") or ()
    amount = next((a for a in amounts.within(lo, hi)
                   if not any(b0 <= a["start_char"] < b1 for b0, b1 in bounds)), None) if bounds else amounts.first(lo, hi)
    when = dates.first(lo, hi)
    place = (places.first(lo, hi) or (None, None))[1]
    in_clause = {eid for _start, eid in parties.within(lo, hi)}
    in_clause |= {x.entity_id for x in (subject, obj) if x is not None and x.entity_type in PARTY_TYPES}
    if len(in_clause) < 2 and d.claim_type in {"agreement", "transaction"}:
        # "Talks between Germany and Airbus ... but no deal has been reached": the deal's parties are in the sentence.
        in_clause |= {eid for _start, eid in parties.within(d.start_char, d.end_char)}
    confidence = 0.3 + 0.1 * (d.subject is not None) + 0.2 * (subject is not None or speaker is not None) + 0.15 * (obj is not None or d.quote_text is not None) \
        + 0.1 * (d.claim_type != "statement") + 0.1 * (d.subject_text is not None)
    return dict(
        claim_id=span_row_id("clm", ctx.article_id, d.start_char, d.end_char, d.key), article_id=ctx.article_id,
        claim_type=d.claim_type, subject_entity_id=subject.entity_id if subject else None, subject_text=d.subject_text,
        predicate=d.predicate, object_entity_id=obj.entity_id if obj else None, object_text=d.object_text,
        object_possessor_entity_id=possessor.entity_id if possessor else None,
        object_start_char=d.object.start_char if d.object is not None else None,
        object_end_char=d.object.end_char if d.object is not None else None,
        speaker_entity_id=speaker.entity_id if speaker else None, speaker_text=d.speaker_text,
        quote_text=d.quote_text, quote_style=d.quote_style, reporting_verb=d.reporting_verb, attribution=d.attribution, modality=d.modality,
        modality_cue=d.modality_cue, party_entity_ids=sorted(in_clause) or None,
        amount_id=amount["amount_id"] if amount else None,
        claim_date=when["resolved_date"] if when else None, claim_date_text=when["text"] if when else None,
        place_text=place, sentence=ctx.body[d.start_char:d.end_char], start_char=d.start_char, end_char=d.end_char,
        sentence_index=sentence_of(d.start_char), confidence=round(min(confidence, 0.95), 2), run_id=ctx.run_id)
