"""The readers that turn GUM and re3d checkouts into gold spans for scripts/eval_entities.py, on tiny files
written here in each corpus's format (no external text)."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from external_ner import ExtDoc, gum_convention_kinds, read_gum, read_re3d, trim_money  # noqa: E402

CONLLU = """# newdoc id = GUM_news_test
# newpar
# sent_id = t-1
# text = Agency chief Marta Quintavalle praised the Orbital Research Institute of Turin.
1\tAgency\tagency\tPROPN\tNNP\t_\t2\tcompound\t_\tEntity=(1-organization-new-x-cf1-1-coref-Orbital_Agency)
2\tchief\tchief\tNOUN\tNN\t_\t5\tnsubj\t_\tEntity=(2-person-new-x-cf2-1-coref-Marta_Quintavalle
3\tMarta\tMarta\tPROPN\tNNP\t_\t2\tappos\t_\t_
4\tQuintavalle\tQuintavalle\tPROPN\tNNP\t_\t3\tflat\t_\tEntity=2)
5\tpraised\tpraise\tVERB\tVBD\t_\t0\troot\t_\t_
6\tthe\tthe\tDET\tDT\t_\t9\tdet\t_\tEntity=(3-organization-new-x-cf3-1-sgl
7\tOrbital\tOrbital\tPROPN\tNNP\t_\t9\tcompound\t_\t_
8\tResearch\tResearch\tPROPN\tNNP\t_\t9\tcompound\t_\t_
9\tInstitute\tInstitute\tPROPN\tNNP\t_\t5\tobj\t_\t_
10\tof\tof\tADP\tIN\t_\t11\tcase\t_\t_
11\tTurin\tTurin\tPROPN\tNNP\t_\t9\tnmod\t_\tEntity=(4-place-new-x-cf4-1-sgl)3)|SpaceAfter=No
12\t.\t.\tPUNCT\t.\t_\t5\tpunct\t_\t_

# newpar
# sent_id = t-2
# text = Farmers cheered .
1\tFarmers\tfarmer\tNOUN\tNNS\t_\t2\tnsubj\t_\tEntity=(5-person-new-x-cf1-1-sgl)
2\tcheered\tcheer\tVERB\tVBD\t_\t0\troot\t_\t_
3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_
"""


def test_gum_mentions_become_names(tmp_path):
    path = tmp_path / "GUM_news_test.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    doc = read_gum(path)
    assert doc.text.startswith("Agency chief Marta Quintavalle praised the Orbital Research Institute of Turin.\n\n")
    gold = {(doc.text[s:e], label) for s, e, label in doc.gold}
    # the linked name inside "Agency chief Marta Quintavalle"; the capitalised run of an unlinked organisation;
    # the nested place; nothing for a common-noun head ("Farmers")
    assert gold == {("Agency", "ORG"), ("Marta Quintavalle", "PERSON"),
                    ("Orbital Research Institute of Turin", "ORG"), ("Turin", "PLACE")}


FLAT_NAMES = """# newdoc id = GUM_news_flat
# newpar
# sent_id = f-1
# text = Harbour pilot Ines Varga - holm met Florists .
1\tHarbour\tharbour\tNOUN\tNN\t_\t2\tcompound\t_\tEntity=(1-person-new-x-cf1-1-sgl
2\tpilot\tpilot\tNOUN\tNN\tNumber=Sing\t7\tnsubj\t_\t_
3\tInes\tInes\tPROPN\tNNP\t_\t2\tflat\t_\t_
4\tVarga\tVarga\tPROPN\tNNP\t_\t2\tflat\t_\tSpaceAfter=No
5\t-\t-\tPUNCT\tHYPH\t_\t6\tpunct\t_\tSpaceAfter=No
6\tholm\tholm\tPROPN\tNNP\t_\t2\tflat\t_\tEntity=1)
7\tmet\tmeet\tVERB\tVBD\t_\t0\troot\t_\t_
8\tFlorists\tFlorist\tPROPN\tNNPS\tNumber=Plur\t7\tobj\t_\tEntity=(2-person-new-x-cf2-1-coref-Florists)
9\t.\t.\tPUNCT\t.\t_\t7\tpunct\t_\t_
"""


def test_gum_name_under_a_common_noun_head_counts_and_a_linked_group_does_not(tmp_path):
    path = tmp_path / "GUM_news_flat.conllu"
    path.write_text(FLAT_NAMES, encoding="utf-8")
    doc = read_gum(path)
    # the unlinked name the treebank hangs off "pilot" is scored; a plural person head is a group even when linked
    assert {(doc.text[s:e], label) for s, e, label in doc.gold} == {("Ines Varga-holm", "PERSON")}


def test_gum_convention_kinds_are_named_and_the_rest_is_left_alone():
    text = "The Courier said the University of Turin and the President praised Norway, and Lena Varga left."
    def at(sub, label):
        s = text.index(sub)
        return (s, s + len(sub), label)
    doc = ExtDoc("d", text, {at("The Courier", "ORG"), at("University of Turin", "ORG"), at("Turin", "PLACE"),
                             at("President", "PERSON"), at("Norway", "ORG"), at("Lena Varga", "PERSON")})
    kinds = gum_convention_kinds(doc, lambda t: t == "Norway")
    assert {text[s:e]: k for (s, e, _), k in kinds.items()} == {
        "The Courier": "determiner", "Turin": "nested", "President": "role", "Norway": "team"}


def test_re3d_keeps_names_and_amounts_with_the_most_confident_type(tmp_path):
    folder = tmp_path / "Source A"
    folder.mkdir()
    text = "He said the Coalition paid more than $4 million to Anbar officials, and rebels fled."
    (folder / "documents.json").write_text(json.dumps({"_id": "D1", "text": text}) + "\n", encoding="utf-8")
    ents = [("He", "Person", 1.0), ("the Coalition", "Organisation", 1.0), ("the Coalition", "Location", 0.2),
            ("more than $4 million", "Money", 1.0), ("Anbar", "Location", 0.0), ("rebels", "Organisation", 1.0)]
    lines = []
    for value, typ, conf in ents:
        s = text.index(value)
        lines.append(json.dumps({"documentId": "D1", "begin": s, "end": s + len(value), "type": typ,
                                 "value": value, "confidence": conf}))
    (folder / "entities.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (doc,) = read_re3d(tmp_path)
    assert {(doc.text[s:e], label) for s, e, label in doc.gold} == {
        ("Coalition", "ORG"), ("$4 million", "MONEY"), ("Anbar", "PLACE")}
    s = text.index("more")
    assert text[slice(*trim_money(text, s, s + len("more than $4 million")))] == "$4 million"


def test_re3d_person_mentions_are_reduced_to_the_name(tmp_path):
    folder = tmp_path / "Source B"
    folder.mkdir()
    text = ("U.S. Secretary of State Lena Varga met UN Special Envoy Tomas Relk, the Nordic Foreign Minister and "
            "John Major; Varga’s aide took notes.")
    (folder / "documents.json").write_text(json.dumps({"_id": "D2", "text": text}) + "\n", encoding="utf-8")
    values = ["U.S. Secretary of State Lena Varga", "UN Special Envoy Tomas Relk", "Nordic Foreign Minister",
              "John Major", "Varga’s"]
    lines = []
    for value in values:
        s = text.index(value)
        lines.append(json.dumps({"documentId": "D2", "begin": s, "end": s + len(value), "type": "Person",
                                 "value": value, "confidence": 1.0}))
    (folder / "entities.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (doc,) = read_re3d(tmp_path)
    # the name after the last title and its department; a title with no name after it, and a surname that is
    # also a title word, are left as they are; no possessive
    assert {doc.text[s:e] for s, e, _ in doc.gold} == {"Lena Varga", "Tomas Relk", "Nordic Foreign Minister",
                                                     "John Major", "Varga"}
