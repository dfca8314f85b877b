"""Who is who on the day of the article, and nothing that is not an actor (sentences written for these tests)."""
import pytest

from kg.gazetteer import slug


def people(ex):
    return {a.label: a for a in ex.actors if a.type == "Person"}


def stored_alt_labels(ex, tmp_path) -> set[str]:
    """The skos:altLabel values of a real on-disk store holding the extraction ``ex``."""
    from kg.rdf import document_iri, to_graph
    from kg.store import KnowledgeGraph

    path = tmp_path / "store"
    with KnowledgeGraph(path) as kg:
        kg.add(document_iri(ex.document), to_graph(ex), ex.document.content_hash)
    with KnowledgeGraph(path, read_only=True) as kg:
        return {str(r[0]) for r in kg.query(
            "SELECT ?l WHERE { GRAPH ?g { ?a <http://www.w3.org/2004/02/skos/core#altLabel> ?l } }")}


# 1. places are never persons; roles are titles, never clauses

@pytest.mark.parametrize("text", [
    "Hungary blamed Slovakia for pollution along the Danube border.",
    "Moscow accused Kyiv of shelling the Kerch bridge again.",
    "Egypt urged Sudan to reopen the Argeen crossing.",
])
def test_a_place_is_never_a_person(extract, text):
    ex = extract(text)
    assert people(ex) == {}
    assert all(a.type == "Country" for a in ex.actors)


def test_a_clause_is_not_a_role_and_a_city_is_not_a_person(extract):
    ex = extract("President Donald Trump and Russian President Vladimir Putin held talks at an air base "
                 "in Anchorage, Alaska, on Friday.")
    assert set(people(ex)) == {"Donald Trump", "Vladimir Putin"}
    assert not {"Alaska", "Anchorage"} & {a.label for a in ex.actors}
    assert all(len((a.role or "").split()) <= 4 for a in ex.actors)


def test_a_former_role_is_a_title(extract):
    ex = extract("Diana Okafor, formerly the acting US special representative for the Sahel, criticised Mali.")
    person = people(ex)["Diana Okafor"]
    assert person.role == "former acting special representative for the Sahel"
    assert person.affiliations == ["USA"]  # what the text says stays: the side, apart from the title


@pytest.mark.parametrize("text, name, role, side", [
    ("The talks were led by Baraka Mollel (Tanzania's defence minister) and Zambian officials.", "Baraka Mollel",
     "defence minister", ["TZA"]),
    ("Former Tanzanian president Musa Kombo criticised Zambia's new tariffs.", "Musa Kombo", "Former president",
     ["TZA"]),
])
def test_the_side_is_read_out_of_the_title(extract, text, name, role, side):
    """A title in brackets after the name is an apposition; a demonym inside the title is the side, not the role."""
    person = people(extract(text))[name]
    assert (person.role, person.affiliations) == (role, side)


@pytest.mark.parametrize("text, side", [
    ("The Tanzanian president and his foreign minister, Neema Mwakyusa, met Ugandan officials in Arusha.", ["TZA"]),
    ("The president and his defence minister, Neema Mwakyusa, met Ugandan officials in Arusha.", []),
    ("The Tanzanian president and the Ugandan foreign minister, Neema Mwakyusa, met in Arusha.", ["UGA"]),
    ("Tanzania's foreign minister and his Ugandan counterpart, Neema Mwakyusa, signed the accord.", ["UGA"]),
    ("The Tanzanian president and his foreign minister Neema Mwakyusa accused Uganda of stalling.", ["TZA"]),
    ("Tanzanian President Juma Kassim and his foreign minister Neema Mwakyusa accused Uganda of stalling.", ["TZA"]),
])
def test_titles_of_two_persons_joined_by_and_are_split(extract, text, side):
    person = people(extract(text))["Neema Mwakyusa"]
    role = person.role or ""
    assert " and " not in role and "president" not in role.lower() and "Tanzania" not in role
    assert person.affiliations == side  # "his" points to the president's side; "the Ugandan" names its own


def test_a_title_after_and_his_is_the_apposed_persons_own(extract):
    """The full name of the first person inside the phrase does not hide the second one's title."""
    person = people(extract("Tanzanian President Juma Kassim and his foreign minister, Neema Mwakyusa, accused "
                            "Uganda of stalling."))["Neema Mwakyusa"]
    assert person.role.lower() == "foreign minister"
    assert person.affiliations == ["TZA"]


def test_one_persons_titles_joined_by_and_stay_one_title(extract):
    person = people(extract("Tanzania's Deputy Prime Minister and Foreign Minister Neema Mwakyusa met Ugandan "
                            "officials in Arusha."))["Neema Mwakyusa"]
    assert person.role == "Deputy Prime Minister and Foreign Minister"
    assert person.affiliations == ["TZA"]


# 2. names with apostrophes and hyphens stay whole

def test_o_and_mc_names_with_straight_and_curly_apostrophes_stay_whole(extract):
    ex = extract("Irish Foreign Minister Cathal O'Rourke met Scottish envoy Ewan McAllister in Dublin. "
                 "Irish Trade Minister Cathal O’Brien criticised Britain.")
    found = people(ex)
    assert {"Cathal O'Rourke", "Cathal O’Brien", "Ewan McAllister"} <= set(found)
    assert "Cathal" not in found
    assert found["Cathal O'Rourke"].role == "Foreign Minister"
    assert found["Cathal O’Brien"].role == "Trade Minister"


def test_hyphenated_names_stay_whole(extract):
    ex = extract("Senegalese Foreign Minister Marie-Claire Ndiaye-Sow thanked Gambia.")
    person = people(ex)["Marie-Claire Ndiaye-Sow"]
    assert person.affiliations == ["SEN"]


# 3. a quoted nickname is an alias of one person

@pytest.mark.parametrize("text, person, nickname", [
    ('Former militia commander Samuel "Bulldozer" Otieno accused Uganda of arming his rivals. '
     "Samuel Otieno later met Ugandan officials, and Bulldozer said talks would go on.", "Samuel Otieno", "Bulldozer"),
    ('Former rebel leader Ahmed "the Engineer" Barre accused Somalia of rigging the vote. '
     "Ahmed Barre met Kenyan officials on Monday.", "Ahmed Barre", "the Engineer"),  # a nickname with the article
])
def test_a_quoted_nickname_is_an_alias_of_one_person(extract, text, person, nickname):
    found = people(extract(text))
    assert list(found) == [person]
    assert nickname in found[person].aliases


# 4. descriptions resolve a mention in its document; they never become names

def test_a_resolved_description_is_not_an_alias(extract):
    ex = extract("The government of Mali accused France of abandoning the country. "
                 "Burkina Faso said the government in Paris had ignored the group.")
    for a in ex.actors:
        assert not {"the country", "the government", "the group"} & {x.lower() for x in a.aliases}, a


def test_a_demonym_and_a_collective_noun_are_the_country_but_never_its_name(extract, tmp_path):
    ex = extract("Ukrainian negotiators said Russia had rejected the plan. Russian troops shelled Kharkiv, and "
                 "Turkish diplomats urged restraint. A Polish delegation met Lithuanian authorities, while "
                 "Belarusian forces massed near the border.")
    phrases = {"UKR": "Ukrainian negotiators", "RUS": "Russian troops", "TUR": "Turkish diplomats",
               "POL": "Polish delegation", "LTU": "Lithuanian authorities", "BLR": "Belarusian forces"}
    countries = {a.key: a for a in ex.actors}
    for key, phrase in phrases.items():
        assert countries[key].type == "Country"
        assert phrase in countries[key].descriptions and phrase not in countries[key].aliases
    labels = stored_alt_labels(ex, tmp_path)
    assert not set(phrases.values()) & labels, labels


# 5. former states are countries with ISO 3166-3 codes

@pytest.mark.parametrize("text, source, target", [
    ("The Soviet Union accused Czechoslovakia of betraying the alliance.", "SUHH", "CSHH"),
    ("Yugoslavia protested to East Germany over the arrests.", "YUCS", "DDDE"),
    ("Zaire accused Burma of smuggling arms.", "ZRCD", "MMR"),
])
def test_former_states_are_countries(extract, text, source, target):
    ex = extract(text)
    kinds = {a.key: a.type for a in ex.actors}
    assert kinds[source] == "Country" and kinds[target] == "Country"
    assert "DEU" not in kinds
    assert (source, target) in {(r.source.key, r.target.key) for r in ex.relations}


# 6. names in other scripts keep distinct IRIs

def test_non_latin_names_get_distinct_readable_slugs():
    names = ["Владимир Путин", "Владимир Путин-Младший", "محمد", "محمود", "习近平", "李强", "नरेन्द्र मोदी", "राहुल गांधी"]
    slugs = [slug(n) for n in names]
    assert len(set(slugs)) == len(names)
    assert slugs[0].startswith("vladimir-putin-") and slugs[4].startswith("xi-jin-ping-")
    assert all(s and s != "x" and s.isascii() for s in slugs)
    assert slug("Andrej Babiš") == slug("Andrej Babis") == "andrej-babis"


# 7. the gazetteer gives the office held on the day; the text's own words win

def test_the_role_held_on_the_articles_date(extract):
    early = extract("Mohammed bin Abdulrahman Al Thani met Iranian officials in Tehran.", date="2020-02-03")
    late = extract("Mohammed bin Abdulrahman Al Thani met Iranian officials in Tehran.", date="2024-02-03")
    assert people(early)["Mohammed bin Abdulrahman Al Thani"].role == "Foreign Minister"
    assert people(late)["Mohammed bin Abdulrahman Al Thani"].role == "Prime Minister"
    assert people(late)["Mohammed bin Abdulrahman Al Thani"].affiliations == ["QAT"]


def test_the_texts_title_wins_over_the_gazetteer(extract):
    ex = extract("Qatar's Foreign Minister Sheikh Mohammed bin Abdulrahman Al Thani flew to Cairo.", date="2024-02-03")
    person = next(a for a in ex.actors if a.type == "Person")
    assert person.role == "Foreign Minister" and person.role_source == "text"


def test_one_country_per_official_and_no_alias_from_a_relatives_name(extract):
    ex = extract("Qatar's emir Sheikh Tamim bin Hamad Al Thani hosted Egyptian President Abdel Fattah el-Sisi in Doha. "
                 "Hamad bin Khalifa Al Thani, the emir's father, did not attend.", date="2022-03-01")
    found = people(ex)
    assert found["Abdel Fattah el-Sisi"].affiliations == ["EGY"]
    assert found["Tamim bin Hamad Al Thani"].affiliations == ["QAT"]
    assert "Hamad" not in found["Tamim bin Hamad Al Thani"].aliases
    assert "Hamad bin Khalifa Al Thani" in found


def test_a_former_holder_acts_for_nobody_unless_the_text_says(extract):
    ex = extract("Mahmoud Ahmadinejad, the former president, criticised the deal with Washington.", date="2023-09-18")
    person = people(ex)["Mahmoud Ahmadinejad"]
    assert person.affiliations == []


# affiliation read in the text for officials the gazetteer does not know

@pytest.mark.parametrize("text", [
    "Zambian President Mwila Banda accused Malawi of closing the border.",
    "Banda, Zambia's president, accused Malawi of closing the border.",
    "The president of Zambia, Mwila Banda, accused Malawi of closing the border.",
])
def test_affiliation_from_the_text(extract, text):
    person = next(a for a in extract(text).actors if a.type == "Person")
    assert person.label.endswith("Banda")
    assert person.affiliations == ["ZMB"] and person.affiliation_confidence == {"ZMB": 1.0}


def test_affiliation_inferred_in_the_document_with_lower_confidence(extract):
    ex = extract("President Mwila Banda opened the regional summit on Monday. "
                 "Zambia will host the next round of talks.")
    person = people(ex)["Mwila Banda"]
    assert person.affiliations == ["ZMB"]
    assert person.affiliation_confidence == {"ZMB": 0.5}


def test_affiliation_basis_and_confidence_are_stored_and_printed(extract, tmp_path):
    """Each side a person acts for is a dipl:StatedAffiliation in the document's graph, with its basis and
    confidence; the store answers for it, the shapes accept it, and `kg extract --format jsonl` prints it."""
    from rdflib import Literal, URIRef

    from kg.rdf import actor_iri, document_iri, to_graph
    from kg.records import records
    from kg.store import KnowledgeGraph
    from kg.validate import validate, validate_graph
    from kg.vocab import DIPL

    ex = extract("President Mwila Banda opened the regional summit on Monday. Zambian Foreign Minister "
                 "Ruth Phiri met Ruto and Ghana's President Nana Akufo-Addo there. Zambia will host the next round "
                 "of talks.", date="2024-05-01")
    expected = {"Mwila Banda": ("ZMB", "inferred", 0.5), "Ruth Phiri": ("ZMB", "text", 1.0),
                "William Ruto": ("KEN", "gazetteer", 0.9), "Nana Akufo-Addo": ("GHA", "text", 1.0)}
    jsonl = {r["label"]: r for r in records(ex) if r["kind"] == "actor"}
    for name, (side, basis, confidence) in expected.items():
        assert jsonl[name]["affiliation_confidence"] == {str(actor_iri(side)): confidence}
        assert jsonl[name]["affiliation_basis"] == {str(actor_iri(side)): basis}
    path = tmp_path / "store"
    with KnowledgeGraph(path) as kg:
        kg.add(document_iri(ex.document), to_graph(ex), ex.document.content_hash)
    with KnowledgeGraph(path, read_only=True) as kg:
        rows = kg.query(f"""SELECT ?name ?side ?basis ?confidence WHERE {{ GRAPH ?doc {{
            ?m <{DIPL.mentionOf}> ?person ; <{DIPL.surfaceForm}> ?name ; <{DIPL.qualifiedActsFor}> ?q .
            ?q <{DIPL.side}> ?side ; <{DIPL.basis}> ?basis ; <{DIPL.confidence}> ?confidence }} }}""")
        got = {str(n): (str(s).rsplit("/", 1)[1], str(b), float(c)) for n, s, b, c in rows}
        report = validate(kg)
    assert got == expected
    assert report.conforms, report.violations
    g = to_graph(ex)  # a side the mention does not state, a basis kg does not use: both reported
    q = next(g.subjects(DIPL.basis, Literal("inferred")))
    g.set((q, DIPL.side, URIRef(actor_iri("MWI"))))
    g.set((q, DIPL.basis, Literal("guess")))
    messages = {v.message for v in validate_graph(g).violations}
    assert "a stated affiliation's side must be one its mention states (dipl:statedActsFor)" in messages
    assert "a stated affiliation's basis must be text, gazetteer or inferred" in messages


def test_a_known_officials_surname_alone_on_the_day(extract):
    ex = extract("Ruto said Kenya would send more police officers to Haiti.", date="2024-05-01")
    person = people(ex)["William Ruto"]
    assert person.role == "President" and person.affiliations == ["KEN"]
    assert person.affiliation_confidence == {"KEN": 0.9}
    before = people(extract("Ruto said Kenya would send more police officers to Haiti.", date="2016-05-01"))
    assert before["William Ruto"].role == "Deputy President"


def test_an_apposition_title_starts_after_the_verb(extract):
    ex = extract("The council expelled the ambassador, Pierre Lemaire, in March.")
    person = people(ex)["Pierre Lemaire"]
    assert person.role == "ambassador"


def test_a_capital_used_as_a_first_name_is_not_the_capital(extract):
    ex = extract("Police detained the blogger together with his girlfriend, Sofia Petrova, in Minsk.")
    assert "BGR" not in {a.key for a in ex.actors}


def test_a_lowercase_body_is_not_a_named_actor(extract):
    ex = extract("The navy and the health ministry said Ghana had asked Togo for help.")
    assert {a.type for a in ex.actors} == {"Country"}


def test_a_surname_shared_by_several_officials_in_office_that_day_is_not_guessed(extract):
    ex = extract("Khan said Pakistan would appeal.", date="2022-01-10")  # a prime minister and a prosecutor
    assert people(ex) == {}


def test_a_known_officials_short_name_inside_another_name_is_not_them(extract):
    ex = extract("Marcos Ferreira, a Brazilian trade envoy, visited Manila.", date="2024-05-01")
    assert "Ferdinand Marcos Jr." not in people(ex)


# surnames and titles on the document's date

@pytest.mark.parametrize("text, date, who", [
    ("President Bush telephoned Saudi Arabia's king about the invasion.", "1990-08-10", "George H. W. Bush"),
    ("President Bush warned Syria over its border.", "2004-06-01", "George W. Bush"),
    ("President Aliyev thanked Turkey for its support.", "1998-02-01", "Heydar Aliyev"),
    ("President Aliyev thanked Turkey for its support.", "2015-02-01", "Ilham Aliyev"),
    ("President Kenyatta welcomed Ethiopian envoys.", "1970-06-01", "Jomo Kenyatta"),
    ("Russian Foreign Minister Ivanov criticised Estonia.", "2000-11-01", "Igor Ivanov"),
    ("Rice pressed Syria to close its border.", "2006-09-01", "Condoleezza Rice"),
])
def test_a_shared_surname_is_the_holder_on_the_day(extract, text, date, who):
    found = people(extract(text, date=date))
    assert set(found) == {who}
    assert found[who].country in {"USA", "AZE", "KEN", "RUS"}


def test_a_shared_surname_without_a_date_is_not_guessed(extract):
    assert "George W. Bush" not in people(extract("President Bush warned Syria over its border."))


def test_a_surname_after_a_full_name_is_that_person(extract):
    ex = extract("Kenyan President Jomo Kenyatta received Somali envoys. Two days later Kenyatta closed the "
                 "border with Somalia.", date="2016-01-01")
    assert set(people(ex)) == {"Jomo Kenyatta"}


# inference never picks the other party

@pytest.mark.parametrize("text", [
    "President Mwila Banda accused Malawi of closing the border.",
    "President Mwila Banda opened the talks. Malawi was criticised by Zambian officials, who urged Malawi to reopen the border.",
])
def test_an_inferred_side_is_never_the_country_acted_on(extract, text):
    person = people(extract(text))["Mwila Banda"]
    assert "MWI" not in person.affiliations


def test_a_side_read_in_the_text_gives_the_country(extract):
    from kg.records import records

    ex = extract("Ghanaian Trade Minister Kojo Mensah visited Togo.")
    jsonl = {r["label"]: r for r in records(ex) if r["kind"] == "actor"}
    assert jsonl["Kojo Mensah"]["country"] == "GHA"


def test_descriptions_and_first_names_are_never_stored_as_aliases(extract, tmp_path):
    """Group phrases, "Kenyan officials" and a first name alone resolve in the document (the jsonl keeps them
    as surface forms) but the store's skos:altLabel holds names only."""
    from kg.records import records

    ex = extract("A militia attacked a Kenyan police post. The militants burned two trucks and his fighters fled. "
                 "Kenyan officials blamed the rebel group. A Chinese official said China was concerned. "
                 "Aid chief Halima Yusuf Warsame visited Garissa, where Halima met Kenyan officials.")
    descriptions = {"A militia", "militants", "his fighters", "rebel group", "Kenyan officials", "Chinese official",
                    "Halima"}
    surface = {x for r in records(ex) if r["kind"] == "actor" for x in r["aliases"]}
    assert {"militants", "Kenyan officials"} <= surface
    labels = stored_alt_labels(ex, tmp_path)
    assert not {x.lower() for x in descriptions} & {x.lower() for x in labels}, labels


# names with particles, portfolio titles, a surname with an apposed title

def test_particles_inside_a_name_keep_it_whole(extract):
    ex = extract("French envoy Pierre-Louis Marchand d'Arvieux met Dutch envoy Pieter van den Broek and Saudi "
                 "Prince Faisal bin Farhan.")
    assert {"Pierre-Louis Marchand d'Arvieux", "Pieter van den Broek", "Faisal bin Farhan"} <= set(people(ex))


def test_a_portfolio_word_between_nationality_and_title_keeps_the_country(extract):
    ex = extract("Irish Industry Minister Desmond Fahy criticised Britain. Kenyan tourism minister Jane Wambui "
                 "visited Uganda.")
    found = people(ex)
    assert found["Desmond Fahy"].affiliations == ["IRL"] and found["Desmond Fahy"].role == "Industry Minister"
    assert found["Jane Wambui"].affiliations == ["KEN"]


def test_a_surname_with_an_apposed_title_is_a_person(extract):
    ex = extract("Mwangosi, Tanzania's president, urged Kenya to reopen the border. Kenya, Uganda's neighbour, "
                 "refused.")
    found = people(ex)
    assert set(found) == {"Mwangosi"} and found["Mwangosi"].affiliations == ["TZA"]


# places that NER takes for names

@pytest.mark.parametrize("text, place", [
    ("Israel shelled positions in Khan Younis overnight.", "Khan Younis"),
    ("Militants stormed Kelvin Harbour at dawn.", "Kelvin Harbour"),
    ("The mercenaries seized Bakhmut-on-Sud after a week.", "Bakhmut-on-Sud"),
    ("Jordan condemned new settlements in the West Bank.", "West Bank"),
    ("Egypt sent aid convoys through the Gaza Strip.", "Gaza Strip"),
])
def test_a_place_after_a_locative_or_a_taking_verb_is_not_an_actor(extract, text, place):
    labels = {a.label for a in extract(text).actors}
    assert place not in labels and "the " + place not in labels


def test_a_country_after_a_venue_is_where_not_who(extract):
    ex = extract("Danish and American officials met in Nuuk, Greenland, to discuss the base.")
    assert {a.key for a in ex.actors} == {"DNK", "USA"}


def test_a_person_object_of_other_verbs_stays_a_person(extract):
    ex = extract("Kenyan police could not reach John Mwangi for comment. Uganda later arrested Peter Okello.")
    assert {"John Mwangi", "Peter Okello"} <= set(people(ex))


# leftovers: venues, national groups, shared names, other scripts, confidence in the actors graph

@pytest.mark.parametrize("text", [
    "Kenya and Somalia traded accusations over the border. President Nandi Oduya accused Somalia of stalling "
    "the talks. He later met his counterparts in Doha.",
    "Kenya and Somalia traded accusations over the border. President Nandi Oduya accused Somalia of stalling "
    "the talks hosted in Geneva.",
])
def test_a_meeting_venue_does_not_cancel_in_document_inference(extract, text):
    person = people(extract(text))["Nandi Oduya"]
    assert person.affiliations == ["KEN"] and person.affiliation_confidence == {"KEN": 0.5}


def test_a_meeting_venue_is_never_the_inferred_side(extract):
    ex = extract("President Nandi Oduya met Japanese officials in Doha and accused Somalia of stalling the talks.")
    assert people(ex)["Nandi Oduya"].affiliations == []


def test_a_minister_dealing_with_a_foreign_counterpart_is_of_the_other_country(extract):
    ex = extract("Bangladesh summoned India's envoy Arjun Mehra over the attack. Mehra, who met acting Foreign "
                 "Secretary Kamal Uddin, said India wanted calm.", date="2024-05-01")
    assert people(ex)["Kamal Uddin"].affiliation_confidence == {"BGD": 0.5}
    alone = extract("Deputy Foreign Minister Asha Salim criticised Kenya.", date="2024-05-01")
    assert people(alone)["Asha Salim"].affiliations == []  # no counterpart: no inference for a minister


@pytest.mark.parametrize("text, name, side, role", [
    ("Canada expelled four Indian diplomats, including the deputy high commissioner, Ravi Shankar Patel, "
     "after police accused India of spying.", "Ravi Shankar Patel", "IND", "deputy high commissioner"),
    ("Kyrgyzstan ordered three Kazakh diplomats last week, among them Consul General Arman Bekov, to leave.",
     "Arman Bekov", "KAZ", "Consul General"),
    ("Poland expelled 45 Russian officials on Tuesday, including Deputy Trade Representative Oleg Markin.",
     "Oleg Markin", "RUS", "Deputy Trade Representative"),
])
def test_a_person_listed_in_a_national_group_acts_for_its_country(extract, text, name, side, role):
    person = people(extract(text))[name]
    assert person.affiliations == [side] and person.role == role


@pytest.mark.parametrize("text, name", [
    ("Several states, including Chile and Peru, criticised Russia, the ministers of the group, among them Dana "
     "Rossi, said.", "Dana Rossi"),
    ("Kenyan and Ugandan officials, including Deputy Minister Peter Mwangi, met in Arusha.", "Peter Mwangi"),
    ("Ministers from African countries, including Foreign Minister Amina Diallo, criticised France.",
     "Amina Diallo"),
])
def test_a_list_after_no_single_national_group_gives_nobody_a_country(extract, text, name):
    assert people(extract(text))[name].affiliations == []


@pytest.mark.parametrize("text, code", [
    ("Congo accused Rwanda of backing the rebels near Goma, the Kinshasa government said.", "COD"),
    ("Congo and Gabon signed a border agreement in Brazzaville.", "COG"),
    ("Denis Sassou Nguesso hosted talks. Congo urged Gabon to reopen the border.", "COG"),
    ("Congo accused Rwanda of arming rebels.", "COD"),  # no evidence: the one news mean most
])
def test_congo_alone_is_the_state_the_document_points_to(extract, text, code):
    ex = extract(text)
    congo = next(a for a in ex.actors if "Congo" in a.aliases)
    assert congo.key == code
    assert not {"COD", "COG"} - {code} & {a.key for a in ex.actors}


def test_congolese_follows_the_evidence_too(extract):
    ex = extract("Congolese President Denis Sassou Nguesso urged Gabon to reopen the border.", date="2024-05-01")
    assert people(ex)["Denis Sassou Nguesso"].affiliations == ["COG"]
    assert "COD" not in {a.key for a in ex.actors}
    ex = extract("Congolese police dispersed protesters in Kinshasa.", date="2024-05-01")
    assert "COG" not in {a.key for a in ex.actors}


def test_congo_alone_follows_the_evidence_of_an_earlier_paragraph(extract):
    ex = extract("Sassou Nguesso opened the talks in Brazzaville.\n\nCongo's foreign minister urged Gabon to reopen "
                 "the border.", date="2024-05-01")
    assert "COD" not in {a.key for a in ex.actors}
    assert any(a.key == "COG" and "Congo" in a.aliases for a in ex.actors)


@pytest.mark.parametrize("text, label", [
    ("Владимир Путин met Xi Jinping in Beijing.", "Vladimir Putin"),
    ("Сергей Лавров accused Ukraine of sabotaging the talks.", "Sergei Lavrov"),
])
def test_a_known_person_written_in_another_script_is_that_person(extract, text, label):
    person = people(extract(text, date="2024-05-01"))[label]
    assert person.key == slug(label) and person.affiliations == ["RUS"]


def test_transliterated_spellings_match_known_persons_only_when_unambiguous():
    from kg.gazetteer import letters, load_gazetteer
    gaz = load_gazetteer()
    assert letters("习近平") == letters("Xi Jinping") and gaz.person_spelled("习近平").label == "Xi Jinping"
    assert gaz.person_spelled("Andrej Babis").label == "Andrej Babiš"
    assert gaz.person_spelled("Putin") is None  # one word: a surname is looked up by date, not by spelling
    assert gaz.person_spelled("Ирина Петрова") is None  # nobody the gazetteer knows: a new person


def test_the_actors_graph_keeps_the_highest_affiliation_confidence(extractor, tmp_path):
    """Each membership (org:Membership) in the actors graph carries the highest dipl:confidence of the stated
    affiliations behind it: folded when documents come, derived again when they go; the profile shows it."""
    import json

    from kg.query import named_query, run_named
    from kg.rdf import document_iri, to_graph
    from kg.ingest import Document
    from kg.store import KnowledgeGraph

    inferred = extractor.extract(Document("summit.txt", "President Mwila Banda opened the regional summit on "
                                          "Monday. Zambia will host the next round of talks.", date="2024-05-01"))
    read = extractor.extract(Document("smuggling.txt", "Zambian President Mwila Banda accused Malawi of smuggling.",
                                      date="2024-05-02"))

    path = tmp_path / "store"

    def confidence(who="Mwila Banda"):
        with KnowledgeGraph(path, read_only=True) as kg:
            rows = json.loads(run_named(kg, named_query("actor-profile"), {"actor": who}, "json")[0])
        return {(r["aspect"], r["value"]): r["confidence"] for r in rows if r["aspect"] in {"acts for", "official"}}

    with KnowledgeGraph(path) as kg:
        kg.add(document_iri(inferred.document), to_graph(inferred), inferred.document.content_hash)
    assert confidence() == {("acts for", "Zambia"): 0.5}
    with KnowledgeGraph(path) as kg:
        kg.add(document_iri(read.document), to_graph(read), read.document.content_hash)
    assert confidence() == {("acts for", "Zambia"): 1.0}
    assert confidence("Zambia") == {("official", "Mwila Banda"): 1.0}
    with KnowledgeGraph(path) as kg:
        kg.remove(document_iri(read.document))
    assert confidence() == {("acts for", "Zambia"): 0.5}


# found by a new user's trial: each a kind, tested with our own sentences

def test_a_known_surname_after_a_hyphen_stays_inside_the_hyphenated_name(extract):
    ex = extract("Kenyan Foreign Minister Peter Okello-Odinga accused Uganda of seizing the island.", date="2009-05-01")
    assert set(people(ex)) == {"Peter Okello-Odinga"}  # not Raila Odinga, the prime minister that year
    assert {(r.source.label, r.cls) for r in ex.relations} == {("Peter Okello-Odinga", "ACCUSE")}


def test_a_title_and_a_given_name_shared_by_two_kings_take_the_texts_country(extract):
    for text in ("Jordan's King Abdullah met Saudi officials in Riyadh.",
                 "King Abdullah of Jordan met Saudi officials in Riyadh."):
        king = next(a for a in people(extract(text, date="2010-05-01")).values() if a.role == "King")
        assert king.affiliations == ["JOR"]


@pytest.mark.parametrize("text, name, side", [
    ("Sri Lankan Foreign Minister Dinesh Perera met Indian officials.", "Dinesh Perera", "LKA"),
    ("Papua New Guinea's Prime Minister John Kaupa met Australian officials.", "John Kaupa", "PNG"),
])
def test_a_country_ner_took_for_a_person_still_names_the_side(extract, text, name, side):
    person = people(extract(text))[name]
    assert person.role in {"Foreign Minister", "Prime Minister"} and person.affiliations == [side]


def test_two_overlapping_forms_of_one_officials_name_are_one_mention(extract):
    ex = extract("Qatari Foreign Minister Sheikh Mohammed bin Abdulrahman Al Thani flew to Cairo and urged Israel "
                 "to stop the war.", date="2024-05-01")
    assert set(people(ex)) == {"Mohammed bin Abdulrahman Al Thani"}
    assert {r.source.label for r in ex.relations} == {"Mohammed bin Abdulrahman Al Thani"}


def test_and_his_before_a_title_is_not_part_of_the_role(extract):
    person = people(extract("Tokayev and his foreign minister, Mukhtar Tileuberdi, received the Chinese delegation.",
                            date="2020-05-01"))["Mukhtar Tileuberdi"]
    assert (person.role, person.affiliations) == ("foreign minister", ["KAZ"])


def test_a_country_or_capital_inside_a_places_name_is_no_actor(extract):
    """"Lake Chad", "the Jordan River", "Mount Kenya", "Victoria Falls": a place's proper name, not the state
    whose name it holds (nor the Seychelles' capital, nor a person)."""
    ex = extract("Victoria Falls drew tourists from Zambia. Lake Victoria flooded Ugandan villages. Nigeria and Chad "
                 "argued over Lake Chad. Climbers left Mount Kenya. Israel accused Jordan of polluting the Jordan "
                 "River.")
    assert {a.label for a in ex.actors} == {"Zambia", "Uganda", "Nigeria", "Chad", "Israel", "Jordan"}
    assert all(a.aliases == [] or a.label == "Uganda" for a in ex.actors)


def test_northern_ireland_is_not_ireland(extract):
    person = people(extract("Northern Ireland's economy minister Gerry McAllister criticised Ireland."))["Gerry McAllister"]
    assert "IRL" not in person.affiliations
