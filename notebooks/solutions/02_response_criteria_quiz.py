# Day 56 of checks.quiz_measurements():
# RECIST 1.1: 38 + 21 = 59 mm vs 60 at baseline (-1.7 %): SD; the 8 mm nodule is equivocal, so not PD (yet).
# mRECIST:    viable 10 + 21 = 31 mm vs 60 (-48 %): PR.
# WHO:        38x30 + 21x16 = 1476 mm2 vs 1520 (-3 %), no lesion +25 %: SD.
# EASL:       viable 10x8 + 21x16 = 416 mm2 vs 1520 (-73 %): PR.
answers = {"RECIST 1.1": "SD", "mRECIST": "PR", "WHO": "SD", "EASL": "PR"}

from hcckit import checks  # noqa: E402

checks.classification_quiz(answers)
