from rdflib import RDF, Graph
from rdflib.namespace import OWL

from kg.vocab import DIPL, EVENT_TYPES, ontology_path

PLOVER = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
          "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]


def test_all_16_plover_classes_with_quad_class_and_intensity():
    assert sorted(EVENT_TYPES) == sorted(PLOVER)
    for et in EVENT_TYPES.values():
        assert et.quad in {"VerbalCooperation", "MaterialCooperation", "VerbalConflict", "MaterialConflict"}
        assert -10 <= et.intensity <= 10


def test_every_namespace_term_is_defined_in_the_ontology():
    g = Graph().parse(ontology_path())
    defined = {s for s in g.subjects() if str(s).startswith(str(DIPL._NS))}
    for name in DIPL.__annotations__:
        assert DIPL[name] in defined, name


def test_namespace_is_closed():
    import pytest

    with pytest.raises(AttributeError):
        DIPL.notATerm  # noqa: B018


def test_every_ontology_property_is_typed():
    g = Graph().parse(ontology_path())
    for p in g.subjects(RDF.type, OWL.ObjectProperty):
        assert (p, None, None) in g


QUAD_RANK = ["MaterialCooperation", "VerbalCooperation", "VerbalConflict", "MaterialConflict"]


def test_intensity_follows_the_quad_classes():
    """Cooperation above 0, conflict below; every class of a higher quad class above every class of a lower one."""
    for a in EVENT_TYPES.values():
        assert (a.intensity > 0) == a.quad.endswith("Cooperation"), a
        for b in EVENT_TYPES.values():
            if QUAD_RANK.index(a.quad) < QUAD_RANK.index(b.quad):
                assert a.intensity > b.intensity, (a, b)
    assert EVENT_TYPES["REQUEST"].intensity > 0 > EVENT_TYPES["ACCUSE"].intensity


def test_quad_colours_stay_apart_for_colour_blind_readers():
    """The four quad colours, seen through simulated deuteranopia, protanopia and tritanopia (Machado 2009, via
    colorspacious), stay at least 15 units apart in CAM02-UCS (the former two greens were 6.5 apart for
    deuteranomaly) and away from the white background."""
    import itertools

    from colorspacious import cspace_convert, deltaE

    from kg.render import quad_colours

    rgb = [[int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)] for _, c in quad_colours().values()]
    for cvd in (None, "deuteranomaly", "protanomaly", "tritanomaly"):
        seen = rgb if cvd is None else [cspace_convert(c, {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100},
                                                       "sRGB1").clip(0, 1) for c in rgb]
        assert min(deltaE(a, b, input_space="sRGB1") for a, b in itertools.combinations(seen, 2)) > 15, cvd
        assert min(deltaE(c, [1, 1, 1], input_space="sRGB1") for c in seen) > 20, cvd
