"""Running text and message bodies: people counted, sensitive paragraphs linked to them."""

from tests import files

CLIENTS = list(files.client_rows(30))


def test_a_letter_to_one_person_is_about_one_person(scan_body):
    letter = (
        "Dear Sarah Jones,\n\nYour review is on Monday. We will call you on 020 7946 0123.\n"
        "Your NHS number is 943 476 5919.\n\nYours sincerely,\nIndependent Living Service"
    )
    signals = scan_body(letter)
    assert signals.data_subjects == 1
    assert signals.entities == {"PERSON": 1, "PHONE_NUMBER": 1, "UK_NHS": 1}


def test_a_list_of_clients_in_the_body(scan_body):
    body = "Today's visits:\n" + "\n".join(f"{r['name']} - {r['email']}" for r in CLIENTS)
    assert scan_body(body).data_subjects == 30


def test_a_signature_is_one_person(scan_body):
    body = "Thanks for your help.\n\nGrace Campbell\nHousing Officer\n020 7946 0555\ngrace.campbell@northshire.gov.uk"
    assert scan_body(body).data_subjects == 1


def test_prose_without_personal_data(scan_body):
    body = "The committee reviewed the annual budget and agreed the revised priorities for the coming year. " * 50
    signals = scan_body(body)
    assert (signals.data_subjects, signals.entities) == (0, {})


def test_html_body_with_a_table_of_people(scan_body):
    rows = "".join(f"<tr><td>{r['name']}</td><td>{r['email']}</td></tr>" for r in CLIENTS)
    html = f"<p>Hi team,</p><table><tr><th>Name</th><th>Email</th></tr>{rows}</table><p>Thanks</p>"
    assert scan_body(html, body_type="html").data_subjects == 30


def test_html_layout_tables_are_read_as_text(scan_body):
    html = "<table><tr><td><p>Dear Sarah Jones,</p><p>Please call 020 7946 0123 about your review.</p></td></tr></table>"
    assert scan_body(html, body_type="html").data_subjects == 1


def test_special_category_only_next_to_the_people(scan_body):
    policy_paper = "Our mental health strategy puts prevention first.\n\n" * 5 + "Contact: Grace Campbell, 020 7946 0555"
    assert scan_body(policy_paper).special_categories == {}
    record = "Sarah Jones (020 7946 0123) was diagnosed with HIV last year and attends the clinic."
    assert scan_body(record).special_categories == {"health": 1}


def test_a_docx_letter(scan):
    data = files.docx(paragraphs=["Dear Mr Okafor,", "Your case reference is 4471. Call 020 7946 0777."])
    signals = scan("letter.docx", data)
    assert signals.content.data_subjects == 1


def test_the_letter_is_about_its_recipient(scan):
    data = files.docx(paragraphs=["Dear Amelia Okafor,", "We will call you on 020 7946 0777."])
    assert scan("letter.docx", data, to=["Amelia Okafor <amelia@gmail.com>"]).content.about_recipient
    assert not scan("letter.docx", data, to=["other@gmail.com"]).content.about_recipient
