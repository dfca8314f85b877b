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
