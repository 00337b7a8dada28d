#!/usr/bin/env python3
"""Writes a synthetic corpus of English news articles about war casualties, for `make bench`.

    python3 bench/synth.py --size 100MB --seed 42 --out DIR [--format txt|jsonl|both]

Articles are assembled from varied casualty sentences (counts as digits and as words, with
qualifiers, ranges and vague words; killed, wounded, captured, missing; attributions; named
casualties with ages and hometowns; denials and refusals to comment), ordinary news sentences,
names, places, dates and outlet boilerplate (donation appeals, "Read more", newsletter sign-up,
share lines, photo credits). About 5% of the inputs are exact duplicates of an earlier article
(the same bytes, or the same text with CRLF line endings) and about 5% near duplicates (a
sentence added, or the headline changed).

DIR receives:
  txt/metadata.csv, txt/NNNNN/aNNNNNNNN.txt   one article per file, 1000 files per folder
  jsonl/part-NNNNN.jsonl                      {"id","text","metadata":{...}}, ~16 MB per part
  synth.json                                  parameters and counts of every kind of input
  truth.csv                                   id,kind,of: every planted duplicate and its original

`--size` is the total size of the article texts (1 MB = 10^6 bytes); the JSONL files are a little
larger (JSON escaping and metadata). Python 3.11 standard library only. Deterministic: the same
seed and size give the same bytes on any machine (only `random.Random(seed)` decides anything).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import shutil
import sys
import time

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

FIRST = """Alexei Andrei Anton Artem Boris Daniil Denis Dmitry Egor Gleb Igor Ilya Ivan Kirill
Konstantin Maxim Mikhail Nikita Oleg Pavel Roman Ruslan Sergei Stanislav Timur Vadim Viktor
Vladimir Vyacheslav Yaroslav Yegor Yuri Zakhar Arseniy Bogdan Mykola Oleksandr Taras Vasyl Yurii
Ostap Petro Serhiy Volodymyr Andriy Dmytro Maksym Oleksiy Ihor Anatoliy Fedir Hryhoriy Rustam
Aslan Magomed Ramzan Bair Aldar Chingis Sanal Aydar Marat Ilnur Ahmed Mohamed Moussa Ibrahim
Oumar Samuel Daniel Thomas Lukas Pierre""".split()
FIRST_F = """Anna Daria Elena Irina Larisa Lyudmila Marina Natalia Oksana Olga Svetlana Tatiana
Valentina Yulia Zoya Kateryna Halyna Nadiya Iryna Sofia Vera Alina Ksenia Polina""".split()
LAST = """Volkov Lapin Rastorguyev Tikhonov Zuyev Severin Malyshev Hrytsenko Kuzmin Vedernikov
Rudakov Peskov Druzhinin Ryumin Orlov Sokolov Morozov Pavlov Semenov Golubev Vinogradov Bogdanov
Vorobyov Fedorov Mikhailov Belyaev Tarasov Belov Komarov Kiselev Makarov Andreev Kovalev Ilyin
Gusev Titov Kuzmichev Kudryavtsev Baranov Kulikov Alekseev Stepanov Yakovlev Sorokin Sergeev
Romanov Zakharov Borisov Korolev Gerasimov Ponomarev Grigoriev Lazarev Medvedev Ershov Nikitin
Sobolev Ryabov Polyakov Tsvetkov Danilov Zhukov Frolov Zhuravlev Nikolaev Krylov Maximov Sidorov
Osipov Belousov Fedotov Dorofeev Egorov Matveev Bobrov Dmitriev Kalinin Anisimov Petukhov Antonov
Timofeev Nikiforov Veselov Filippov Markov Bolshakov Sukhanov Mironov Shiryaev Aleksandrov
Konovalov Shestakov Kazakov Efimov Denisov Gromov Fomin Davydov Melnikov Shcherbakov Blinov
Kolesnikov Karpov Afanasiev Vlasov Maslov Isakov Tikhonenko Shevchenko Bondarenko Kovalenko
Tkachenko Kravchenko Oliynyk Shevchuk Polishchuk Lysenko Marchenko Moroz Savchenko Rudenko
Melnyk Petrenko Klymenko Pavlenko Boyko Tkachuk Kovalchuk Honchar Savchuk Zinchenko Ivanenko
Dzhabrailov Kadyrov Magomedov Aliyev Tsyrenov Dorzhiev Badmaev Gabdrakhmanov Khairullin
Traore Keita Coulibaly Diallo Ag-Ahmedou Lindqvist Meyer Dubois Novak""".split()
RANKS = ["Private", "Corporal", "Sergeant", "Junior Sergeant", "Senior Sergeant", "Lieutenant",
         "Senior Lieutenant", "Captain", "Major", "Lieutenant Colonel", "Colonel", "Sailor",
         "Senior Sailor", "Warrant Officer", "Rifleman", "Paratrooper", "Marine", "Gunner"]
AFFIL = ["Motor Rifle Regiment", "Guards Tank Division", "Airborne Assault Brigade",
         "Naval Infantry Brigade", "Separate Assault Battalion", "Marine Brigade",
         "Mechanised Brigade", "Territorial Defence Brigade", "Spetsnaz Brigade",
         "Artillery Brigade", "Storm-Z detachment", "volunteer battalion"]
TOWNS = """Michurinsk Kotovsk Rasskazovo Sosnovka Shebekino Valuyki Rylsk Sudzha Kursk Bryansk
Klintsy Novozybkov Pskov Ostrov Velikiye-Luki Ulan-Ude Kyakhta Gusinoozyorsk Elista Kyzyl
Chita Krasnokamensk Omsk Tara Barnaul Rubtsovsk Biysk Orenburg Orsk Buzuluk Samara Syzran
Tolyatti Saratov Engels Balakovo Volgograd Kamyshin Volzhsky Rostov-on-Don Taganrog Shakhty
Novocherkassk Krasnodar Armavir Novorossiysk Stavropol Pyatigorsk Nalchik Makhachkala Derbent
Grozny Gudermes Ufa Sterlitamak Kazan Naberezhnye-Chelny Izhevsk Perm Chelyabinsk Magnitogorsk
Yekaterinburg Nizhny-Tagil Tyumen Kurgan Novosibirsk Tomsk Kemerovo Novokuznetsk Irkutsk Bratsk
Krasnoyarsk Norilsk Yakutsk Khabarovsk Vladivostok Nakhodka Murmansk Severomorsk Arkhangelsk
Vologda Cherepovets Kostroma Yaroslavl Tver Smolensk Kaluga Tula Ryazan Lipetsk Voronezh Belgorod
Chernihiv Sumy Poltava Kremenchuk Dnipro Kryvyi-Rih Zaporizhzhia Kharkiv Izium Kupiansk
Lviv Ternopil Rivne Lutsk Zhytomyr Vinnytsia Uman Cherkasy Kropyvnytskyi Mykolaiv Odesa Izmail
Kherson Chernivtsi Uzhhorod Ivano-Frankivsk Kolomyia Bila-Tserkva Brovary Irpin Bucha""".split()
REGIONS = ["Tambov", "Belgorod", "Kursk", "Bryansk", "Pskov", "Buryatia", "Tuva", "Kalmykia",
           "Zabaykalsky", "Omsk", "Altai", "Orenburg", "Samara", "Saratov", "Volgograd", "Rostov",
           "Krasnodar", "Stavropol", "Dagestan", "Chechnya", "Bashkortostan", "Tatarstan",
           "Udmurtia", "Perm", "Chelyabinsk", "Sverdlovsk", "Novosibirsk", "Irkutsk", "Krasnoyarsk",
           "Primorye", "Murmansk", "Arkhangelsk", "Vologda", "Yaroslavl", "Tver", "Smolensk",
           "Lipetsk", "Voronezh", "Kharkiv", "Sumy", "Chernihiv", "Zaporizhzhia", "Kherson",
           "Donetsk", "Luhansk", "Dnipropetrovsk", "Mykolaiv", "Odesa", "Poltava", "Kyiv"]
FRONT = ["Avdiivka", "Bakhmut", "Robotyne", "Vuhledar", "Marinka", "Kupiansk", "Kreminna",
         "Pokrovsk", "Chasiv Yar", "Toretsk", "Krynky", "Vovchansk", "Lyman", "Siversk",
         "Kurakhove", "Velyka Novosilka", "Orikhiv", "Huliaipole", "Soledar", "Klishchiivka",
         "Mariupol", "Izium", "Sudzha", "Tetkino", "Tin-Ebbeyan", "Kidal", "Palmyra", "Deir ez-Zor"]
OUTCOMES = [  # (past participle phrase, outcome) -- the outcome is only for the truth, not used
    ("killed", "killed"), ("killed", "killed"), ("killed", "killed"), ("killed in action", "killed"),
    ("wounded", "wounded"), ("wounded", "wounded"), ("injured", "wounded"),
    ("seriously wounded", "wounded"), ("captured", "captured"), ("taken prisoner", "captured"),
    ("reported missing", "missing"), ("listed as missing", "missing"),
    ("missing in action", "missing"), ("killed or wounded", "casualties")]
VICTIMS = ["Russian soldiers", "Russian servicemen", "Ukrainian soldiers", "Ukrainian servicemen",
           "local servicemen", "soldiers from the region", "civilians", "people", "conscripts",
           "contract soldiers", "mobilised men", "paratroopers", "marines", "border guards",
           "police officers", "National Guard troops", "paramilitary fighters", "Wagner fighters",
           "Africa Corps fighters", "Malian soldiers", "volunteers", "prisoners recruited by Wagner",
           "sailors", "pilots", "medics", "children", "residents", "men from the district"]
NUMWORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
            "nineteen", "twenty", "twenty-one", "twenty-five", "thirty", "forty", "fifty",
            "sixty", "seventy", "eighty", "ninety", "a hundred", "two hundred", "three hundred",
            "a thousand", "several thousand"]
VAGUE = ["dozens of", "scores of", "hundreds of", "thousands of", "several", "a number of",
         "many", "tens of thousands of", "a handful of", "more than a dozen"]
QUALS = ["at least", "at least", "more than", "more than", "nearly", "almost", "about", "around",
         "up to", "as many as", "over", "an estimated", "roughly", "fewer than", "no fewer than"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
BODIES = ["the Defence Ministry", "the Defense Ministry", "the General Staff", "the Kremlin",
          "the regional administration", "the military prosecutor's office",
          "the Investigative Committee", "the local enlistment office", "the governor's office",
          "the Coordination Headquarters for the Treatment of Prisoners of War",
          "the UN human rights office", "the International Committee of the Red Cross",
          "the human rights ombudsman's office", "the Federal Security Service",
          "the State Border Guard Service", "the Ukrainian General Staff", "the army"]
OFFICIAL_TITLES = ["Governor", "Kremlin spokesman", "Defence Minister", "regional governor",
                   "deputy governor", "Mayor", "military spokesman", "district head",
                   "ombudsman", "army spokesman", "Deputy Defence Minister", "regional lawmaker"]
SOURCES = ["Mediazona", "the BBC Russian Service", "Meduza", "Verstka", "iStories",
           "local news sites", "Telegram channels linked to the military", "obituaries",
           "social media posts", "relatives of the dead", "a regional news site", "the OVD-Info project",
           "a group of volunteers", "Russian opposition activists", "satellite imagery analysts",
           "Western intelligence officials", "a leaked ministry document", "the Ukrainian military"]
TOPICS = ["the war", "the mobilisation", "the offensive", "the cross-border raid", "the ambush",
          "the missile strike", "the drone attack", "the shelling", "the siege", "the exchange",
          "the counteroffensive", "the sinking of the cruiser", "the explosion at the base"]

OUTLETS = [
    # name, short name, domain, style (0: Moscow Times-like, 1: Ledger-like, 2: wire, 3: plain)
    ("The Moscow Times", "The Moscow Times", "themoscowtimes.com", 0),
    ("The Northern Ledger", "the Northern Ledger", "northernledger.org", 1),
    ("Wire Desk", "Wire Desk", "wiredesk.net", 2),
    ("Continental Wire", "Continental Wire", "continentalwire.com", 2),
    ("The Kyiv Independent Review", "the Review", "kyivreview.example", 1),
    ("Baltic Courier", "the Courier", "balticcourier.eu", 0),
    ("The Fiscal Times", "The Fiscal Times", "thefiscaltimes.com", 3),
    ("Frontline Digest", "Frontline Digest", "frontlinedigest.org", 1),
    ("Steppe Post", "the Steppe Post", "steppepost.kz", 3),
    ("Eastern Europe Monitor", "the Monitor", "eemonitor.example", 2),
    ("Volga Observer", "the Observer", "volgaobserver.ru", 0),
    ("Sahel Dispatch", "Sahel Dispatch", "saheldispatch.africa", 3),
]

# ---------------------------------------------------------------------------------------------
# Templates: literal text with {SLOT}s, compiled once into (literal, slot) pieces
# ---------------------------------------------------------------------------------------------

CASUALTY = [
    "{COUNT} {VICTIMS} were {OUTCOME} {WHERE} {WHEN}, {ATTRIB}.",
    "{COUNT} {VICTIMS} have been {OUTCOME} {WHERE} since {MONTH}, {ATTRIB}.",
    "{ATTRIB_LEAD} {COUNT} {VICTIMS} were {OUTCOME} {WHERE}.",
    "{OFFICIAL} said {WHEN} that {COUNT} {VICTIMS} had been {OUTCOME} {WHERE}.",
    "{OFFICIAL} told reporters that {COUNT} {VICTIMS} were {OUTCOME} in {TOPIC}.",
    "\u201c{CCOUNT} of our men were {OUTCOME} {WHERE},\u201d {OFFICIAL} said.",
    "\"We lost {COUNT} men {WHERE} {WHEN},\" a soldier from the same unit told {OUTLET}.",
    "A count compiled by {OUTLET} from {SOURCE} found {COUNT} men from the {REGION} region who had been {OUTCOME} {WHEN}.",
    "{SOURCE_CAP} have confirmed the deaths of {COUNT} {VICTIMS} {WHEN}, {ATTRIB}.",
    "The toll rose to {COUNT} dead and {COUNT} wounded, {ATTRIB}.",
    "Between {N1} and {N2} {VICTIMS} were {OUTCOME} in {TOPIC}, {ATTRIB}.",
    "{COUNT} {VICTIMS} were {OUTCOME}, and another {N1} were {OUTCOME2}, {ATTRIB}.",
    "Residents said {COUNT} civilians, including {NW} children, were killed when a drone struck {PLACE_NOUN} {WHEN}.",
    "{BODY_CAP} said {COUNT} {VICTIMS} had been {OUTCOME} {WHERE}, in posts that could not be independently verified.",
    "Ukrainian officials say {COUNT} Ukrainians, most of them soldiers, remain in Russian captivity.",
    "Another {N1} people, soldiers and civilians, are listed as missing, according to {BODY}.",
    "Russia and Ukraine swapped {N1} prisoners of war each {WHEN} in an exchange mediated by {MEDIATOR}.",
    "{CCOUNT} of the freed prisoners were seriously wounded and were taken straight to hospital, {BODY} said.",
    "The independent outlet estimated that {COUNT} {VICTIMS} had died {WHERE} since the start of {TOPIC}.",
    "In {TOPIC} {WHERE}, {COUNT} {VICTIMS} were {OUTCOME} and {N1} were {OUTCOME2}, {ATTRIB}.",
    "Local media reported {COUNT} funerals in the {REGION} region {WHEN}.",
    "{COUNT} {VICTIMS} are believed to have been {OUTCOME} {WHERE}, although the figure could not be confirmed.",
    "The number of {VICTIMS} {OUTCOME} {WHERE} stood at {COUNT} by {WEEKDAY}, {ATTRIB}.",
    "{VAGUE_CAP} {VICTIMS} are feared to have been {OUTCOME} {WHERE}, {ATTRIB}.",
]
NAMED = [
    "Among those named was {RANK} {NAME}, {AGE}, of {TOWN}, who {BODY} said was killed near {FRONT} on {DATE}.",
    "Another of the dead, {AGE}-year-old {RANK} {NAME} from {TOWN}, died of wounds in a military hospital in {TOWN2}, according to {SOURCE}.",
    "{RANK} {NAME}, {AGE}, a member of the {ORD} {AFFIL} from {TOWN}, was captured near {FRONT} in {MONTH}, his {KIN} said.",
    "{NAME}, {AGE}, from {TOWN}, has been missing since {DATE}, when his unit came under fire near {FRONT}.",
    "One of the wounded, {RANK} {NAME}, {AGE}, of {TOWN}, lost a leg in the shelling, {KIN_NAME} told {OUTLET}.",
    "{NAME} from {TOWN}, a {AGE}-year-old former {JOB}, was killed {WHERE} {WHEN}, according to a post by the school where he once studied.",
    "The dead included {RANK} {NAME}, {AGE}, and {RANK2} {NAME2}, {AGE2}, both from {TOWN}.",
    "{WOMAN}, whose son {NAME} has not been heard from since {DATE}, said the ministry had stopped answering the phone.",
    "Among those returned was {RANK} {NAME}, {AGE}, from {TOWN}, who was taken prisoner during the siege of {FRONT}.",
]
DENIAL = [
    "{BODY_CAP} declined to comment when asked how many soldiers from {REGION} had been killed or wounded.",
    "{BODY_CAP} did not respond to written questions about the discrepancy.",
    "Asked about the figures, {OFFICIAL} had no immediate comment.",
    "{OFFICIAL} denied that Russian troops were taking part in the fighting {WHERE}.",
    "{BODY_CAP} has never disclosed its losses {WHERE}, and said the figures were a state secret.",
    "{BODY_CAP} does not say how many of its soldiers are held by Ukraine or unaccounted for.",
    "{OFFICIAL} refused to say how many servicemen had been killed, citing military secrecy.",
    "\u201cWe simply have no right to disclose some of the data,\u201d {OFFICIAL} said.",
    "{BODY_CAP}, which has previously denied that its troops take part in combat operations, said in a rare statement on {WEEKDAY} that its instructors had come under attack.",
    "The regional government last year instructed district heads not to disclose the number of residents killed in the war, according to an internal letter seen by {OUTLET}.",
    "{OFFICIAL} called on {BODY} to publish the lists of prisoners and of the missing.",
    "{BODY_CAP} did not reply to a request for comment on {WEEKDAY}.",
    "\u201cI find the wording of this question inappropriate as such,\u201d {OFFICIAL} told a conference call with reporters.",
    "{OFFICIAL} acknowledged for the first time that soldiers had been {OUTCOME} {WHERE}, without giving a number.",
    "{BODY_CAP} said reports of heavy losses were \u201cfake news\u201d spread by the enemy.",
]
CONTEXT = [
    "The {REGION} region has been the target of sporadic shelling since last {MONTH}.",
    "{OFFICIAL}, a former regional prosecutor, has been in office since {YEAR}.",
    "The frequency and intensity of the attacks have increased dramatically since {MONTH}.",
    "A ceasefire has been in force since {MONTH}, but each side accuses the other of violations.",
    "Prices for fuel in the region rose by {PCT} percent in {MONTH}, according to the statistics service.",
    "The regional budget for {YEAR} includes {N1} million rubles for payments to the families of servicemen.",
    "Unlike some of his colleagues, {OFFICIAL} has attended several funerals in person.",
    "In {MONTH} he opened a \u201cHeroes\u2019 Alley\u201d in the regional capital, where portraits of the dead are displayed on a row of stands.",
    "The talks in {CITY} ended without agreement on {WEEKDAY}, diplomats said.",
    "Western governments have imposed new sanctions on companies supplying drone components.",
    "Analysts said the {TOPIC_NOUN} was likely to raise questions in Moscow about the cost of the campaign.",
    "Schools in {TOWN} switched to remote learning for {NW} weeks after repeated air raid alerts.",
    "The bridge, which carries most of the region's freight traffic, was closed for repairs until {MONTH}.",
    "A Reuters reporter witnessed troops without insignia and hundreds of pieces of unmarked weaponry near the border.",
    "The West accuses Moscow of driving the rebellion by providing serving troops, arms, training and intelligence.",
    "Across Russia, regional officials take different approaches to announcing deaths.",
    "Some governors attend funerals and post condolences online; others say nothing at all.",
    "The rouble weakened to {N1} against the dollar on {WEEKDAY}, its lowest level since {YEAR}.",
    "Heavy snow in {MONTH} slowed the movement of armour along the front near {FRONT}.",
    "The parliament extended martial law and mobilisation for another {N1} days.",
    "Power was restored to most of {TOWN} by {WEEKDAY} evening, the local energy company said.",
    "Recruitment billboards offering signing bonuses of up to {PCT} million rubles have appeared in {TOWN}.",
    "The governor promised each bereaved family a one-off payment of {NW} million rubles from the regional budget.",
    "Mali's military government expelled French troops and turned to Moscow for security assistance.",
    "The court in {TOWN} sentenced a local man to {NW} years in prison for criticising the army online.",
    "Harvest figures for the {REGION} region were {PCT} percent below last year's, the agriculture ministry said.",
    "The election commission said turnout in {TOWN} was {PCT} percent.",
    "Both sides accuse each other of targeting civilian infrastructure.",
    "The exchange was the {ORD} since the start of the full-scale invasion.",
    "Relatives protested outside the ministry in Moscow {WHEN}, holding portraits of their sons.",
]
CAPTION = [
    "Relatives gather at the grave of {RANK} {NAME} in the village of {TOWN} on {DATE}.",
    "Smoke rises over a building in the town of {TOWN} damaged in a shelling attack on {DATE}.",
    "A freed prisoner of war speaks to relatives by phone after the exchange at an undisclosed location.",
    "Portraits of servicemen killed in Ukraine on a memorial in {TOWN}.",
    "{OFFICIAL} speaking at a meeting in {CITY} on {WEEKDAY}.",
    "Mourners at a funeral in {TOWN}, {REGION} region.",
    "{RANK} {NAME} in an undated photograph published by his former school.",
]
HEADLINE = [
    "{REGION} Governor Names {NWC} Dead as Funerals Strain Region",
    "Officials Disclose Troop Deaths {NWC} Weeks After {TOPIC_NOUN_CAP}",
    "At Least {N1} Killed in {TOPIC_NOUN_CAP} Near {FRONT}",
    "Kremlin Declines to Comment on Losses Near {FRONT}",
    "Scores Feared Killed in {FRONT} Ambush",
    "Russia and Ukraine Swap {N1} Prisoners Each",
    "{REGION} Families Say Hundreds Still Missing After {TOPIC_NOUN_CAP}",
    "Putin Classifies Information on Deaths of Troops on Special Missions",
    "Regions Quietly Stop Publishing Death Notices",
    "Inside the Hospital Where Wounded Soldiers Wait Months for Surgery",
    "How Many Have Died Near {FRONT}? Nobody Will Say",
    "Ministry Denies Heavy Losses in {REGION} as Obituaries Multiply",
    "{N1} Servicemen From {TOWN} Killed Since {MONTH}, Count Shows",
    "Mothers of the Missing Protest in Moscow",
    "Drone Strike on {TOWN} Market Kills {NWC} Civilians",
    "Fuel Prices Climb in {REGION} as Sanctions Bite",
]
JOBS = ["driver", "welder", "teacher", "miner", "police officer", "farm worker", "electrician",
        "security guard", "student", "factory worker", "firefighter", "builder", "taxi driver"]
KIN = ["mother", "father", "wife", "sister", "brother", "widow", "son", "daughter", "uncle"]
KIN_F = ["mother", "wife", "sister", "widow", "daughter", "aunt", "grandmother"]
CITIES = ["Moscow", "Kyiv", "Istanbul", "Geneva", "Minsk", "Abu Dhabi", "Riyadh", "Ankara",
          "Bamako", "Brussels", "Warsaw", "Vilnius", "Doha", "the Kremlin"]
MEDIATORS = ["the United Arab Emirates", "Turkey", "Qatar", "Saudi Arabia", "the Vatican"]
PLACE_NOUNS = ["a weekly market", "a bus stop", "an apartment block", "a school", "a hospital",
               "a railway station", "a petrol station", "a cafe", "a funeral procession"]
TOPIC_NOUNS = ["Cross-Border Incursion", "Ambush", "Missile Strike", "Drone Attack", "Offensive",
               "Shelling", "Raid", "Counteroffensive", "Explosion"]

SLOT = re.compile(r"\{([A-Z_0-9]+)\}")


def compile_template(t: str) -> list:
    pieces, pos = [], 0
    for m in SLOT.finditer(t):
        pieces.append((t[pos:m.start()], m.group(1)))
        pos = m.end()
    pieces.append((t[pos:], None))
    return pieces


class Gen:
    """Everything random goes through `self.r`, so one seed fixes every byte."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)
        c = lambda ts: [compile_template(t) for t in ts]
        self.casualty, self.named, self.denial = c(CASUALTY), c(NAMED), c(DENIAL)
        self.context, self.caption, self.headline = c(CONTEXT), c(CAPTION), c(HEADLINE)
        r = self.r
        ch = r.choice
        self.slots = {
            "COUNT": self.count, "CCOUNT": lambda: self.count().capitalize(),
            "VICTIMS": lambda: ch(VICTIMS), "OUTCOME": lambda: ch(OUTCOMES)[0],
            "OUTCOME2": lambda: ch(OUTCOMES)[0], "WHERE": self.where, "WHEN": self.when,
            "ATTRIB": self.attrib, "ATTRIB_LEAD": self.attrib_lead, "OFFICIAL": self.official,
            "MONTH": lambda: ch(MONTHS), "TOPIC": lambda: ch(TOPICS), "OUTLET": lambda: self.outlet_short,
            "SOURCE": lambda: ch(SOURCES), "SOURCE_CAP": lambda: cap(ch(SOURCES)),
            "REGION": lambda: ch(REGIONS), "N1": self.digits, "N2": self.digits,
            "NW": lambda: ch(NUMWORDS[:18]), "NWC": lambda: cap(ch(NUMWORDS[:18])),
            "BODY": lambda: ch(BODIES), "BODY_CAP": lambda: cap(ch(BODIES)),
            "MEDIATOR": lambda: ch(MEDIATORS), "PLACE_NOUN": lambda: ch(PLACE_NOUNS),
            "WEEKDAY": lambda: ch(WEEKDAYS), "VAGUE_CAP": lambda: cap(ch(VAGUE)),
            "RANK": lambda: ch(RANKS), "RANK2": lambda: ch(RANKS), "NAME": self.name,
            "NAME2": self.name, "AGE": self.age, "AGE2": self.age, "TOWN": lambda: ch(TOWNS).replace("-", " ") if r.random() < 0.3 else ch(TOWNS),
            "TOWN2": lambda: ch(TOWNS), "FRONT": lambda: ch(FRONT), "DATE": self.date,
            "ORD": self.ordinal, "AFFIL": lambda: ch(AFFIL), "KIN": lambda: ch(KIN),
            "KIN_NAME": lambda: f"his {ch(KIN_F)}, {ch(FIRST_F)},", "WOMAN": self.woman, "JOB": lambda: ch(JOBS),
            "YEAR": lambda: str(r.randint(2008, 2025)), "PCT": lambda: str(r.randint(2, 40)),
            "CITY": lambda: ch(CITIES), "TOPIC_NOUN": lambda: ch(TOPIC_NOUNS).lower(),
            "TOPIC_NOUN_CAP": lambda: ch(TOPIC_NOUNS),
        }
        self.outlet_short = "the newspaper"

    # --- slot generators ---
    def digits(self) -> str:
        r = self.r
        x = r.random()
        n = r.randint(2, 30) if x < 0.45 else r.randint(31, 999) if x < 0.8 else r.randint(1000, 60000)
        return f"{n:,}" if n >= 1000 and r.random() < 0.85 else str(n)

    def count(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.40:
            return f"{r.choice(QUALS)} {self.digits()}"
        if x < 0.62:
            return self.digits()
        if x < 0.74:
            return r.choice(NUMWORDS) if r.random() < 0.5 else f"{r.choice(QUALS)} {r.choice(NUMWORDS)}"
        if x < 0.84:
            a = r.randint(2, 400)
            b = a + r.randint(1, a + 10)
            return r.choice((f"between {a} and {b}", f"{a} to {b}", f"{a}-{b}", f"from {a} to {b}"))
        return r.choice(VAGUE)

    def where(self) -> str:
        r = self.r
        return r.choice(("near", "in", "around", "outside", "in fighting around", "on the outskirts of")) + " " + r.choice(FRONT) \
            if r.random() < 0.7 else f"in the {r.choice(REGIONS)} region"

    def when(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.3:
            return f"on {r.choice(WEEKDAYS)}"
        if x < 0.55:
            return f"on {r.choice(MONTHS)} {r.randint(1, 28)}"
        if x < 0.7:
            return f"in {r.choice(MONTHS)}"
        return r.choice(("last week", "over the weekend", "since the start of the year", "last month",
                         "in the first weeks of the offensive", "in 2023", "in 2022", "this month",
                         "overnight", "earlier this year"))

    def name(self) -> str:
        r = self.r
        if r.random() < 0.15:
            return f"{r.choice(FIRST)} {r.choice('ABDEGIKMNOPSVY')}. {r.choice(LAST)}"
        return f"{r.choice(FIRST)} {r.choice(LAST)}"

    def woman(self) -> str:
        r = self.r
        last = r.choice(LAST)
        if last.endswith(("ov", "ev", "in")):
            last += "a"
        return f"{r.choice(FIRST_F)} {last}"

    def official(self) -> str:
        r = self.r
        return f"{r.choice(OFFICIAL_TITLES)} {self.name()}" if r.random() < 0.7 else f"a spokesman for {r.choice(BODIES)}"

    def attrib(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.35:
            return f"according to {r.choice(BODIES + SOURCES)}"
        if x < 0.6:
            return f"{self.official()} said"
        if x < 0.8:
            return f"{r.choice(BODIES)} said in a statement"
        return r.choice(("officials said", "local media reported", "the governor said", "relatives said",
                         "two security officials said on condition of anonymity", "the channel wrote"))

    def attrib_lead(self) -> str:
        r = self.r
        return f"According to {r.choice(BODIES + SOURCES)}," if r.random() < 0.6 else f"{self.official()} said that"

    def age(self) -> str:
        return str(self.r.randint(18, 61))

    def date(self) -> str:
        return f"{self.r.choice(MONTHS)} {self.r.randint(1, 28)}"

    def ordinal(self) -> str:
        n = self.r.randint(1, 155)
        suf = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suf}"

    def fill(self, pieces: list) -> str:
        slots = self.slots
        return "".join([lit + slots[s]() if s else lit for lit, s in pieces])

    def sentence(self, kind: str | None = None) -> str:
        r = self.r
        if kind is None:
            x = r.random()
            kind = "casualty" if x < 0.35 else "named" if x < 0.47 else "denial" if x < 0.6 else "context"
        return cap(self.fill(r.choice(getattr(self, kind))))

    # --- articles ---
    def article(self, idx: int) -> tuple[str, dict]:
        """One fresh article: (text, metadata). Lines use `\\n`."""
        r = self.r
        name, short, domain, style = r.choice(OUTLETS)
        self.outlet_short = short
        title = cap(self.fill(r.choice(self.headline)))
        paras: list[str] = []
        if style in (0, 1):
            paras.append(f"Support {name}!" if style == 0 else f"Support {short}")
            if r.random() < 0.6:
                paras.append(r.choice((f"Now is the time to support independent reporting from Russia!",
                                       f"Independent reporting on the war, read by millions. Donate today",
                                       f"Help {short} keep reporting. Every contribution counts.")))
            paras.append(r.choice(("Contribute Today", "Donate", "Support us")))
        paras.append(title)
        if style != 3 and r.random() < 0.8:
            paras.append(f"By {self.name()}" if style != 2 else f"By {name} staff")
        if r.random() < 0.7:
            credit = r.choice((f"Photo: {name}", f"{self.name()} / TASS", f"Photo: VKontakte",
                               f"{self.name()} / Reuters", "Handout via " + name))
            paras.append(f"{self.fill(r.choice(self.caption))} {credit}")
        n_paras = r.randint(8, 26)
        lead = self.sentence("casualty")
        if style == 2:
            lead = f"{r.choice(CITIES).upper()}, {r.choice(MONTHS)[:3]} {r.randint(1, 28)} ({name}) \u2013 {lead}"
        paras.append(lead)
        for i in range(n_paras):
            k = r.random()
            if k < 0.07:
                paras.append(f"Read more: {cap(self.fill(r.choice(self.headline)))}")
            elif k < 0.1:
                paras.append(f"Related: {cap(self.fill(r.choice(self.headline)))}")
            else:
                paras.append(" ".join(self.sentence() for _ in range(r.choice((1, 1, 2, 2, 3)))))
        if style == 2 and r.random() < 0.6:
            paras.append(f"Reporting by {name}; Editing by {self.name()}")
        x = r.random()
        if x < 0.3:
            paras.append("Share: Telegram \u00b7 VK \u00b7 X \u00b7 Copy link")
        elif x < 0.55:
            paras.append("Share  |  Facebook  |  X  |  LinkedIn  |  Email")
        if style in (0, 1) and r.random() < 0.7:
            paras.append(f"Sign up for {name.replace('The ', '')} Weekly\n\nThe week\u2019s most important stories, in your inbox every Friday.\nEnter your email\nSubscribe")
        if style in (0, 1) and r.random() < 0.6:
            paras.append(f"A message from {short}:\n\nDear reader, {short} has been declared an \u201cundesirable organisation\u201d in Russia, "
                         f"and anyone who donates to us from inside the country risks prosecution. We rely on readers abroad. "
                         f"If you value independent journalism, please support us from as little as ${r.choice((2, 5, 10))} a month.\n\nDonate\nRemind me later")
        for _ in range(r.choice((0, 1, 1, 2))):
            paras.append(f"Read more: {cap(self.fill(r.choice(self.headline)))}")
        text = "\n\n".join(paras)
        text = text + "\n\nRead more" if style == 0 else text + "\n"
        year = r.randint(2014, 2025)
        p = r.random()
        if p < 0.8:
            published, precision = f"{year}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}", "day"
        elif p < 0.93:
            published, precision = f"{year}-{r.randint(1, 12):02d}", "month"
        elif p < 0.97:
            published, precision = str(year), "year"
        else:
            published, precision = "", ""
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80]
        url = f"https://{domain}/{year}/{idx:08d}/{slug}" if r.random() < 0.85 else ""
        meta = {"outlet": name if r.random() < 0.95 else "", "title": title if r.random() < 0.9 else "",
                "url": url, "published": published, "published_precision": precision}
        return text, meta


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def later(meta: dict, r: random.Random) -> dict:
    """The metadata of a copy: another URL and the same or a later date (the original stays kept)."""
    m = dict(meta)
    if m["url"]:
        m["url"] = m["url"] + f"?utm_source=syndication&copy={r.randint(1, 999)}"
    if m["published"] and len(m["published"]) == 10 and r.random() < 0.7:
        d = int(m["published"][8:]) + r.randint(0, 3)
        m["published"] = m["published"][:8] + f"{min(d, 28):02d}"
    return m


def near_copy(g: Gen, text: str, meta: dict) -> tuple[str, dict, str]:
    """A near duplicate: one sentence added as a paragraph, or the headline changed."""
    r = g.r
    paras = text.split("\n\n")
    m = later(meta, r)
    if r.random() < 0.6 or len(paras) < 6:
        at = r.randint(len(paras) // 3, max(len(paras) // 3, len(paras) - 2))
        paras.insert(at, g.sentence("context"))
        kind = "near_sentence_added"
    else:
        # the headline is the first paragraph that does not look like boilerplate
        for i, p in enumerate(paras):
            if not p.startswith(("Support ", "Now is", "Independent", "Help ", "Contribute", "Donate")):
                new = cap(g.fill(r.choice(g.headline)))
                paras[i] = new
                if m["title"]:
                    m["title"] = new
                break
        kind = "near_headline_changed"
    return "\n\n".join(paras), m, kind


def parse_size(s: str) -> int:
    m = re.fullmatch(r"\s*([0-9.]+)\s*([KMG]?B?)\s*", s.upper())
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {s!r} (e.g. 100MB, 1GB, 500KB)")
    mult = {"": 1, "B": 1, "K": 10**3, "KB": 10**3, "M": 10**6, "MB": 10**6, "G": 10**9, "GB": 10**9}[m.group(2)]
    return int(float(m.group(1)) * mult)


PART_BYTES = 16 * 10**6
FILES_PER_DIR = 1000
POOL = 4000  # how far back a duplicate may reach (bounded memory)


def generate(size: int, seed: int, out: str, fmt: str, dup_rate: float = 0.05, near_rate: float = 0.05) -> dict:
    g = Gen(seed)
    r = g.r
    want_txt, want_jsonl = fmt in ("txt", "both"), fmt in ("jsonl", "both")
    tmp = out + ".partial"
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)
    txt_dir, jsonl_dir = os.path.join(tmp, "txt"), os.path.join(tmp, "jsonl")
    meta_f = part_f = None
    if want_txt:
        os.makedirs(txt_dir)
        meta_f = open(os.path.join(txt_dir, "metadata.csv"), "w", encoding="utf-8", newline="")
        meta_w = csv.writer(meta_f, lineterminator="\n")
        meta_w.writerow(["file", "outlet", "title", "url", "published", "published_precision"])
    if want_jsonl:
        os.makedirs(jsonl_dir)
    part_no, part_bytes = -1, PART_BYTES
    truth = io.StringIO()
    truth.write("id,kind,of\n")
    counts = {"articles": 0, "original": 0, "exact_bytes": 0, "exact_crlf": 0,
              "near_sentence_added": 0, "near_headline_changed": 0}
    pool: list[tuple[str, str, dict]] = []  # (id, text, meta) of recent originals
    written = jsonl_written = 0
    idx = 0
    while written < size:
        doc_id = f"a{idx:08d}"
        x = r.random()
        if pool and x < dup_rate:
            of, text, meta = pool[r.randrange(len(pool))]
            meta = later(meta, r)
            if r.random() < 0.3:
                text, kind = text.replace("\n", "\r\n"), "exact_crlf"
            else:
                kind = "exact_bytes"
            truth.write(f"{doc_id},{kind},{of}\n")
        elif pool and x < dup_rate + near_rate:
            of, text, meta = pool[r.randrange(len(pool))]
            text, meta, kind = near_copy(g, text, meta)
            truth.write(f"{doc_id},{kind},{of}\n")
        else:
            text, meta = g.article(idx)
            kind = "original"
            if len(pool) < POOL:
                pool.append((doc_id, text, meta))
            else:
                pool[r.randrange(POOL)] = (doc_id, text, meta)
        counts[kind] += 1
        data = text.encode("utf-8")
        written += len(data)
        if want_txt:
            rel = f"{idx // FILES_PER_DIR:05d}/{doc_id}.txt"
            if idx % FILES_PER_DIR == 0:
                os.makedirs(os.path.join(txt_dir, f"{idx // FILES_PER_DIR:05d}"))
            with open(os.path.join(txt_dir, rel), "wb") as f:
                f.write(data)
            meta_w.writerow([rel, meta["outlet"], meta["title"], meta["url"], meta["published"], meta["published_precision"]])
        if want_jsonl:
            if part_bytes >= PART_BYTES:
                if part_f:
                    part_f.close()
                part_no += 1
                part_f = open(os.path.join(jsonl_dir, f"part-{part_no:05d}.jsonl"), "wb")
                part_bytes = 0
            md = {k: v for k, v in meta.items() if v}
            line = json.dumps({"id": doc_id, "text": text, "metadata": md}, ensure_ascii=False).encode("utf-8") + b"\n"
            part_f.write(line)
            part_bytes += len(line)
            jsonl_written += len(line)
        idx += 1
    counts["articles"] = idx
    if meta_f:
        meta_f.close()
    if part_f:
        part_f.close()
    with open(os.path.join(tmp, "truth.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(truth.getvalue())
    info = {"generator": "bench/synth.py", "seed": seed, "size": size, "format": fmt,
            "text_bytes": written, "jsonl_bytes": jsonl_written if want_jsonl else None,
            "jsonl_parts": part_no + 1 if want_jsonl else 0, "counts": counts}
    with open(os.path.join(tmp, "synth.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.rename(tmp, out)
    return info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=parse_size, required=True, help="total article text, e.g. 100MB, 1GB")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True, help="output directory (replaced)")
    ap.add_argument("--format", choices=("txt", "jsonl", "both"), default="both")
    ap.add_argument("--dup-rate", type=float, default=0.05, help="share of exact duplicates")
    ap.add_argument("--near-rate", type=float, default=0.05, help="share of near duplicates")
    a = ap.parse_args(argv)
    t = time.perf_counter()
    info = generate(a.size, a.seed, a.out, a.format, a.dup_rate, a.near_rate)
    c = info["counts"]
    print(f"synth: {c['articles']} articles ({c['exact_bytes']} exact, {c['exact_crlf']} exact CRLF, "
          f"{c['near_sentence_added'] + c['near_headline_changed']} near duplicates), "
          f"{info['text_bytes'] / 1e6:.1f} MB of text in {time.perf_counter() - t:.1f}s -> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
