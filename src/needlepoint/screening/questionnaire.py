"""The intake questionnaire: plain-language wording for every question id of the screening contract.

Versioned: a stored screening keeps the version it was answered with. Rewording bumps the minor
version; adding, removing or changing what a question means bumps the major version. Follow-up
questions carry ``show_if`` (the gate question and the answer that reveals them); a list question
has a yes/no gate and at most a few (region, side) rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

VERSION = "1.0"

Kind = Literal["yes_no", "choice", "age", "areas", "regions", "multi"]


@dataclass(frozen=True)
class Question:
    id: str  # the contract's question id
    kind: Kind
    text: str  # asked of the patient
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    show_if: tuple[str, object] | None = None  # (question id, value) that reveals this question
    gate: str = ""  # for list questions: the yes/no question that opens the list
    staff_text: str = ""  # shorter wording for the clinic's form


@dataclass(frozen=True)
class Section:
    title: str
    questions: tuple[Question, ...] = field(default_factory=tuple)


# Common areas for lymphoedema and lymph-node removal: a whole limb, or the chest wall.
AREA_CHOICES: tuple[tuple[str, str], ...] = (
    ("group:limb.upper:left", "Left arm"),
    ("group:limb.upper:right", "Right arm"),
    ("group:limb.lower:left", "Left leg"),
    ("group:limb.lower:right", "Right leg"),
    ("group:thorax:left", "Left side of the chest, breast or armpit"),
    ("group:thorax:right", "Right side of the chest, breast or armpit"),
    ("group:neck:", "Neck"),
    ("group:lumbopelvic:", "Groin, pelvis or lower back"),
    ("group:abdomen:", "Abdomen"),
)
LIST_ROWS = 3  # region rows offered for infection, implants and recent surgery

SECTIONS: tuple[Section, ...] = (
    Section(
        "About you",
        (
            Question("age_years", "age", "How old are you?", staff_text="Age (years)"),
            Question(
                "guardian_consent",
                "yes_no",
                "Because you are under 18, a parent or guardian has to agree. Does your parent or guardian agree to dry needling?",
                show_if=("age_years", "<18"),
                staff_text="Parent or guardian consents",
            ),
            Question("pregnant", "yes_no", "Are you pregnant, or could you be?", staff_text="Pregnant"),
            Question(
                "pregnancy_trimester",
                "choice",
                "How far along is your pregnancy?",
                choices=(("1", "First 3 months"), ("2", "Months 4 to 6"), ("3", "Month 7 onwards")),
                show_if=("pregnant", True),
                staff_text="Trimester",
            ),
        ),
    ),
    Section(
        "How you feel about needling",
        (
            Question(
                "needle_phobia",
                "choice",
                "How do you feel about needles?",
                choices=(
                    ("none", "They do not bother me"),
                    ("mild", "I am a bit nervous"),
                    ("severe", "I am very afraid of needles (I avoid them or faint)"),
                ),
                staff_text="Fear of needles",
            ),
            Question(
                "willing",
                "yes_no",
                "Now that dry needling has been explained to you, would you like to have it?",
                help="It is always your choice, and you can change your mind at any time.",
                staff_text="Wants dry needling after explanation",
            ),
            Question(
                "able_to_consent",
                "yes_no",
                "Do you feel you understand what the treatment involves, well enough to decide for yourself?",
                help="If you need an interpreter or someone to help you decide, answer No and we will arrange it.",
                staff_text="Able to understand and give informed consent",
            ),
            Question(
                "prior_adverse_reaction",
                "yes_no",
                "Have you ever reacted badly to needling, acupuncture or an injection (for example fainting or a severe reaction)?",
                staff_text="Previous abnormal reaction to needling or injection",
            ),
        ),
    ),
    Section(
        "Your health today",
        (
            Question(
                "acute_illness",
                "yes_no",
                "Are you unwell today, for example with a fever, the flu or another sudden illness?",
                staff_text="Acute illness or fever today",
            ),
            Question(
                "anticoagulants",
                "yes_no",
                "Do you take medicine that thins the blood or stops clotting (such as warfarin, apixaban, rivaroxaban, clopidogrel or daily aspirin)?",
                staff_text="Anticoagulant or antiplatelet medicine",
            ),
            Question(
                "bleeding_disorder",
                "yes_no",
                "Do you have a bleeding or clotting condition, such as haemophilia or a low platelet count?",
                staff_text="Bleeding or clotting disorder",
            ),
            Question(
                "immunocompromised",
                "yes_no",
                "Is your immune system weakened, for example by chemotherapy, HIV, or medicines that suppress immunity?",
                staff_text="Immunocompromised",
            ),
            Question(
                "diabetes",
                "choice",
                "Do you have diabetes?",
                choices=(
                    ("none", "No"),
                    ("controlled", "Yes, and it is well controlled"),
                    ("uncontrolled", "Yes, and my blood sugar is often high or hard to control"),
                ),
                staff_text="Diabetes",
            ),
            Question(
                "vascular_disease",
                "yes_no",
                "Do you have problems with your circulation, such as peripheral vascular disease or varicose veins?",
                staff_text="Vascular disease",
            ),
            Question(
                "heart_valve_disease",
                "yes_no",
                "Do you have heart valve disease or an artificial valve, or have you had an infection of the heart (endocarditis)?",
                staff_text="Heart valve disease, replacement or endocarditis",
            ),
            Question(
                "epilepsy",
                "choice",
                "Do you have epilepsy or seizures?",
                choices=(
                    ("none", "No"),
                    ("controlled", "Yes, well controlled"),
                    ("uncontrolled", "Yes, and I still have seizures"),
                ),
                staff_text="Epilepsy",
            ),
            Question(
                "frail",
                "yes_no",
                "Are you frail, or very thin or underweight?",
                staff_text="Frail or very low body weight",
            ),
        ),
    ),
    Section(
        "Devices, metal and allergies",
        (
            Question(
                "pacemaker_or_icd",
                "yes_no",
                "Do you have a pacemaker or an implanted defibrillator?",
                staff_text="Pacemaker or implanted defibrillator",
            ),
            Question(
                "metal_implant",
                "regions",
                "Where is the metal implant?",
                help="For example a joint replacement, plate, screws or rods.",
                gate="Do you have any metal implant in your body?",
                staff_text="Metal implants",
            ),
            Question(
                "metal_allergy",
                "yes_no",
                "Are you allergic to nickel or chromium (for example jewellery rashes)?",
                staff_text="Nickel or chromium allergy",
            ),
        ),
    ),
    Section(
        "Lymph nodes, skin and recent operations",
        (
            Question(
                "lymphoedema",
                "areas",
                "Which areas have lymphoedema?",
                gate="Do you have lymphoedema (long-lasting swelling from a lymph problem)?",
                staff_text="Lymphoedema",
            ),
            Question(
                "lymph_node_removal",
                "areas",
                "Which areas did the removed lymph nodes drain?",
                help="For example, nodes removed from the left armpit drain the left arm and chest.",
                gate="Have you had lymph nodes removed, for example during cancer treatment?",
                staff_text="Lymph node removal",
            ),
            Question(
                "local_infection",
                "regions",
                "Where is the infected or inflamed skin?",
                gate="Do you have an infection, wound, rash or inflamed skin anywhere right now?",
                staff_text="Local infection or inflammation",
            ),
            Question(
                "recent_surgery",
                "regions",
                "Where was the operation?",
                gate="Have you had an operation in the last 3 months?",
                staff_text="Surgery in the last 3 months",
            ),
        ),
    ),
    Section(
        "Lungs and chest",
        (
            Question(
                "chest_surgery",
                "yes_no",
                "Have you ever had surgery on your chest or lungs?",
                staff_text="Prior chest or lung surgery",
            ),
            Question(
                "lung_disease",
                "multi",
                "Which of these have you had?",
                choices=(
                    ("emphysema", "Emphysema"),
                    ("copd", "COPD"),
                    ("chronic_bronchitis", "Chronic bronchitis"),
                    ("lung_cancer", "Lung cancer"),
                    ("tuberculosis", "Tuberculosis (TB)"),
                    ("pneumonia", "Pneumonia"),
                ),
                gate="Have you ever had a lung disease?",
                staff_text="Lung disease",
            ),
        ),
    ),
)

QUESTIONS: dict[str, Question] = {q.id: q for section in SECTIONS for q in section.questions}
