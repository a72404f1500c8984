"""Document-level reference resolution: which entity a short name, a pronoun, a definite description or a
relative pronoun stands for, within one article.

Rule-based and linear: one pass over the tokens, keeping a bounded history of the entities named so far (with
sentence number, syntactic role and how often each was named), so the cost grows with article length only. The
rules, in the order they are tried for a token:

* ``short_name`` / ``acronym``: a name that is the last word or the initials of a longer name of the same type
  named earlier ("the Commission" after "European Commission", "SWF" after "Secure World Foundation") is that
  entity; ``surname``: a person's surname, last words or first name after the full name (the linker already merges
  these, ``entities.join_people``; they are recorded here so every resolution can be audited in one table).
* ``relative``: "X, which published ..." - the relative pronoun is X (the head noun its clause hangs from).
* ``pronoun``: he/she/it/they (and their possessive and object forms) -> the most salient earlier entity of a
  compatible type and gender within a few sentences: nearer is better, a subject beats an object, a pronoun that
  is a subject prefers an antecedent that was one, an often-named entity beats a once-named one; a pronoun is
  never the subject of the verb it is the object of ("Reed praised him").
* ``description``: "the company", "the agency", "the Paris-based operator", "the minister": the head noun gives
  the allowed types and gazetteer categories (``data/reference_rules.yaml``); an entity whose name contains the
  head noun ("the agency" -> European Space Agency) or, for a person, who was introduced with that role
  ("Defence Minister ...", "..., the minister") is required; then the same salience as for pronouns.
* ``group``: "the two sides", "both companies", "the partners" - a plural description stands for every member of
  the most recent group of parties: names conjoined as a subject or after "between" ("Leonardo and Thales
  signed ..."), or the two sides of an agreement ("Avio signed an agreement with Airbus"). The head noun gives the
  members' types, a count ("two", "both") must equal the group's size; one ``entity_references`` row per member.

A maintained coreference library was considered first: ``coreferee`` 1.5.0 installs from PyPI and accepts spaCy
3.8, but its trained English models are not in the wheel (its model folders hold only empty ``__init__`` files;
``python -m coreferee install en`` downloads them from GitHub), so it cannot run on a registry-only machine.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .claim_rules import expletive_it_verbs, rule_words
from .reference_rules import ReferenceRules, reference_rules  # noqa: F401  (re-exported)
from .entities import Link

HISTORY = 60            # entity occurrences kept for candidate search (bounds the cost per token)
PRONOUN_SENTS = 4       # how many sentences back a pronoun may reach
DESCRIPTION_SENTS = 12  # ... and a definite description
CLEAR_MARGIN = 1.0      # a pronoun resolved by this much over any other entity tells its antecedent's gender
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
ARG_DEPS = {"nsubj", "nsubjpass", "dobj", "dative", "pobj", "attr"}
SHORT_TYPES = {"ORG", "GPE", "PRODUCT", "FAC", "LOC", "LAW", "EVENT", "WORK_OF_ART"}
NAME_STOP = {"of", "and", "the", "for", "de", "du", "&", "-", "on", "in"}


@dataclass(frozen=True)
class Reference:
    """One resolved expression: its token range, the entity, the antecedent's token range and the rule."""

    start: int
    end: int
    link: Link
    antecedent_start: int | None
    antecedent_end: int | None
    rule: str


@dataclass
class _Seen:
    link: Link
    start: int
    end: int
    sent: int
    subject: bool
    root: int
    quoted: bool = False
    speaker: bool = False
    main: bool = False  # subject of the sentence's main verb, not of a clause inside it
    plural: bool = False  # a nationality as a plural or an adjective ("two Germans", "a Danish firm"): never an "it"


@dataclass
class Resolution:
    links: list[Link | None]                 # per entity span given, short names mapped to the full entity
    references: list[Reference] = field(default_factory=list)
    token_links: dict[int, Link] = field(default_factory=dict)
    group_links: dict[int, list[Link]] = field(default_factory=dict)  # "the two sides": every member, in order


def _acronym(name: str) -> str | None:
    words = [w for w in name.replace("-", " ").split() if w.lower() not in NAME_STOP]
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return None
    return "".join(w[0] for w in words)


def _gender(ent: Span, link: Link, rules: ReferenceRules) -> str | None:
    doc = ent.doc
    if ent.start > 0:
        g = rules.titles.get(doc[ent.start - 1].lower_)
        if g:
            return g
    first = link.canonical_name.split()[0].lower() if link.canonical_name else ""
    return rules.first_names.get(first) or rules.first_names.get(ent[0].lower_)


def _roles(ent: Span, rules: ReferenceRules) -> set[str]:
    """Role words a person is introduced with: a title before the name ("Defence Minister X") or inside the span,
    an apposition after it ("X, the minister")."""
    doc = ent.doc
    out: set[str] = set()
    for tok in doc[max(ent.sent.start, ent.start - 4):ent.end]:
        if tok.lower_ in rules.person_roles:
            out.add(tok.lower_)
    for child in ent.root.children:
        if child.dep_ == "appos":
            out.update(t.lower_ for t in child.subtree if t.lower_ in rules.person_roles)
    return out


def _is_expletive(tok: Token) -> bool:
    """'it is expected that ...', 'it was unclear whether ...': no referent."""
    if tok.dep_ == "expl":
        return True
    head = tok.head
    if tok.dep_ not in SUBJECT_DEPS:
        return False
    has_clause = any(c.dep_ in {"ccomp", "xcomp", "csubj"} and c.i > tok.i for c in head.children)
    return has_clause and (head.lemma_.lower() in {"be", "seem", "appear", "remain"} or head.tag_ == "VBN"
                           or any(c.dep_ == "acomp" for c in head.children)
                           or (tok.lower_ == "it" and _lemma(head) in expletive_it_verbs())) or _duration_it(tok)


RAISING_LEMMAS = {"go", "be", "seem", "appear", "have", "likely", "need"}


def _duration_it(tok: Token) -> bool:
    """"Astra is building it, but it's going to take decades": the "it" of an expletive verb of cost or time
    ("take", "cost") whose object is a stretch of time is the undertaking, not an organisation named nearby."""
    if tok.lower_ != "it" or tok.dep_ not in SUBJECT_DEPS:
        return False
    verb, hops = tok.head, 0
    while _lemma(verb) not in expletive_it_verbs() and _lemma(verb) in RAISING_LEMMAS and hops < 3:
        verb = next((c for c in verb.children if c.dep_ == "xcomp"), verb)
        hops += 1
    if _lemma(verb) not in expletive_it_verbs():
        return False
    return any(c.dep_ in {"dobj", "npadvmod", "attr"} and (c.ent_type_ in {"DATE", "TIME"}
                                                           or _lemma(c) in rule_words("duration_nouns"))
               for c in verb.children)


def _lemma(tok: Token) -> str:
    from .pipeline import lemma_of  # the lemmatizer runs on demand

    return lemma_of(tok)


def _main_subject(tok: Token) -> bool:
    """The subject of the sentence's root verb (or of a verb joined to it): "X said Y ..." - X, not Y."""
    if tok.dep_ == "conj" and tok.head.dep_ in SUBJECT_DEPS:
        tok = tok.head
    if tok.dep_ not in SUBJECT_DEPS:
        return False
    verb = tok.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ == "ROOT"


def resolve(doc: Doc, ents: list[Span], links: list[Link | None], sent_of_token,
            quote_ranges: list[tuple[int, int]] = ()) -> Resolution:
    """``ents`` in document order with their ``links`` (None for spans that are not entities);
    ``sent_of_token(i)`` gives a token's sentence number; ``quote_ranges`` are the character ranges of direct
    quotes: a pronoun outside quotes does not refer to a name inside one ("'... John Holdren ...,' he said")."""
    return Resolver(doc, ents, links, sent_of_token, quote_ranges).run()


class Resolver:
    """One article's resolution state: the entities named so far (bounded history), what is known of each
    (mention count, gender, roles, short names, last full-name span) and the groups of parties. ``run`` walks the
    tokens once; each rule is a method so it can be read (and tested) on its own."""

    def __init__(self, doc: Doc, ents: list[Span], links: list[Link | None], sent_of_token,
                 quote_ranges: list[tuple[int, int]] = ()) -> None:
        from .pipeline import lemma_of
        from .quotes import speech_verbs, voicing_verbs

        self.doc, self.ents, self.sent_of_token = doc, ents, sent_of_token
        self.quote_ranges = list(quote_ranges)
        self.q_starts = [a for a, _ in self.quote_ranges]
        self.lemma_of = lemma_of
        self.speech = voicing_verbs()  # "he said" makes a speaker salient; "he cannot defend his record" does not
        self.quoting = speech_verbs()  # ... and so does "he called the decision “a huge win”"
        self.rules = reference_rules()
        self.narrative_before, self.sent_end = self._narrative_sentences()
        self.res = Resolution(links=list(links))
        self.history: list[_Seen] = []
        self.counts: dict[str, int] = {}
        self.gender: dict[str, str] = {}
        self.roles: dict[str, set[str]] = {}
        self.named_roles: dict[str, tuple[str, set[str]]] = {}
        self.short: dict[str, Link] = {}
        self.full_span: dict[str, tuple[int, int]] = {}  # entity -> token range of its last full-name mention
        self.ent_at = {ent.start: k for k, ent in enumerate(ents)}
        self.margins: dict[int, float] = {}  # pronoun token -> how far its antecedent outscored the next entity
        self.groups: list[_Group] = []
        from .span_rules import based_modifiers

        self.based = based_modifiers(doc.text) if len(doc) else []

    # --- where a token stands: quotes, speech, sentence distance ------------------------------------------------

    def quoted(self, char: int) -> bool:
        k = bisect.bisect_right(self.q_starts, char) - 1
        return k >= 0 and self.quote_ranges[k][0] <= char < self.quote_ranges[k][1]

    def _quote_follows(self, verb: Token) -> bool:
        k = bisect.bisect_left(self.q_starts, verb.idx)
        return k < len(self.q_starts) and self.q_starts[k] < self.sent_end[self.sent_of_token(verb.i)]

    def speaks(self, root: Token) -> bool:
        if root.dep_ not in SUBJECT_DEPS or root.head.pos_ != "VERB":
            return False
        lemma = self.lemma_of(root.head)
        return lemma in self.speech or (lemma in self.quoting and self._quote_follows(root.head))

    def _narrative_sentences(self) -> tuple[list[int], list[int]]:
        """Sentences made only of quoted words do not move the narrative on ('“Don't shoot him,” she says. “He has
        no weapon. He has no weapon.” ¶ She then ...'): distances are counted in narrative sentences. Gives, per
        sentence number, the narrative sentences before it and the sentence's end character. One pass."""
        doc, sent_of_token = self.doc, self.sent_of_token
        if not len(doc):
            return [], []
        last_sent = sent_of_token(len(doc) - 1)
        narrative = [False] * (last_sent + 1)
        sent_end = [0] * (last_sent + 1)
        for t in doc:
            k = sent_of_token(t.i)
            sent_end[k] = t.idx + len(t)
            if t.is_alpha and not narrative[k] and not self.quoted(t.idx):
                narrative[k] = True
        before, total = [], 0
        for flag in narrative:
            before.append(total)
            total += flag
        return before, sent_end

    def sent_distance(self, a: int, b: int) -> int:
        return self.narrative_before[a] - self.narrative_before[b] if self.narrative_before else a - b

    # --- memory and output ----------------------------------------------------------------------------------------

    def remember(self, link: Link, start: int, end: int, root: Token) -> None:
        subject = root.dep_ in SUBJECT_DEPS or (root.dep_ == "conj" and root.head.dep_ in SUBJECT_DEPS)
        self.history.append(_Seen(link, start, end, self.sent_of_token(start), subject, root.i,
                                  self.quoted(root.idx), self.speaks(root), _main_subject(root),
                                  root.ent_type_ == "NORP" and (root.tag_ in {"NNS", "NNPS"} or root.pos_ == "ADJ"
                                                                or root.dep_ in {"amod", "compound"})))
        if len(self.history) > 2 * HISTORY:
            del self.history[:HISTORY]
        self.counts[link.entity_id] = self.counts.get(link.entity_id, 0) + 1

    def add(self, start: int, end: int, link: Link, ante: _Seen | tuple[int, int] | None, rule: str) -> None:
        if isinstance(ante, _Seen):
            a0, a1 = ante.start, ante.end
        elif ante is not None:
            a0, a1 = ante
        else:
            a0 = a1 = None
        if a0 is not None and a1 > start:
            return  # an antecedent inside (or after) the expression it would explain is no antecedent
        self.res.references.append(Reference(start, end, link, a0, a1, rule))
        for i in range(start, end):
            self.res.token_links[i] = link

    # --- candidate search -----------------------------------------------------------------------------------------

    def _co_subject(self, tok: Token) -> Token | None:
        """"Ferri praised him": an object pronoun is not the subject of its own verb."""
        if tok.dep_ in ARG_DEPS - SUBJECT_DEPS and not tok.lower_.endswith("self"):
            verb = tok.head.head if tok.dep_ == "pobj" else tok.head
            return next((c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.i != tok.i), None)
        return None

    def _salience(self, cand: _Seen, tok: Token, dist: int, tok_speaks: bool, extra: float) -> float:
        return (-1.0 * dist + (1.0 if cand.subject else 0.0)
                + (0.5 if cand.subject and tok.dep_ in SUBJECT_DEPS else 0.0)
                + 0.15 * min(self.counts.get(cand.link.entity_id, 0), 6) + extra
                + (1.0 if tok_speaks and cand.speaker else 0.0)  # "X said ... . '...,' he said"
                + (0.5 if cand.main else 0.0))  # "X said Y has no record. '...,' she said": X

    def pick(self, tok: Token, types: frozenset[str], max_sents: int, score_extra, before: int | None = None) -> _Seen | None:
        """The most salient earlier entity of one of ``types`` within ``max_sents`` narrative sentences, every one
        of its occurrences ending at or before ``before`` (the expression's first token; ``tok`` by default), so an
        antecedent never lies inside the expression it explains ("the GOES-West satellite" is not "GOES")."""
        here = self.sent_of_token(tok.i)
        limit = tok.i if before is None else before
        tok_quoted, tok_speaks = self.quoted(tok.idx), self.speaks(tok)
        best, best_score = None, None
        by_entity: dict[str, float] = {}
        excluded: set[str] = set()
        co_subject = self._co_subject(tok)
        for cand in reversed(self.history[-HISTORY:]):
            dist = self.sent_distance(here, cand.sent)
            if dist > max_sents:
                break
            if cand.link.entity_type not in types or cand.end > limit:
                continue
            if (cand.quoted and not tok_quoted) or cand.link.entity_id in excluded:
                continue  # names inside a quote are the speaker's words, not the narrative's referents
            if co_subject is not None and (self.res.token_links.get(co_subject.i) == cand.link
                                           or co_subject.text in cand.link.canonical_name.split()):
                excluded.add(cand.link.entity_id)
                continue
            extra = score_extra(cand)
            if extra is None:
                excluded.add(cand.link.entity_id)
                continue
            # Every occurrence in reach is scored and an entity counts by its best one: "Ham made it clear he
            # had ... his retirement. '...,' he told the host": the subject "Ham" outweighs the nearer "his".
            score = self._salience(cand, tok, dist, tok_speaks, extra)
            eid = cand.link.entity_id
            by_entity[eid] = max(score, by_entity.get(eid, score))
            if best_score is None or score > best_score:
                best, best_score = cand, score
        if best is not None:
            runner_up = max((v for k, v in by_entity.items() if k != best.link.entity_id), default=None)
            self.margins[tok.i] = best_score - runner_up if runner_up is not None else float("inf")
        return best

    # --- the walk -------------------------------------------------------------------------------------------------

    def run(self) -> Resolution:
        i, n = 0, len(self.doc)
        while i < n:
            k = self.ent_at.get(i)
            if k is not None:
                i = self._entity(k, i)
                continue
            self._token(self.doc[i])
            i += 1
        return self.res

    def _entity(self, k: int, i: int) -> int:
        """Record entity span ``k`` (mapping a short name to its full entity); gives the next token to visit."""
        ent, link = self.ents[k], self.res.links[k]
        if link is None:
            return max(ent.end, i + 1)
        if link.entity_type in SHORT_TYPES:
            link = self._short_name(ent, k, link)
        elif link.entity_type == "PERSON":
            self._person(ent, link)
        if link.entity_type != "PERSON":  # a person labelled an organisation ("X, the group's president")
            found = {c.lower_ for c in ent.root.children if c.dep_ == "appos" and c.lower_ in self.rules.person_roles}
            self.roles.setdefault(link.entity_id, set()).update(found)
            if found:
                self.named_roles[link.entity_id] = (link.canonical_name, found)
        for t in ent:
            self.res.token_links[t.i] = link
        note_group(self.groups, ent, link, self.res.token_links, self.sent_of_token, self.rules)
        if not any(a <= ent.start_char and ent.end_char <= b for a, b in self.based):
            # "Toulouse- and Boulder, Colorado-based Eutelsat said it ...": a place that only says where a
            # company sits is no antecedent.
            self.remember(link, ent.start, ent.end, ent.root)
        return max(ent.end, i + 1)

    def _short_name(self, ent: Span, k: int, link: Link) -> Link:
        """``short_name`` / ``acronym``: "the Commission" after "European Commission"; else learn this entity's
        last word and initials."""
        target = None
        if not link.in_gazetteer:
            text = ent.text
            target = self.short.get(text.lower())
            rule = "acronym" if text.isupper() and len(text) <= 6 else "short_name"
            if target is not None and target.entity_id != link.entity_id:
                self.res.links[k] = target
                self.add(ent.start, ent.end, target, self.full_span.get(target.entity_id), rule)
                link = target
        if target is None:
            words = link.canonical_name.split()
            if len(words) >= 2 and words[-1][:1].isupper() and len(words[-1]) >= 4:
                self.short[words[-1].lower()] = link
            acro = _acronym(link.canonical_name)
            if acro:
                self.short[acro.lower()] = link
            self.full_span[link.entity_id] = (ent.start, ent.end)
        return link

    def _person(self, ent: Span, link: Link) -> None:
        if len(ent) >= max(2, len(link.canonical_name.split())):
            self.full_span[link.entity_id] = (ent.start, ent.end)
        elif link.entity_id in self.full_span and ent.text != link.canonical_name:  # "Nelson", "Caldwell Dyson"
            self.add(ent.start, ent.end, link, self.full_span[link.entity_id], "surname")
        g = _gender(ent, link, self.rules)  # "Mrs. Clinton", and a person named by first name only ("Kevin")
        if g:
            self.gender.setdefault(link.entity_id, g)
        self.roles.setdefault(link.entity_id, set()).update(_roles(ent, self.rules))

    def _token(self, tok: Token) -> None:
        """A token outside entity spans: a relative pronoun, a pronoun, a group or a definite description."""
        low, rules = tok.lower_, self.rules
        if tok.tag_ in {"WDT", "WP", "WP$"} and low in {"which", "who", "whom", "whose", "that"} \
                and tok.head.dep_ == "relcl":
            ante_tok = tok.head.head
            link = self.res.token_links.get(ante_tok.i)
            if link is not None:
                self.add(tok.i, tok.i + 1, link, (ante_tok.i, ante_tok.i + 1), "relative")
        elif tok.pos_ == "PRON" and low in rules.pronouns and not (low in {"it", "them"} and (
                tok.dep_ not in SUBJECT_DEPS or _is_expletive(tok))):  # an object "it"/"them" is mostly a thing
            self._pronoun(tok)
        elif low in rules.groups and tok.tag_ == "NNS" and tok.dep_ != "compound":
            self._group(tok)
        elif tok.pos_ in {"NOUN", "PROPN"} and tok.dep_ not in {"compound", "attr"} and (  # "X is the operator": predicated
                low in rules.descriptions or low in rules.person_roles):
            self._description(tok)

    def _role_kind(self, tok: Token) -> tuple[frozenset[str], frozenset[str]] | None:
        """(types, categories) a subject pronoun's "as" role names: in "it will replace GOES-15 as the agency's
        main weather satellite" the "it" is a satellite, not the agency named nearer as a subject."""
        verb = tok.head
        if tok.dep_ not in SUBJECT_DEPS or not (_lemma(verb) in self.rules.role_subject_verbs or not any(
                c.dep_ in {"dobj", "dative"} for c in verb.children)):
            return None
        for child in verb.children:
            role = None
            if child.dep_ == "prep" and child.lower_ == "as":
                role = next((c for c in child.children if c.dep_ == "pobj"), None)
            elif child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "as" for m in child.children):
                # "as the agency's main satellite focused on ..." parsed as a clause with the role as its subject
                role = next((c for c in child.children if c.dep_ in SUBJECT_DEPS), None)
            if role is not None and role.lower_ in self.rules.descriptions:
                return self.rules.descriptions[role.lower_]
        return None

    def _pronoun(self, tok: Token) -> None:
        i = tok.i
        types, g = self.rules.pronouns[tok.lower_]
        kind = self._role_kind(tok)
        if kind is not None and types & kind[0]:
            types = types & kind[0]
        plural = tok.lower_ in PLURAL_PRONOUNS
        reporter = _reporting_subject(tok, self.rules_reporting())
        here = self.sent_of_token(i)
        embedded = _in_subordinate_clause(tok)
        owner = _relative_owner(tok)

        def pronoun_fit(cand: _Seen) -> float | None:
            cg = self.gender.get(cand.link.entity_id)
            if (g and cg and cg != g) or (cand.plural and not plural):
                return None
            if kind is not None and kind[1] and cand.link.category and cand.link.category not in kind[1]:
                return None  # "it ... as the main weather satellite": not a launcher named nearer
            extra = 0.3 if g and cg == g else 0.0
            if reporter is not None and cand.root == reporter.i:
                extra += 2.0  # "Intelsat said it paid ...": the one who reports
            elif embedded and cand.sent == here and not plural:
                extra += 1.5  # "... acquired the assets of X before it closed ...": this sentence's names first
            if owner is not None and (cand.root == owner.i or cand.start <= owner.i < cand.end):
                extra += 2.0  # "X has stressed partnerships that would allow it to build ...": X
            return extra

        cand = self.pick(tok, types, PRONOUN_SENTS, pronoun_fit)
        if cand is None:
            return
        if plural and _plural_between(self.doc, cand.end, tok):
            return  # "They" after "three customers" / "A, B and C": not a single organisation named before
        self.add(i, i + 1, cand.link, cand, "pronoun")
        if self.quoted(tok.idx):
            return  # a pronoun inside a quote is the speaker's word: it adds no salience
        self.remember(cand.link, i, i + 1, tok)
        if g and cand.link.entity_type == "PERSON" and self.speaks(tok) and self.margins.get(i, 0.0) >= CLEAR_MARGIN:
            # "Okafor said ... . '...,' she said": a speaker clearly resolved tells the person's gender, so a later
            # "he" looks elsewhere (an object "him" may be someone never named).
            self.gender.setdefault(cand.link.entity_id, g)

    def rules_reporting(self) -> frozenset[str]:
        from .claim_rules import claim_rules

        return claim_rules().reporting_lemmas

    def _group(self, tok: Token) -> None:
        found = group_for(tok, self.groups, self.sent_of_token(tok.i), self.rules)
        if found is None:
            return
        start, group = found
        if any(m.end > start for m in group.members):
            return  # a member inside the description itself is not what it refers back to
        for m in group.members:
            self.res.references.append(Reference(start, tok.i + 1, m.link, m.start, m.end, "group"))
        for t in range(start, tok.i + 1):
            self.res.group_links[t] = [m.link for m in group.members]

    def _person_like(self, link: Link) -> bool:
        """A name introduced with a person's role in apposition, or the end of such a name ("De la Fontaine" after
        "Stéphane de la Fontaine, group president of ..."), whatever label the model gave it."""
        if self.roles.get(link.entity_id):
            return True
        tail = " " + link.canonical_name.lower()
        return any(roles and (" " + name.lower()).endswith(tail) for eid, (name, roles) in self.named_roles.items()
                   if eid != link.entity_id)

    def _description(self, tok: Token) -> None:
        """"the company", "the minister": a definite description that names nothing itself."""
        doc, i, low = self.doc, tok.i, tok.lower_
        det = next((c for c in tok.children if c.dep_ == "det"), None)
        if det is None or det.lower_ not in {"the", "this", "that"}:
            return
        named = any(  # "the CSO-3 satellite" names its own referent ("Paris-based" does not)
            (t.pos_ == "PROPN" or t.ent_type_) and not (t.i + 1 < len(doc) and doc[t.i + 1].text == "-")
            for t in doc[det.i + 1:i])
        # "the company that built X" is restricted to one not yet named; "The company, best known for building X,"
        # only describes the one already named (a clause set off by a comma).
        if named or any((c.dep_ in {"relcl", "acl"} and doc[c.left_edge.i - 1].text != ",")
                        or (c.dep_ == "prep" and c.lower_ == "of") for c in tok.children):
            return
        start = tok.left_edge.i if tok.left_edge.i >= det.i else det.i
        if low in self.rules.person_roles:
            def role_fit(cand: _Seen) -> float | None:
                return 3.0 if low in self.roles.get(cand.link.entity_id, ()) else None
            cand = self.pick(tok, frozenset({"PERSON"}), DESCRIPTION_SENTS, role_fit, before=start)
        else:
            types, cats = self.rules.descriptions[low]
            not_named = self.rules.not_named.get(low, frozenset())

            def desc_fit(cand: _Seen) -> float | None:
                if cats and cand.link.category and cand.link.category not in cats:
                    return None
                if self._person_like(cand.link):
                    return None  # "Stéphane de la Fontaine, the group's president" is a person, whatever his label
                if not_named and not_named.intersection(cand.link.canonical_name.lower().split()):
                    return None  # "the government" is no House subcommittee
                bonus = 3.0 if low in cand.link.canonical_name.lower().split() else 0.0
                return bonus + (1.0 if cats and cand.link.category in cats else 0.0)
            cand = self.pick(tok, types, DESCRIPTION_SENTS, desc_fit, before=start)
        if cand is not None:
            self.add(start, i + 1, cand.link, cand, "description")
            self.remember(cand.link, i, i + 1, tok)


PLURAL_PRONOUNS = {"they", "them", "their", "theirs", "themselves"}
SUBORDINATE_DEPS = {"advcl", "ccomp", "relcl", "acl", "xcomp", "pcomp"}


def _reporting_subject(tok: Token, reporting: frozenset[str]) -> Token | None:
    """The subject of the reporting verb whose complement clause a subject pronoun sits in ("X said it ...")."""
    from .pipeline import lemma_of

    if tok.dep_ not in SUBJECT_DEPS or tok.head.dep_ != "ccomp":
        return None
    from .claim_rules import adverbial_clause

    gov = tok.head.head
    if lemma_of(gov) not in reporting or adverbial_clause(gov):
        return None  # "Once NOAA confirms X, it will ...": no report, so no reporter to prefer
    return next((c for c in gov.children if c.dep_ in SUBJECT_DEPS), None)


def _relative_owner(tok: Token) -> Token | None:
    """The subject of the clause whose object a pronoun's relative clause describes: in "Orbitex has stressed
    partnerships that would allow it to build its engines" the partnerships are Orbitex's, and so is "it"
    (not a company named earlier as the sentence's main subject)."""
    node, hops = tok, 0
    while node.head.i != node.i and hops < 8:
        if node.dep_ == "relcl":
            noun = node.head
            verb = noun.head.head if noun.dep_ == "pobj" else (noun.head if noun.dep_ in {"dobj", "dative"} else None)
            if verb is None or verb.pos_ not in {"VERB", "AUX"}:
                return None
            return next((c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.i != tok.i), None)
        node, hops = node.head, hops + 1
    return None


def _in_subordinate_clause(tok: Token) -> bool:
    """Whether the pronoun is the subject of a clause inside its sentence ("before it closed ...")."""
    return tok.dep_ in SUBJECT_DEPS and tok.head.dep_ in SUBORDINATE_DEPS


def _plural_between(doc: Doc, start: int, tok: Token) -> bool:
    """A plural noun phrase (a plural noun, or coordinated names) as an argument between a candidate antecedent
    and a plural pronoun: "they" then stands for it rather than for a single organisation named before."""
    lo = max(start, tok.sent.start - 60, 0)  # the plural is looked for near the pronoun only
    for t in doc[lo:tok.i]:
        if t.dep_ not in ARG_DEPS and t.dep_ != "appos":
            continue
        if t.tag_ in {"NNS", "NNPS"} and t.ent_type_ != "ORG":
            return True
        if t.pos_ == "PROPN" and any(c.dep_ == "conj" for c in t.children):
            return True
    return False


# --- groups: "the two sides", "both companies", "the partners" ------------------------------------------------

COUNTS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4, "both": 2}


@dataclass
class _Member:
    link: Link
    start: int
    end: int


@dataclass
class _Group:
    key: int                # token of the first conjunct, or of the agreement verb
    sent: int
    end: int                # token after the last member
    members: list[_Member]


def _group_anchor(root: Token, rules: ReferenceRules) -> tuple[int, Token] | None:
    """Whether a name joins a group, as (group key, first member's token): a later conjunct of a subject or of
    "between X and Y", or the "with" side of an agreement whose subject is the first member."""
    from .claim_rules import claim_rules
    from .pipeline import lemma_of

    if root.dep_ == "conj":
        first = root
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        if first.dep_ in SUBJECT_DEPS or (first.dep_ == "pobj" and first.head.lower_ == "between"):
            return first.i, first
        return None
    if root.dep_ != "pobj" or root.head.lower_ != "with":
        return None
    gov = root.head.head
    if gov.pos_ == "NOUN" and lemma_of(gov) in rules.group_agreement_nouns:
        gov = gov.head  # "signed an agreement with Airbus"
    if gov.pos_ != "VERB" or claim_rules().type_of.get(lemma_of(gov)) != "agreement":
        return None
    subj = next((c for c in gov.children if c.dep_ in SUBJECT_DEPS), None)
    return (gov.i, subj) if subj is not None else None


def note_group(groups: list[_Group], ent: Span, link: Link, token_links: dict[int, Link], sent_of_token,
               rules: ReferenceRules) -> None:
    """Add ``ent`` to the group it completes (a conjunct, the other side of an agreement), opening the group with
    its first member when needed."""
    anchor = _group_anchor(ent.root, rules)
    if anchor is None:
        return
    key, first = anchor
    first_link = token_links.get(first.i)
    if first_link is None or first_link.entity_id == link.entity_id:
        return
    if not groups or groups[-1].key != key:
        lo, hi = first.left_edge.i, first.i + 1
        groups.append(_Group(key, sent_of_token(ent.start), ent.end, [_Member(first_link, lo, hi)]))
        del groups[:-HISTORY]
    group = groups[-1]
    if all(m.link.entity_id != link.entity_id for m in group.members):
        group.members.append(_Member(link, ent.start, ent.end))
        group.end = ent.end


def group_for(tok: Token, groups: list[_Group], here: int, rules: ReferenceRules) -> tuple[int, _Group] | None:
    """(start token of the description, group) for "the two sides" / "both companies" / "the partners"."""
    det = next((c for c in tok.children if c.dep_ in {"det", "predet"} and c.lower_ in {"the", "both", "these"}), None)
    if det is None:
        return None
    num = next((c for c in tok.children if c.dep_ == "nummod"), None)
    count = COUNTS.get(num.lower_) if num is not None else COUNTS.get(det.lower_)
    if num is not None and count is None:
        return None  # "the 12 companies": not a group just named
    if count is None and tok.lower_ not in rules.group_without_count:
        return None  # "the companies" is mostly generic
    if any(c.dep_ in {"relcl", "acl"} or (c.dep_ == "prep" and c.lower_ in {"of", "in", "from"}) for c in tok.children):
        return None  # "the companies in the consortium", "both sides of the Atlantic": described, not referred to
    types = rules.groups[tok.lower_]
    for group in reversed(groups):
        if here - group.sent > DESCRIPTION_SENTS:
            break
        if group.end > tok.i:
            continue
        if (count is not None and len(group.members) != count) or len(group.members) < 2:
            continue
        if all(m.link.entity_type in types for m in group.members):
            return min(det.i, tok.left_edge.i), group
    return None
