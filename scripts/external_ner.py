"""Readers that turn two externally annotated corpora into the shape the entity scorer needs: documents with a
text and a set of gold ``(start, end, type)`` spans. Neither corpus is copied into the project: both are read
from a local checkout whose path is given on the command line.

GUM (``amir-zeldes/gum``, CC-BY 4.0), news section ``dep/GUM_news_*.conllu``
    Every referring expression is annotated in the MISC column (``Entity=(id-etype-...``), as a full noun
    phrase. Scored: mentions of type person, organization or place whose syntactic head (the token of the
    mention whose head lies outside it) is a proper noun (UPOS ``PROPN``), reduced to the name they contain,
    the way an OntoNotes-style recogniser marks it:

    * the Wikipedia title the mention is linked to, when it occurs verbatim inside the mention
      ("US President Barack Obama" linked to ``Barack_Obama`` gives "Barack Obama"; such a linked name counts
      even when the phrase's head is a common noun: "Facebook creator Mark Zuckerberg");
    * otherwise the longest run of capitalised tokens around the head, inside the mention, joined by hyphens,
      dots, "&" and, for organisations and places, by "of", "and", "for", "the", "de" when a capitalised token
      follows; a person's leading titles ("President", "Mr.") and a leading nested mention of another entity
      ("NASA Administrator ...") are dropped.

    * a name the treebank attaches to a common-noun head as ``flat`` or ``appos`` ("team member Jane Roe",
      "the security firm Acme.com"): that proper noun and the capitalised run after it.

    Left out: coordinations (a head with a ``conj`` inside the mention: each conjunct is its own mention) and
    plural person heads, linked or not ("Muslims", "the Rohingya": a group, NORP in the OntoNotes scheme). Types: person →
    PERSON, organization → ORG, place → PLACE (predicted GPE, LOC, FAC and CELESTIAL all count as PLACE).
    Predicted spans of other types (NORP, PRODUCT, EVENT, dates, ...) are not scored.

re3d (``dstl/re3d``; each source folder has its own licence: OGL v3, public domain, CC-BY(-NC/-SA) 3.0)
    ``*/documents.json`` and ``*/entities.json`` (character offsets). A span annotated with several types keeps
    the one with the highest confidence. Type mapping to the project's labels:

    ===================  ==========  ==============================================================
    re3d                 scored as   note
    ===================  ==========  ==============================================================
    Person               PERSON
    Organisation         ORG
    Location             PLACE       predicted GPE, LOC, FAC, CELESTIAL
    Nationality          NORP
    Money                MONEY       spaceetl: the ``amounts`` table; raw model: MONEY entities
    Temporal, Quantity,  not scored  dates are another table; quantities, weapons and platforms are
    Weapon, Vehicle,                 mostly common nouns ("a heavy machine gun", "bombers")
    MilitaryPlatform,
    DocumentReference,
    CommsIdentifier,
    Frequency, Url,
    Coordinate
    ===================  ==========  ==============================================================

    re3d also annotates pronouns and descriptions ("He", "the regime", "rebels"), which no name recogniser
    is meant to find: only names are scored, i.e. spans whose words (after a leading determiner) are all
    capitalised apart from function words, and money spans that contain a number. For MONEY a leading
    qualifier ("more than", "over", "about", ...) is trimmed from gold and predicted spans alike. A person's
    mention is reduced to its name: leading titles dropped, then everything up to the last title word and the
    department after it ("U.S. Secretary of State John Kerry" -> "John Kerry") when a capitalised name follows;
    a trailing possessive is not part of a name.
"""

from __future__ import annotations

import glob
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

PLACE_LABELS = {"GPE", "LOC", "FAC", "CELESTIAL"}


@dataclass
class ExtDoc:
    doc_id: str
    text: str
    gold: set[tuple[int, int, str]] = field(default_factory=set)


# ---------------------------------------------------------------------------------------------------------- GUM

GUM_TYPES = {"person": "PERSON", "organization": "ORG", "place": "PLACE"}
PERSON_TITLES = {
    "president", "prime", "minister", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "secretary",
    "senator", "sen.", "governor", "gov.", "general", "gen.", "major", "colonel", "col.", "captain", "capt.",
    "sheriff", "administrator", "chancellor", "king", "queen", "prince", "princess", "pope", "saint", "st.",
    "judge", "justice", "mayor", "deputy", "undersecretary", "chairman", "chief", "officer", "director",
    "spokesperson", "spokesman", "representative", "rep.", "ambassador", "lieutenant", "lt.", "sergeant",
    "sgt.", "professor", "prof.", "father", "reverend", "rev.", "bishop", "archbishop", "cardinal", "lord",
    "lady", "vice", "premier", "commissioner", "commander", "admiral", "adm.", "inspector", "detective", "maj.",
    "brig.", "lt", "cpl.", "pvt.", "sgt", "staff", "air", "marshal", "foreign", "defence", "defense",
}
NAME_JOINERS = {"of", "and", "for", "the", "de", "&", "on", "du", "la"}
PERSON_PARTICLES = {"de", "van", "von", "bin", "al", "da", "del", "der", "la", "le", "ibn", "el"}


def _parse_entity_field(value: str) -> list[tuple[str, str, bool]]:
    """``(1-person-...)(2-place-...`` / ``3)2)`` -> [("open", attrs, closed_here) | ("close", id, False)]."""
    out: list[tuple[str, str, bool]] = []
    i = 0
    while i < len(value):
        if value[i] == "(":
            j = i + 1
            while j < len(value) and value[j] not in "()":
                j += 1
            closed = j < len(value) and value[j] == ")"
            out.append(("open", value[i + 1:j], closed))
            i = j + 1 if closed else j
        elif value[i].isdigit():
            j = i
            while value[j].isdigit():
                j += 1
            if value[j] != ")":
                raise ValueError(f"bad Entity field {value!r}")
            out.append(("close", value[i:j], False))
            i = j + 1
        else:
            raise ValueError(f"bad Entity field {value!r}")
    return out


def gum_files(checkout: Path) -> list[Path]:
    files = sorted(Path(p) for p in glob.glob(str(checkout / "dep" / "GUM_news_*.conllu")))
    if not files:
        raise FileNotFoundError(f"no dep/GUM_news_*.conllu under {checkout}")
    return files


def gum_split(files: list[Path], split: str) -> list[Path]:
    """``tune``: every other document in name order, starting with the first (the rules may be looked at on
    these); ``test``: the other half, kept back for an unbiased figure; ``all``: both."""
    if split == "tune":
        return files[0::2]
    if split == "test":
        return files[1::2]
    return files


def read_gum(path: Path) -> ExtDoc:
    sents: list[tuple[bool, list[list[str]]]] = []
    new_par, cur = True, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            if line.strip() == "# newpar" or line.startswith("# newpar "):
                new_par = True
            continue
        if not line.strip():
            if cur:
                sents.append((new_par, cur))
                cur, new_par = [], False
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue
        cur.append(cols)
    if cur:
        sents.append((new_par, cur))

    text_parts: list[str] = []
    pos = 0
    gold: set[tuple[int, int, str]] = set()
    for par_start, toks in sents:
        if text_parts:
            sep = "\n\n" if par_start else " "
            text_parts.append(sep)
            pos += len(sep)
        offsets: list[tuple[int, int]] = []
        for k, t in enumerate(toks):
            offsets.append((pos, pos + len(t[1])))
            text_parts.append(t[1])
            pos += len(t[1])
            if k + 1 < len(toks) and "SpaceAfter=No" not in t[9]:
                text_parts.append(" ")
                pos += 1
        for start, end, attrs in _gum_mentions(toks):
            span = _gum_name(toks, start, end, attrs)
            if span is not None:
                a, b, label = span
                gold.add((offsets[a][0], offsets[b - 1][1], label))
    return ExtDoc(path.stem, "".join(text_parts), _dedupe(gold))


def _dedupe(gold: set[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    seen: dict[tuple[int, int], str] = {}
    for s, e, lab in sorted(gold):
        seen.setdefault((s, e), lab)
    return {(s, e, lab) for (s, e), lab in seen.items()}


def _gum_mentions(toks: list[list[str]]) -> list[tuple[int, int, str]]:
    open_: dict[str, list[tuple[int, str]]] = {}
    out: list[tuple[int, int, str]] = []
    for k, t in enumerate(toks):
        m = re.search(r"Entity=([^|]*)", t[9])
        if not m:
            continue
        for kind, val, closed in _parse_entity_field(m.group(1)):
            if kind == "open":
                if closed:
                    out.append((k, k + 1, val))
                else:
                    open_.setdefault(val.split("-", 1)[0], []).append((k, val))
            else:
                start, attrs = open_[val].pop()
                out.append((start, k + 1, attrs))
    return out


def _cap(tok: str) -> bool:
    return tok[:1].isupper() or (tok[:1].isdigit() and any(ch.isalpha() for ch in tok))


def _gum_name(toks: list[list[str]], start: int, end: int, attrs: str) -> tuple[int, int, str] | None:
    parts = attrs.split("-")
    label = GUM_TYPES.get(parts[1]) if len(parts) > 1 else None
    if label is None:
        return None
    ids = {int(t[0]) for t in toks[start:end]}
    heads = [k for k in range(start, end) if int(toks[k][6]) not in ids]
    if not heads:
        return None
    h = heads[0]
    head_id = toks[h][0]
    if any(toks[k][6] == head_id and toks[k][7] == "conj" for k in range(start, end)):
        return None  # a coordination: its conjuncts are mentions of their own
    if label == "PERSON" and "Number=Plur" in toks[h][5]:
        return None  # a group ("Muslims", "the Afghans"), linked to Wikipedia or not
    words = [t[1] for t in toks[start:end]]
    identity = unquote(parts[-1]) if len(parts) > 7 else ""
    if identity:
        title = re.sub(r"\s*\([^)]*\)$", "", identity.replace("_", " ")).split()
        n = len(title)
        for k in range(len(words) - n + 1):
            if [w.casefold() for w in words[k:k + n]] == [w.casefold() for w in title] and _cap(words[k]):
                return start + k, start + k + n, label
    if toks[h][3] != "PROPN":
        # "team member Jane Roe", "the security firm Acme.com": GUM makes the common noun the head and attaches
        # the name to it as ``flat`` or ``appos``; the name is that proper noun and the capitalised run after it.
        named = [k for k in range(h + 1, end) if toks[k][6] == head_id and toks[k][7] in {"flat", "appos"}
                 and toks[k][3] == "PROPN"]
        if not named:
            return None
        a = b = named[0]
        while b + 1 < end:
            w, nxt = toks[b + 1][1], toks[b + 2][1] if b + 2 < end else ""
            if w == "-" and nxt[:1].isalnum():
                b += 2
            elif _cap(w) or w == "." and _cap(nxt):
                b += 1
            else:
                break
        while b > a and toks[b][1] in {"-", "."}:
            b -= 1
        return a, b + 1, label
    # The capitalised run around the head.
    a = b = h
    while a - 1 >= start:
        w = toks[a - 1][1]
        if _cap(w) or w in {"-", ".", "&"} and a - 2 >= start and _cap(toks[a - 2][1]):
            a -= 1
        elif (label != "PERSON" and w.lower() in NAME_JOINERS or label == "PERSON" and w.lower() in PERSON_PARTICLES) \
                and a - 2 >= start and _cap(toks[a - 2][1]) and w.lower() != "the":
            a -= 1
        else:
            break
    while b + 1 < end:
        w = toks[b + 1][1]
        nxt = toks[b + 2][1] if b + 2 < end else ""
        if w == "-" and nxt[:1].isalnum():
            b += 2  # "Kim Jong-un", "Facility-1": the part after the hyphen belongs to the name
        elif _cap(w) or w == "." and _cap(nxt):
            b += 1
        elif label != "PERSON" and w.lower() in NAME_JOINERS and (_cap(nxt) or nxt.lower() == "the" and b + 3 < end
                                                                 and _cap(toks[b + 3][1])):
            b += 1
        elif label == "PERSON" and w.lower() in PERSON_PARTICLES and _cap(nxt):
            b += 1
        else:
            break
    b += 1
    while a < b and toks[a][1].lower() in {"the", "a", "an"}:
        a += 1
    if label == "PERSON":
        nested = [(s, e) for s, e, _ in _gum_mentions(toks) if s == a and e <= h and (s, e) != (start, end)]
        if nested:
            a = max(e for _, e in nested)
        while a < h and toks[a][1].lower() in PERSON_TITLES:
            a += 1
    while b > a and toks[b - 1][1] in {"'s", "’s", "'", ",", "."}:
        b -= 1
    if a >= b:
        return None
    return a, b, label


# --------------------------------------------------------------------------------------------------------- re3d

RE3D_TYPES = {"Person": "PERSON", "Organisation": "ORG", "Location": "PLACE", "Nationality": "NORP",
              "Money": "MONEY"}
FUNCTION_WORDS = {"of", "the", "and", "for", "de", "al", "el", "in", "on", "at", "to", "&", "-", "bin", "ibn",
                  "la", "du", "des", "van", "von", "'s", "’s"}
PRONOUNS = {"i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "it", "its",
            "they", "them", "their", "who", "whom", "this", "that", "these", "those"}
NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "hundred",
                "thousand", "million", "billion", "trillion"}
MONEY_QUALIFIERS = re.compile(
    r"^(?:(?:more|less|fewer) than|over|under|about|around|approximately|roughly|nearly|almost|some|up to|at least|"
    r"an estimated|estimated|just over|just under|a further|another|an additional|a total of|the|a|an)\s+",
    re.IGNORECASE)


def trim_money(text: str, start: int, end: int) -> tuple[int, int]:
    """Leading qualifiers off a money span ("more than $4 million" -> "$4 million"), for both sides alike."""
    while True:
        m = MONEY_QUALIFIERS.match(text[start:end])
        if not m or m.end() >= end - start:
            return start, end
        start += m.end()


def _is_name(value: str) -> bool:
    words = re.findall(r"[\w’'.&-]+", value)
    while words and words[0].lower() in {"the", "a", "an"}:
        words = words[1:]
    if not words or (len(words) == 1 and words[0].lower() in PRONOUNS):
        return False
    content = [w for w in words if w.lower() not in FUNCTION_WORDS]
    return bool(content) and all(w[:1].isupper() or w[:1].isdigit() for w in content)


ROLE_TITLES = PERSON_TITLES | {"envoy", "special", "adviser", "advisor", "acting", "assistant", "high", "spokeswoman"}
DEPARTMENT_WORDS = {"of", "for", "the", "state", "defense", "defence", "homeland", "security", "foreign", "affairs",
                    "interior", "treasury", "health", "justice", "energy", "education", "commerce", "labor", "labour",
                    "agriculture", "transportation", "veterans", "army", "navy", "air", "force"}


def _after_last_title(text: str, s: int, e: int) -> int:
    """Where the name starts in a person's full mention: after the last title word and the department named after it
    ("U.S. Secretary of State John Kerry", "UN Special Envoy Staffan de Mistura" -> the name), when a name follows."""
    words = [(m.start() + s, m.group()) for m in re.finditer(r"\S+", text[s:e])]
    last = max((k for k, (_, w) in enumerate(words) if w.lower().strip(",") in ROLE_TITLES), default=None)
    if last is None:
        return s
    k = last + 1
    while k < len(words) - 1 and words[k][1].lower() in DEPARTMENT_WORDS:
        k += 1
    if k >= len(words) or not words[k][1][:1].isupper():
        return s  # "Iraqi Foreign Minister": no name after the title
    return words[k][0]


def read_re3d(checkout: Path) -> list[ExtDoc]:
    folders = sorted(p for p in checkout.iterdir() if (p / "documents.json").is_file())
    if not folders:
        raise FileNotFoundError(f"no */documents.json under {checkout}")
    docs: dict[str, ExtDoc] = {}
    best: dict[tuple[str, int, int], tuple[float, int, str]] = {}
    order = 0
    for folder in folders:
        for line in (folder / "documents.json").read_text(encoding="utf-8-sig").splitlines():
            if line.strip():
                d = json.loads(line)
                docs[d["_id"]] = ExtDoc(f"{folder.name}/{d['_id'][:8]}", d["text"])
        for line in (folder / "entities.json").read_text(encoding="utf-8-sig").splitlines():
            if not line.strip():
                continue
            e = json.loads(line)
            key = (e["documentId"], int(e["begin"]), int(e["end"]))
            order += 1
            cand = (float(e.get("confidence") or 0.0), -order, e["type"])
            if key not in best or cand > best[key]:
                best[key] = cand
    for (doc_id, s, e), (_, _, typ) in best.items():
        label = RE3D_TYPES.get(typ)
        doc = docs.get(doc_id)
        if label is None or doc is None:
            continue
        value = doc.text[s:e]
        if label == "MONEY":
            if not re.search(r"\d", value) and not any(w.lower() in NUMBER_WORDS for w in value.split()):
                continue
            s, e = trim_money(doc.text, s, e)
        elif not _is_name(value):
            continue
        else:
            # No leading determiner; a person's leading titles ("Maj. Gen.", "President") are not part of the
            # name in the project's convention, nor in the raw model's.
            drop = {"the", "a", "an"} | (PERSON_TITLES if label == "PERSON" else set())
            while " " in doc.text[s:e] and doc.text[s:e].split(" ", 1)[0].lower() in drop:
                s += len(doc.text[s:e].split(" ", 1)[0]) + 1
            if label == "PERSON":
                s = _after_last_title(doc.text, s, e)
            while doc.text[s:e].endswith(("'s", "’s")) and e - s > 2:
                e -= 2  # "Federica Mogherini’s": the possessive is not part of the name
        doc.gold.add((s, e, label))
    return [d for d in docs.values()]


# ------------------------------------------------------------------------------------------ one span normalisation

# The surface forms the spaceetl pipeline never keeps in a name (``nlp/pipeline.py`` ``_trim``, ``span_rules``
# ``trim_descriptors`` and the leading titles of ``data/entity_rules.yaml``). Every predicted span of every line,
# the raw model's as well as spaceetl's, goes through ``normalise_spans`` before it is matched, so a line is not
# scored down for a leading "the" the other line drops by design.
LEADING_WORDS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
POSSESSIVE_MARKS = ("'s", "’s")
NAME_PARTICLES = {"al", "el", "la", "le", "de", "du", "da", "di", "van", "von", "bin", "ibn", "der", "del"}  # "al Qaeda"
RULES_FILE = Path(__file__).resolve().parent.parent / "src" / "spaceetl" / "data" / "entity_rules.yaml"
EDGE_PUNCT = " \t\n,;:!?\"'“”‘’([{"


@lru_cache(maxsize=1)
def _person_titles() -> frozenset[str]:
    """The project's title words, read from this checkout's data file (not from whichever ``spaceetl`` is
    imported), so two versions of the pipeline are scored with one normalisation."""
    import yaml

    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return frozenset(w.lower() for w in (data.get("leading_titles") or []) + (data.get("person_titles") or []))


def _normalise_one(text: str, s: int, e: int, label: str) -> tuple[int, int] | None:
    s = _trim_start(text, s, e, label)
    e = _trim_end(text, s, e)
    return (s, e) if e > s else None


def _droppable(word: str, label: str) -> bool:
    """A first word no name keeps: a determiner or possessive pronoun, a lower-case descriptor ("defence
    contractor ..."; not a particle: "al Qaeda"), a person's title."""
    low = word.lower()
    if low in LEADING_WORDS or (label == "PERSON" and low in _person_titles()):
        return True
    return word.isalpha() and word.islower() and low not in NAME_PARTICLES and label not in {"MONEY", "DATE"}


def _trim_start(text: str, s: int, e: int, label: str) -> int:
    while True:
        while s < e and (text[s] in EDGE_PUNCT or text[s:s + 3] in {"'s ", "’s "}):
            s += 3 if text[s:s + 3] in {"'s ", "’s "} else 1
        words = text[s:e].split()
        if len(words) < 2 or not _droppable(words[0], label):
            return s
        s = text.index(words[0], s) + len(words[0])


def _trim_end(text: str, s: int, e: int) -> int:
    while e > s:
        last = text[e - 1]
        if text[s:e].endswith(POSSESSIVE_MARKS):
            e -= 2
        elif last in EDGE_PUNCT.replace("(", "") + ".)" and not (last == ")" and "(" in text[s:e]) \
                and not (last == "." and _abbreviation(text, s, e)):
            e -= 1
        elif last in "'’" and text[e - 2:e - 1] == "s":
            e -= 1
        else:
            return e
    return e


def _abbreviation(text: str, s: int, e: int) -> bool:
    """A final period that belongs to the name ("U.S.", "Inc.", "Jr.") rather than to the sentence."""
    return bool(re.search(r"(\b[A-Z]\.|\b(?:Inc|Corp|Co|Ltd|Jr|Sr|St)\.)$", text[s:e]))


def normalise_spans(text: str, items) -> set[tuple[int, int, str]]:
    """``(start, end, label)`` spans after the one normalisation every scored line shares: split at line breaks
    and at an inner possessive ("Italy's Ministry of Defence" -> "Italy", "Ministry of Defence"); leading
    punctuation, determiners, possessive pronouns, lower-case descriptors and (for people) titles dropped;
    trailing punctuation and possessives dropped."""
    out: set[tuple[int, int, str]] = set()
    for s, e, label in items:
        pieces = [(s, e)]
        if label != "MONEY":
            pieces = _split(text, s, e)
        for a, b in pieces:
            got = _normalise_one(text, a, b, label)
            if got is not None:
                out.add((got[0], got[1], label))
    return out


def _split(text: str, s: int, e: int) -> list[tuple[int, int]]:
    parts: list[tuple[int, int]] = []
    start = s
    for m in re.finditer(r"\n|['’]s\s+(?=\S)", text[s:e]):
        if m.group() == "\n" or m.start() > 0:
            parts.append((start, s + m.start()))
            start = s + m.end()
    parts.append((start, e))
    return [(a, b) for a, b in parts if b > a]


# ------------------------------------------------------------------------------------------ convention differences

ROLE_WORDS = PERSON_TITLES | {"home", "shadow", "high", "man", "woman"}


def gum_convention_kinds(doc: ExtDoc, is_country) -> dict[tuple[int, int, str], str]:
    """Gold mentions that follow a GUM convention a flat OntoNotes-style recogniser does not share, by kind:

    * ``nested``: a name inside another gold name ("Texas" in "University of Texas"); a flat tagger marks one;
    * ``role``: a title standing for a person ("the President", "the Home Secretary");
    * ``team``: a country name typed as an organisation (a national team: "Belgium beat Panama");
    * ``determiner``: a name given with its leading "The" ("The Guardian"), which the project strips by design.

    Used only for the separate, clearly labelled line of ``--conventions``; the headline figures keep them all."""
    kinds: dict[tuple[int, int, str], str] = {}
    for g in doc.gold:
        s, e, label = g
        words = doc.text[s:e].split()
        if any(o != g and o[0] <= s and e <= o[1] for o in doc.gold):
            kinds[g] = "nested"
        elif label == "PERSON" and all(w.lower() in ROLE_WORDS for w in words):
            kinds[g] = "role"
        elif label == "ORG" and is_country(doc.text[s:e]):
            kinds[g] = "team"
        elif len(words) > 1 and words[0] == "The":
            kinds[g] = "determiner"
    return kinds

