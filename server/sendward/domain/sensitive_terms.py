"""Default sensitive topics and their terms (a tenant can replace any list).

Terms match whole words, case-insensitively; a trailing ``*`` matches any ending
(``pregnan*`` matches pregnant and pregnancy). Categories named in
``SPECIAL_CATEGORIES`` are special-category data under UK GDPR articles 9 and 10;
the others (abuse, immigration, welfare) are sensitive context only.
"""

DEFAULT_SENSITIVE_TERMS: dict[str, list[str]] = {
    "health": [
        "clinic", "clinics", "hiv", "sexual health", "gum clinic", "hepatitis", "mental health",
        "diagnosis", "diagnosed", "cancer", "oncology", "chemotherapy", "pregnan*", "abortion",
        "dementia", "psychiatric", "psychosis", "schizophrenia", "self-harm", "suicide",
        "eating disorder", "substance misuse", "drug treatment", "alcohol treatment", "addiction",
        "methadone", "chlamydia", "gonorrhoea", "syphilis", "herpes", "antenatal", "fertility",
        "ivf", "prescription", "diabetes", "epilepsy", "patients",
        # conditions people are named beside in letters, HR cases and referrals
        "anxiety", "depression", "depressive", "bipolar", "ptsd", "post-traumatic stress", "ocd",
        "obsessive compulsive", "mental illness", "panic attacks", "work-related stress", "stress-related",
        "long covid", "multiple sclerosis", "migraine*", "motor neurone disease", "parkinson's",
        "alzheimer's", "crohn's", "colitis", "fibromyalgia", "chronic fatigue", "sickle cell",
        "cystic fibrosis", "cerebral palsy", "stroke survivor", "heart condition", "heart disease",
        "asthma", "arthritis", "tuberculosis", "miscarriage", "terminal illness", "palliative",
        "sickness absence", "fit note", "sick note", "occupational health", "counselling",
    ],
    "disability": [
        "disability", "disabilities", "disabled", "learning disability", "autism", "autistic",
        "adhd", "wheelchair", "visually impaired", "sight loss", "hearing loss", "deaf",
        "special educational needs", "ehcp", "personal independence payment", "dyslexia", "dyslexic",
        "dyspraxia", "learning difficulties", "down syndrome", "down's syndrome", "blind", "partially sighted",
        "mobility impairment", "reasonable adjustments",
    ],
    "gender_identity": [
        "gender identity", "transgender", "trans people", "trans woman", "trans women", "trans man",
        "trans men", "non-binary", "nonbinary", "gender reassignment", "gender recognition",
        "gender dysphoria",
    ],
    "sexuality": ["sexual orientation", "gay", "lesbian", "bisexual", "lgbt*", "queer", "homosexual"],
    "religion": [
        "religion", "religious", "muslim", "muslims", "christians", "jewish", "hindu", "sikh",
        "buddhist", "mosque", "church", "synagogue", "gurdwara",
    ],
    "ethnicity": ["ethnicity", "ethnic origin", "racial", "bame", "gypsy", "traveller community"],
    "criminal": [
        "conviction", "convictions", "criminal record", "offence", "offences", "offender",
        "offenders", "probation", "prison", "sentenced", "arrested", "sex offender",
    ],
    "abuse": [
        "abuse", "abused", "domestic violence", "domestic abuse", "safeguarding", "refuge",
        "survivors", "sexual assault", "rape", "child protection", "coercive control",
        "stalking", "forced marriage", "fgm", "modern slavery", "trafficking", "looked after child",
    ],
    "immigration": [
        "immigration", "immigration status", "asylum", "asylum seeker", "asylum seekers", "refugee",
        "refugees", "visa application", "visa status", "deportation", "removal centre",
        "leave to remain", "no recourse to public funds", "nrpf", "undocumented", "overstayer",
    ],
    "welfare": [
        "universal credit", "jobseeker*", "benefit claim*", "welfare to work", "welfare-to-work",
        "food bank", "foodbank", "debt advice", "debt relief", "homeless", "homelessness",
        "housing benefit", "vulnerable adult", "vulnerable adults",
    ],
}

SPECIAL_CATEGORIES = [
    "health", "disability", "gender_identity", "sexuality", "religion", "ethnicity", "criminal",
]
