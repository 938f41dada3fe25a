"""Word lists for fictional people, streets and venues. Any resemblance to real people is chance."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Background:
    women: tuple[str, ...]
    men: tuple[str, ...]
    surnames: tuple[str, ...]
    languages: tuple[str, ...]  # besides English, from vocab.LANGUAGES


# Given names (women, men), surnames, and languages besides English, by background.
# fmt: off
BACKGROUNDS: dict[str, Background] = {
    "english": Background(
        ("Sarah", "Emma", "Claire", "Joanne", "Helen", "Rachel", "Lisa", "Karen", "Amy", "Laura",
         "Gemma", "Hannah", "Sophie", "Nicola", "Julie", "Chloe", "Lucy", "Beth", "Donna", "Jade"),
        ("James", "Daniel", "Mark", "Paul", "Lee", "Craig", "Tom", "Ryan", "Jamie", "Steven",
         "Ben", "Chris"),
        ("Smith", "Taylor", "Brown", "Wilson", "Walker", "Wright", "Robinson", "Thompson",
         "Clarke", "Hall", "Green", "Wood", "Harris", "Cooper", "Turner", "Marshall", "Holmes",
         "Atkinson", "Barker", "Fletcher", "Pearson", "Shaw", "Dawson", "Naylor", "Sutcliffe",
         "Pascoe", "Chapman", "Bennett"),
        (),
    ),
    "scottish": Background(
        ("Fiona", "Eilidh", "Kirsty", "Morag", "Catriona", "Ailsa", "Shona", "Lorna", "Isla",
         "Heather", "Nicola", "Gillian", "Lynsey", "Karen"),
        ("Callum", "Euan", "Fraser", "Ross", "Graeme", "Iain", "Alasdair", "Stuart", "Craig"),
        ("MacDonald", "Campbell", "Stewart", "Robertson", "Thomson", "Fraser", "Reid", "Murray",
         "Ross", "Paterson", "Munro", "Mackenzie", "Sinclair", "Gunn", "Kerr", "Duncan", "Wallace"),
        (),
    ),
    "gaelic": Background(
        ("Màiri", "Seonaid", "Ciorstaidh", "Peigi", "Ealasaid"),
        ("Calum", "Ruairidh", "Dòmhnall", "Seumas"),
        ("MacLeod", "MacKinnon", "MacAskill", "Morrison", "MacLean", "Matheson"),
        ("gd",),
    ),
    "welsh": Background(
        ("Rhian", "Siân", "Ffion", "Catrin", "Bethan", "Nia", "Eleri", "Angharad", "Mererid",
         "Gwenllian", "Lowri", "Carys"),
        ("Dafydd", "Rhys", "Gethin", "Huw", "Iwan", "Aled", "Owain", "Emyr"),
        ("Jones", "Williams", "Davies", "Evans", "Thomas", "Roberts", "Hughes", "Lewis", "Morgan",
         "Griffiths", "Owen", "Pritchard", "Parry", "Llywelyn"),
        ("cy",),
    ),
    "pakistani": Background(
        ("Aisha", "Fatima", "Zainab", "Amina", "Samina", "Nazia", "Saima", "Rubina", "Shabana",
         "Sana"),
        ("Imran", "Tariq", "Asif", "Bilal", "Kamran", "Zubair", "Adeel"),
        ("Khan", "Hussain", "Ahmed", "Akhtar", "Mahmood", "Iqbal", "Rashid", "Butt", "Aslam"),
        ("ur", "pa"),
    ),
    "punjabi": Background(
        ("Harpreet", "Gurpreet", "Manjit", "Jaspreet", "Simran", "Amandeep", "Kiran"),
        ("Harjit", "Sukhdev", "Jasbir", "Kulwinder", "Rajinder"),
        ("Sandhu", "Gill", "Dhillon", "Sidhu", "Bains", "Johal", "Kaur", "Singh"),
        ("pa",),
    ),
    "gujarati": Background(
        ("Priya", "Hema", "Nisha", "Meera", "Bhavna", "Rekha"),
        ("Nikhil", "Sanjay", "Raj", "Ketan"),
        ("Patel", "Mistry", "Shah", "Parmar", "Solanki"),
        ("gu",),
    ),
    "bangladeshi": Background(
        ("Nasima", "Rahima", "Shirin", "Taslima", "Farida", "Jahanara", "Rumana"),
        ("Abdul", "Rafiq", "Shahid", "Mizanur", "Anwar"),
        ("Begum", "Miah", "Uddin", "Rahman", "Islam", "Ali", "Chowdhury"),
        ("bn",),
    ),
    "polish": Background(
        ("Katarzyna", "Agnieszka", "Magdalena", "Joanna", "Anna", "Ewa", "Monika", "Dorota",
         "Justyna"),
        ("Tomasz", "Piotr", "Marek", "Krzysztof", "Paweł"),
        ("Nowak", "Wójcik", "Kaczmarek", "Mazur", "Krawczyk", "Zając", "Król", "Wieczorek",
         "Dudek", "Pawlak", "Sikora"),
        ("pl",),
    ),
    "romanian": Background(
        ("Ioana", "Elena", "Andreea", "Mihaela", "Cristina"),
        ("Andrei", "Mihai", "Bogdan", "Ionuț"),
        ("Popescu", "Ionescu", "Dumitru", "Stan", "Constantin", "Marin"),
        ("ro",),
    ),
    "somali": Background(
        ("Hodan", "Amran", "Fadumo", "Sahra", "Ifrah", "Hibo"),
        ("Abdi", "Mohamed", "Abdirahman", "Hassan"),
        ("Farah", "Hassan", "Osman", "Warsame", "Abdi", "Ahmed", "Nur"),
        ("so", "ar"),
    ),
    "arabic": Background(
        ("Layla", "Noor", "Mariam", "Huda", "Rania"),
        ("Omar", "Karim", "Yusuf", "Sami"),
        ("Haddad", "Saleh", "Mansour", "Khalil", "Nasser", "Hamdan"),
        ("ar",),
    ),
    "chinese": Background(
        ("Mei", "Lin", "Xiu", "Ying", "Hui"),
        ("Wei", "Jun", "Ming", "Hao"),
        ("Chen", "Wong", "Li", "Zhang", "Lam", "Cheung", "Liu"),
        ("zh",),
    ),
    "african": Background(
        ("Grace", "Chioma", "Abena", "Precious", "Blessing", "Tendai", "Ngozi"),
        ("Kwame", "Tunde", "Emeka", "Kofi"),
        ("Okafor", "Mensah", "Adeyemi", "Boateng", "Osei", "Moyo", "Campbell", "Okonkwo"),
        (),
    ),
    "spanish": Background(
        ("Lucía", "Carmen", "Marta", "Elena"),
        ("Javier", "Carlos", "Diego"),
        ("García", "Fernández", "López", "Martín", "Ruiz"),
        ("es",),
    ),
}

STREETS = (
    "Station Road", "Church Street", "High Street", "Victoria Road", "Mill Lane", "Park Road",
    "Chapel Street", "Albert Road", "Queen Street", "King Street", "Market Place", "North Road",
    "School Lane", "Garden Street", "Bridge Street", "Castle Street", "Green Lane", "New Road",
)

# {place} is filled with a neighbourhood of the council.
VENUES = {
    "community": ("{place} Community Centre", "{place} Community Hall", "{place} Library",
                  "St Mary's Church Hall, {place}", "{place} Methodist Church Hall",
                  "{place} Neighbourhood Centre"),
    "leisure": ("{place} Leisure Centre", "{place} Sports Centre", "{place} Pool and Gym"),
    "outdoor": ("{place} Park, main gates", "{place} Library, front entrance",
                "{place} Community Garden"),
    "centre": ("{place} Resource Centre", "{place} Day Centre", "{place} Hub"),
}
# fmt: on
WELSH_VENUES = ("Neuadd Goffa {place}", "Canolfan {place}", "Neuadd y Dref, {place}")

TRAINING = (
    "Care Certificate",
    "First aid at work",
    "Moving and handling people",
    "Medication awareness",
    "Safeguarding adults",
    "Dementia awareness",
    "Level 2 Diploma in Care",
    "Level 3 Diploma in Adult Care",
    "Epilepsy and rescue medication",
    "Food hygiene level 2",
)
SCOTTISH_TRAINING = ("SVQ Social Services and Healthcare level 2", "SVQ level 3")

BIO_OPENINGS = (
    "I have supported older people and disabled adults for {years} years.",
    "After {years} years as a care worker I now work as a personal assistant.",
    "I became a PA after caring for my own mum; that was {years} years ago.",
    "Friendly, patient and reliable, with {years} years' experience.",
    "I worked in a day service for {years} years and love one-to-one support.",
)
BIO_MIDDLES = (
    "I like helping people get out and about and keep up their interests.",
    "I am calm and unhurried, and I follow your routine, not mine.",
    "I can help with personal care, meals, shopping and getting to appointments.",
    "I enjoy cooking and can help you plan and make healthy meals.",
    "I am used to working with families and other PAs as a small team.",
    "I have supported people with autism and learning disabilities at college and work.",
)
BIO_CLOSINGS = (
    "I drive and have my own car.",
    "I am happy to meet you and your family before we agree anything.",
    "References available on request.",
    "I am flexible and can cover holidays for your other PAs.",
    "I can start soon.",
)


def ascii_slug(text: str) -> str:
    """'Siân Llŷn's Café' -> 'sian-llyns-cafe': for email addresses and domain names."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower().replace("'", "")).strip("-")


def weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


def person(rng: random.Random, background: str, *, woman: bool) -> tuple[str, str]:
    """A (first name, surname) pair from a background."""
    names = BACKGROUNDS[background]
    first = rng.choice(names.women if woman else names.men)
    return first, rng.choice(names.surnames)


def inward_code(rng: random.Random) -> str:
    """The part of a postcode after the space: a digit and two letters Royal Mail uses."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"
