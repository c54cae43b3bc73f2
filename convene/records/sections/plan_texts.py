"""The plan's parts that are one block of text each (R001.13, R002.6)."""

from __future__ import annotations

from convene.policy.vocab import RecordSection
from convene.records.sections._base import Group
from convene.records.sections._text_parts import one_text_part

CRIMINAL_INVESTIGATION = one_text_part(
    RecordSection.CRIMINAL_INVESTIGATION,
    title="Criminal investigation",
    group=Group.PLAN,
    hint="The conduct and timing of any criminal investigation",
    question="Conduct and timing of any criminal investigation",
    internal=True,
)

ABE_INTERVIEW = one_text_part(
    RecordSection.ABE_INTERVIEW,
    title="Achieving Best Evidence interview",
    group=Group.PLAN,
    hint="Whether and when an Achieving Best Evidence interview takes place",
    question="Achieving Best Evidence interview: whether, who and when",
    internal=True,
    conditional=True,
)

MEDICAL_ASSESSMENT = one_text_part(
    RecordSection.MEDICAL_ASSESSMENT,
    title="Medical assessment",
    group=Group.PLAN,
    hint="Any paediatric safeguarding medical: who, where, when",
    question="Paediatric safeguarding medical: whether, who, where and when",
)

SAFE_DISCHARGE = one_text_part(
    RecordSection.SAFE_DISCHARGE,
    title="Safe discharge from hospital",
    group=Group.PLAN,
    hint="For a child in hospital: how their safe discharge is secured",
    question="How the child's safe discharge is secured",
    conditional=True,
)

OTHER_CHILDREN = one_text_part(
    RecordSection.OTHER_CHILDREN,
    title="Other children affected",
    group=Group.PLAN,
    hint="Siblings, children in the household, children in contact with the alleged abuser ",
    question="Other children who may be affected",
    q_hint="Siblings, children in the household, children in contact with the alleged abuser",
)
