"""Actors: one node per actor, with type, role and affiliation (sentences written for these tests)."""
import pytest


def actors(extract, text):
    return {a.label: a for a in extract(text).actors}


def test_full_name_and_surname_are_one_person_with_title_and_affiliation(extract):
    found = actors(extract, "Japan's Foreign Minister Yoko Kamikawa arrived in Manila on Monday. "
                            "Kamikawa later held talks with Philippine officials.")
    person = found["Yoko Kamikawa"]
    assert person.type == "Person"
    assert person.role == "Foreign Minister"
    assert person.affiliations == ["JPN"] and person.country == "JPN"
    assert "Kamikawa" in person.aliases
    assert not any(label == "Kamikawa" for label in found)
    assert found["Philippines"].type == "Country"


def test_apposition_gives_role_and_affiliation(extract):
    found = actors(extract, "Mohammed Ishaq Dar, Pakistan's foreign minister, spoke to reporters in Beijing.")
    person = next(a for label, a in found.items() if label.endswith("Ishaq Dar"))
    assert person.type == "Person" and person.affiliations == ["PAK"]
    assert "foreign minister" in person.role.lower()


def test_envoy_to_a_country_acts_for_the_sending_country(extract):
    found = actors(extract, "The British ambassador to Egypt, Gareth Bayley, welcomed the ceasefire.")
    person = found["Gareth Bayley"]
    assert person.affiliations[0] == "GBR"
    assert "EGY" not in person.affiliations


@pytest.mark.parametrize("text", ["Ghana's UN ambassador, Kofi Mensah, addressed the council.",
                                  "Ghanaian AU envoy Kofi Mensah addressed the summit."])
def test_envoy_to_an_organization_acts_for_the_sending_country_only(extract, text):
    person = actors(extract, text)["Kofi Mensah"]
    assert person.affiliations == ["GHA"]


@pytest.mark.parametrize("text, key, alias", [
    ("Kenyan officials said the border would reopen.", "KEN", "Kenyan officials"),
    ("The Moroccan government summoned the envoy.", "MAR", "Moroccan government"),
    ("Moscow rejected the proposal.", "RUS", None),
    ("Officials in Ankara met the delegation.", "TUR", None),
])
def test_demonyms_authorities_and_capitals_resolve_to_the_country(extract, text, key, alias):
    ex = extract(text)
    country = next(a for a in ex.actors if a.key == key)
    assert country.type == "Country"
    if alias:  # a surface form of the country here, not one of its names
        assert alias in country.descriptions and alias not in country.aliases


def test_country_names_and_demonyms_are_one_node(extract):
    ex = extract("The United States and Vietnam upgraded ties. American diplomats said the US would "
                 "send an envoy to Hanoi, and Vietnamese officials welcomed the move.")
    keys = [a.key for a in ex.actors]
    assert sorted(keys) == ["USA", "VNM"]


def test_media_outlets_and_currencies_are_not_actors(extract):
    ex = extract("The Washington Post reported that the Dollar rose against the Indian Rupee, "
                 "according to Reuters.")
    assert ex.actors == []


def test_definite_description_joins_the_last_group_without_becoming_its_name(extract):
    ex = extract("Hezbollah fired rockets into northern Israel on Sunday. "
                 "The group accused Israel of violating the truce.")
    group = next(a for a in ex.actors if a.key == "hezbollah")
    assert group.type == "Organization"
    assert "The group" not in group.aliases  # a description resolves a mention; it is not a name
    assert len([a for a in ex.actors if a.type == "Organization"]) == 1
    assert ("hezbollah", "ISR") in {(r.source.key, r.target.key) for r in ex.relations if r.cls == "ACCUSE"}


def test_national_leader_phrase_points_to_the_named_head_of_government(extract):
    ex = extract("India's Prime Minister Narendra Modi visited Washington. The Indian leader accused Pakistan "
                 "of harbouring militants.")
    modi = next(a for a in ex.actors if a.type == "Person")
    assert modi.label == "Narendra Modi"
    assert not any(al.lower() == "the indian leader" for al in modi.aliases)
    assert ("narendra-modi", "PAK") in {(r.source.key, r.target.key) for r in ex.relations if r.cls == "ACCUSE"}


def test_international_organizations_have_the_country_code_igo(extract):
    ex = extract("NATO and the African Union discussed the crisis with the UN Security Council.")
    orgs = {a.label: a for a in ex.actors}
    assert all(a.type == "Organization" and a.country == "IGO" for a in orgs.values())  # issue 14: above states
    assert len(orgs) == 3


def test_document_without_actors_gives_empty_result(extract):
    ex = extract("The weather was mild on Sunday and the markets were quiet.")
    assert ex.actors == [] and ex.relations == []


def test_leader_name_before_an_authority_noun_is_the_country(extract):
    ex = extract("Chile thanked the Biden administration for the vaccines.")
    assert {a.key for a in ex.actors} == {"CHL", "USA"}
    assert "Biden administration" in next(a for a in ex.actors if a.key == "USA").descriptions
