"""ONS offence groups, the Home Office offence codes chosen for each, and per-group behaviour.

Codes come from the ONS Crime Severity Score weights file (code_severity column); homicide is
listed there under the combined code "1, 4.1/2/10", of which we use 1 (murder) and 4.1
(manslaughter).
"""

from __future__ import annotations

import numpy as np

# name, key, share of crime at start, yearly growth, victim-based?
GROUPS: tuple[tuple[str, str, float, float, bool], ...] = (
    ("Homicide", "homicide", 0.00012, 0.00, True),
    ("Death or serious injury caused by unlawful driving", "death_serious_injury_driving",
     0.0003, 0.02, True),
    ("Violence with injury", "violence_with_injury", 0.130, 0.020, True),
    ("Violence without injury", "violence_without_injury", 0.135, 0.040, True),
    ("Stalking and harassment", "stalking_harassment", 0.056, 0.040, True),
    ("Rape", "rape", 0.014, 0.040, True),
    ("Other sexual offences", "other_sexual_offences", 0.020, 0.035, True),
    ("Robbery of business property", "robbery_business", 0.0012, 0.00, True),
    ("Robbery of personal property", "robbery_personal", 0.0085, 0.01, True),
    ("Residential burglary", "residential_burglary", 0.052, -0.025, True),
    ("Non-residential burglary", "non_residential_burglary", 0.019, -0.020, True),
    ("Vehicle offences", "vehicle_offences", 0.066, 0.005, True),
    ("Theft from the person", "theft_from_person", 0.008, 0.02, True),
    ("Bicycle theft", "bicycle_theft", 0.011, -0.02, True),
    ("Shoplifting", "shoplifting", 0.047, 0.055, True),
    ("All other theft offences", "other_theft", 0.096, 0.008, True),
    ("Criminal damage and arson", "criminal_damage_arson", 0.105, 0.000, True),
    ("Drug trafficking", "drug_trafficking", 0.006, 0.03, False),
    ("Possession of drugs", "possession_of_drugs", 0.032, 0.00, False),
    ("Possession of weapons offences", "possession_of_weapons", 0.009, 0.04, False),
    ("Public order offences", "public_order", 0.076, 0.030, False),
    ("Miscellaneous crimes against society", "misc_crimes_against_society", 0.020, 0.02, False),
)

GROUP_NAMES: tuple[str, ...] = tuple(g[0] for g in GROUPS)
GROUP_KEYS: tuple[str, ...] = tuple(g[1] for g in GROUPS)
GROUP_INDEX: dict[str, int] = {k: i for i, k in enumerate(GROUP_KEYS)}
SHARE = np.array([g[2] for g in GROUPS])
SHARE = SHARE / SHARE.sum()
GROWTH = np.array([g[3] for g in GROUPS])
VICTIM_BASED = np.array([g[4] for g in GROUPS])

# Home Office offence codes per group with relative frequencies.
OFFENCE_CODES: dict[str, tuple[tuple[str, float], ...]] = {
    "homicide": (("1", 0.8), ("4.1", 0.2)),
    "death_serious_injury_driving": (
        ("4.4", 0.45), ("4.8", 0.3), ("4.6", 0.1), ("4.9", 0.1), ("37.1", 0.05),
    ),
    "violence_with_injury": (
        ("8N", 0.8), ("5D", 0.08), ("8S", 0.04), ("8P", 0.02), ("5E", 0.045), ("2", 0.005),
    ),
    "violence_without_injury": (
        ("105A", 0.85), ("104", 0.06), ("105B", 0.02), ("3B", 0.03), ("11A", 0.02), ("36", 0.005),
        ("13", 0.002), ("106", 0.003),
    ),
    "stalking_harassment": (("8L", 0.45), ("8R", 0.35), ("8Q", 0.15), ("8M", 0.04)),
    "rape": (
        ("19C", 0.6), ("19D", 0.12), ("19E", 0.08), ("19F", 0.06), ("19G", 0.04), ("19H", 0.04),
        ("19J", 0.04), ("19K", 0.02),
    ),
    "other_sexual_offences": (
        ("20A", 0.35), ("20B", 0.08), ("17A", 0.05), ("17B", 0.04), ("22B", 0.08), ("21", 0.04),
        ("88E", 0.15), ("88A", 0.04), ("71", 0.03), ("23", 0.02), ("70", 0.01), ("72", 0.01),
        ("73", 0.02), ("88C", 0.05), ("22A", 0.02), ("88D", 0.01),
    ),
    "robbery_business": (("34A", 1.0),),
    "robbery_personal": (("34B", 1.0),),
    "residential_burglary": (
        ("28E", 0.8), ("28F", 0.12), ("28G", 0.04), ("28H", 0.02), ("29A", 0.02),
    ),
    "non_residential_burglary": (("30C", 0.8), ("30D", 0.17), ("31A", 0.03)),
    "vehicle_offences": (("45", 0.55), ("48", 0.25), ("126", 0.15), ("37.2", 0.05)),
    "theft_from_person": (("39", 1.0),),
    "bicycle_theft": (("44", 1.0),),
    "shoplifting": (("46", 1.0),),
    "other_theft": (
        ("49", 0.65), ("49A", 0.12), ("40", 0.08), ("41", 0.03), ("47", 0.02), ("42", 0.01),
        ("43", 0.04), ("35", 0.05),
    ),
    "criminal_damage_arson": (
        ("58A", 0.3), ("58B", 0.12), ("58C", 0.28), ("58D", 0.2), ("58J", 0.03), ("56A", 0.01),
        ("56B", 0.06),
    ),
    "drug_trafficking": (("92A", 0.85), ("92C", 0.15)),
    "possession_of_drugs": (("92E", 0.75), ("92D", 0.25)),
    "possession_of_weapons": (
        ("10D", 0.5), ("10C", 0.3), ("10B", 0.08), ("10A", 0.02), ("81", 0.06), ("90", 0.04),
    ),
    "public_order": (("9A", 0.86), ("9B", 0.05), ("62A", 0.02), ("66", 0.06)),
    "misc_crimes_against_society": (
        ("83", 0.25), ("33", 0.08), ("54", 0.1), ("802", 0.1), ("99", 0.08), ("59", 0.12),
        ("95", 0.06), ("61A", 0.05), ("814", 0.03), ("38", 0.03), ("96", 0.02), ("86", 0.03),
        ("79", 0.02), ("27", 0.005), ("80", 0.005), ("69", 0.01), ("61", 0.005), ("67", 0.005),
    ),
}

# Flat list of codes; CODE_GROUP[i] is the group of ALL_CODES[i].
ALL_CODES: tuple[str, ...] = tuple(c for k in GROUP_KEYS for c, _ in OFFENCE_CODES[k])
CODE_GROUP = np.array([GROUP_INDEX[k] for k in GROUP_KEYS for _ in OFFENCE_CODES[k]])
CODE_WEIGHT = np.array([w for k in GROUP_KEYS for _, w in OFFENCE_CODES[k]])
HATE_CODES = frozenset({"8P", "105B", "8M", "58J", "9B"})
IS_HATE_CODE = np.array([c in HATE_CODES for c in ALL_CODES])


def _per_group(values: dict[str, float], default: float = 0.0) -> np.ndarray:
    return np.array([values.get(k, default) for k in GROUP_KEYS])


# Probability a crime of the group is domestic abuse.
P_DOMESTIC = _per_group({
    "homicide": 0.30, "violence_with_injury": 0.26, "violence_without_injury": 0.20,
    "stalking_harassment": 0.23, "rape": 0.30, "other_sexual_offences": 0.10,
    "criminal_damage_arson": 0.07, "other_theft": 0.02, "residential_burglary": 0.02,
})
# Share of the group's crime that belongs to the night-time economy (Fri/Sat nights).
P_NTE = _per_group({
    "violence_with_injury": 0.17, "violence_without_injury": 0.07, "public_order": 0.12,
    "criminal_damage_arson": 0.03, "other_sexual_offences": 0.05, "rape": 0.03,
    "theft_from_person": 0.10, "possession_of_drugs": 0.10, "possession_of_weapons": 0.05,
    "robbery_personal": 0.10,
})
# Probability the victim is a business (1 = always).
P_BUSINESS = _per_group({
    "shoplifting": 1.0, "non_residential_burglary": 1.0, "robbery_business": 1.0,
    "other_theft": 0.03, "criminal_damage_arson": 0.03, "vehicle_offences": 0.02,
})
# Probability of a hate flag for codes that are not racially or religiously aggravated.
P_HATE_OTHER = _per_group({
    "violence_with_injury": 0.004, "violence_without_injury": 0.008, "stalking_harassment": 0.006,
    "public_order": 0.01, "criminal_damage_arson": 0.002, "other_sexual_offences": 0.004,
})
# Probability a suspect is identified (offender recorded).
P_SUSPECT = _per_group({
    "homicide": 0.88, "death_serious_injury_driving": 0.84, "violence_with_injury": 0.58,
    "violence_without_injury": 0.45, "stalking_harassment": 0.58, "rape": 0.51,
    "other_sexual_offences": 0.42, "robbery_business": 0.33, "robbery_personal": 0.23,
    "residential_burglary": 0.09, "non_residential_burglary": 0.07, "vehicle_offences": 0.05,
    "theft_from_person": 0.07, "bicycle_theft": 0.05, "shoplifting": 0.43, "other_theft": 0.13,
    "criminal_damage_arson": 0.17, "drug_trafficking": 0.90, "possession_of_drugs": 0.91,
    "possession_of_weapons": 0.88, "public_order": 0.42, "misc_crimes_against_society": 0.70,
})
P_SUSPECT_DOMESTIC = 0.80
# Probability a crime with an identified suspect ends solved (positive outcome).
P_SOLVED_GIVEN_SUSPECT = _per_group({
    "homicide": 0.90, "death_serious_injury_driving": 0.80, "violence_with_injury": 0.54,
    "violence_without_injury": 0.45, "stalking_harassment": 0.27, "rape": 0.13,
    "other_sexual_offences": 0.27, "robbery_business": 0.59, "robbery_personal": 0.59,
    "residential_burglary": 0.54, "non_residential_burglary": 0.54, "vehicle_offences": 0.59,
    "theft_from_person": 0.48, "bicycle_theft": 0.48, "shoplifting": 0.71, "other_theft": 0.45,
    "criminal_damage_arson": 0.54, "drug_trafficking": 0.86, "possession_of_drugs": 0.90,
    "possession_of_weapons": 0.83, "public_order": 0.54, "misc_crimes_against_society": 0.66,
})
P_SOLVED_DOMESTIC = 0.35
