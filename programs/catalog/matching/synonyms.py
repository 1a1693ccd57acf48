"""The matcher's vocabulary, as data: what fuzzy scores cannot know.

Keys are written as `normalise` sees them: lower case, no accents, no punctuation.
"""

from __future__ import annotations

ABBREVIATIONS = {
    "db": "dumbbell",
    "dbs": "dumbbell",
    "bb": "barbell",
    "kb": "kettlebell",
    "kbs": "kettlebell",
    "bw": "bodyweight",
    "ohp": "overhead press",
    "rdl": "romanian deadlift",
    "sldl": "stiff leg deadlift",
    "sdl": "stiff leg deadlift",
    "ghr": "glute ham raise",
    "dl": "deadlift",
    "sa": "single arm",
    "sl": "single leg",
    "ez": "ez",
    "w": "with",
    "mb": "medicine ball",
    "med": "medicine",
    "bss": "bulgarian split squat",
    "hpc": "hang power clean",
    "hk": "half kneeling",
    "cgbp": "close grip bench press",
    "trx": "suspension trainer",
    "pullup": "pull up",
    "chinup": "chin up",
    "pushup": "push up",
    "situp": "sit up",
    "stepup": "step up",
    "deadbug": "dead bug",
    "1": "one",
    "2": "two",
    "3": "three",
}

# Words that say nothing about which exercise it is.
FILLERS = frozenset(["with", "the", "of", "a", "exercise", "movement", "de", "con", "mit"])

# Other languages' gym words, where they are common in the notes coaches paste.
FOREIGN_PHRASES = {
    # German
    "rumanisches kreuzheben": "romanian deadlift",
    "kreuzheben": "deadlift",
    "frontkniebeuge": "front squat",
    "kniebeugen": "squat",
    "kniebeuge": "squat",
    "schragbankdrucken": "incline bench press",
    "bankdrucken": "bench press",
    "schulterdrucken": "overhead press",
    "langhantelrudern": "barbell row",
    "rudern": "row",
    "klimmzuge": "pull up",
    "klimmzug": "pull up",
    "liegestutze": "push up",
    "liegestutz": "push up",
    "ausfallschritte": "lunge",
    "ausfallschritt": "lunge",
    "huftheben": "hip thrust",
    "wadenheben": "calf raise",
    "seitheben": "lateral raise",
    "unterarmstutz": "plank",
    # Spanish
    "peso muerto rumano": "romanian deadlift",
    "peso muerto": "deadlift",
    "press de banca inclinado": "incline bench press",
    "press de banca": "bench press",
    "press banca": "bench press",
    "press militar": "overhead press",
    "sentadilla frontal": "front squat",
    "sentadilla bulgara": "bulgarian split squat",
    "sentadillas": "squat",
    "sentadilla": "squat",
    "dominadas": "pull up",
    "dominada": "pull up",
    "flexiones": "push up",
    "zancadas": "lunge",
    "zancada": "lunge",
    "remo con barra": "barbell row",
    "fondos": "dip",
    "plancha lateral": "side plank",
    "plancha": "plank",
    "empuje de cadera": "hip thrust",
    # French
    "developpe couche": "bench press",
    "developpe incline": "incline bench press",
    "developpe militaire": "overhead press",
    "souleve de terre roumain": "romanian deadlift",
    "souleve de terre": "deadlift",
    "tractions": "pull up",
    "traction": "pull up",
    "pompes": "push up",
    "fentes": "lunge",
    "fente": "lunge",
    "rowing barre": "barbell row",
    "gainage lateral": "side plank",
    "gainage": "plank",
    "squat avant": "front squat",
    # Italian
    "panca piana": "bench press",
    "panca inclinata": "incline bench press",
    "stacco da terra": "deadlift",
    "stacco rumeno": "romanian deadlift",
    "trazioni": "pull up",
    "piegamenti": "push up",
    "affondi": "lunge",
    "rematore": "row",
    # Portuguese
    "supino reto": "bench press",
    "supino inclinado": "incline bench press",
    "agachamento": "squat",
    "levantamento terra": "deadlift",
    "barra fixa": "pull up",
    "remada curvada": "barbell row",
    "flexao": "push up",
    "afundo": "lunge",
    "prancha": "plank",
}
FOREIGN_WORDS = {
    "mancuerna": "dumbbell",
    "mancuernas": "dumbbell",
    "kurzhantel": "dumbbell",
    "kurzhanteln": "dumbbell",
    "langhantel": "barbell",
    "halteres": "dumbbell",
    "haltere": "dumbbell",
    "manubri": "dumbbell",
    "kettlebells": "kettlebell",
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that make a different exercise, not a different spelling. A name that differs from a
# candidate in one of these (one has it, the other lacks or contradicts it) is never mapped
# automatically, however alike the two are as text: "Incline" vs "Decline" Bench Press are 90 %
# alike, "Kettlebell Windmill" and "Kettlebell Swing" 80 %.
MODIFIERS = _words(
    # limbs, sides and counts
    "single double one two three alternating arm leg hand foot side"
    # implements
    " dumbbell barbell kettlebell cable machine band bodyweight weight trap hex landmine smith"
    " sandbag sled ball medicine suspension ring box bench bar rope plate ez"
    # angle, stance, grip, position
    " incline decline flat front back sumo conventional close wide narrow seated standing"
    " kneeling half lateral reverse overhead split goblet romanian stiff high low hang power"
    " push pull prone supine neutral underhand overhand elevated deficit pause tempo"
    " eccentric iso isometric hold jump bulgarian walking static rear"
    " hand release assisted negative weighted banded zercher pendlay"
)
MOVEMENTS = _words(
    "squat press row curl swing windmill plank raise deadlift lunge jump hop bound clean snatch"
    " jerk thrust bridge carry walk crawl fly pulldown pullover pushdown extension dip up shrug"
    " rollout twist chop throw slam pass sprint run drag crunch hinge rotation stretch skip"
    " thruster good morning step kickback flye"
)
DISCRIMINATING = MODIFIERS | MOVEMENTS

# Equipment that goes by several names. Values are the seed catalog's names.
EQUIPMENT_SYNONYMS = {
    "power rack": "squat rack",
    "power cage": "squat rack",
    "rack": "squat rack",
    "squat stand": "squat rack",
    "squat cage": "squat rack",
    "flat bench": "bench",
    "adjustable bench": "bench",
    "weight bench": "bench",
    "incline bench": "bench",
    "flat incline bench": "bench",
    "olympic barbell": "barbell",
    "olympic bar": "barbell",
    "bar": "barbell",
    "dumbbell": "dumbbells",
    "hex bar": "trap bar",
    "band": "resistance bands",
    "resistance band": "resistance bands",
    "mini band": "resistance bands",
    "loop band": "resistance bands",
    "chin up bar": "pull up bar",
    "pull up station": "pull up bar",
    "box": "plyo box",
    "jump box": "plyo box",
    "plyometric box": "plyo box",
    "medicine ball": "medicine ball",
    "wall ball": "medicine ball",
    "cable": "cable machine",
    "cable station": "cable machine",
    "cable tower": "cable machine",
    "functional trainer": "cable machine",
    "pulley": "cable machine",
    "prowler": "sled",
    "rower": "rowing machine",
    "erg": "rowing machine",
    "concept2 rower": "rowing machine",
    "assault bike": "air bike",
    "echo bike": "air bike",
    "fan bike": "air bike",
    "skipping rope": "jump rope",
    "speed rope": "jump rope",
    "suspension trainer": "suspension trainer",
    "swiss ball": "stability ball",
    "exercise ball": "stability ball",
    "physio ball": "stability ball",
    "gym ball": "stability ball",
    "glute ham developer": "ghd",
    "glute ham raise": "ghd",
    "dip bar": "dip station",
    "parallel bar": "dip station",
    "ab roller": "ab wheel",
    "mini hurdle": "hurdles",
    "hurdle": "hurdles",
    "cone": "cones",
    "speed ladder": "agility ladder",
    "ladder": "agility ladder",
    "roller": "foam roller",
}

# The exercise most people mean by a bare word: offered first, never mapped on its own.
CANONICAL_DEFAULTS = {
    "squat": "back squat",
    "bench": "bench press",
    "press": "overhead press",
    "shoulder press": "overhead press",
    "row": "barbell row",
    "curl": "dumbbell curl",
    "bicep curl": "dumbbell curl",
    "lunge": "forward lunge",
    "thrust": "hip thrust",
    "carry": "farmer carry",
    "swing": "kettlebell swing",
    "snatch": "power snatch",
    "jerk": "push jerk",
    "pulldown": "lat pulldown",
    "calf raise": "standing calf raise",
    "pushdown": "triceps pushdown",
    "rowing": "ergometer row",
}

# Equipment that loads a lift: an exercise done with none of it is a bodyweight exercise.
# Normalised (singular) names.
LOADING_EQUIPMENT = frozenset(
    [
        "barbell",
        "dumbbell",
        "kettlebell",
        "resistance band",
        "medicine ball",
        "cable machine",
        "trap bar",
        "landmine",
        "sled",
        "sandbag",
    ]
)
