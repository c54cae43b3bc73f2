"""The vocabulary of the procedures: pathways, decisions, record sections, clocks.

Plain ``StrEnum``s, like :mod:`convene.people.vocab`, so the pure engine, the
policy packs, the record and follow-through apps and the clocks all share one
list of values. Packs are validated against these values: a misspelt section
or clock in a TOML file is an error at load time, never a silent no-op.
"""

from __future__ import annotations

from enum import StrEnum


class Pathway(StrEnum):
    """What the front door should convene (R001.3, R003.1, R004.4, R004.6, R000.2)."""

    STRATEGY_DISCUSSION = "strategy_discussion"
    STRATEGY_MEETING = "strategy_meeting"
    # Missing episodes go to the missing-children trigger meeting (R004.6).
    TRIGGER_MEETING = "trigger_meeting"
    # A child in care whose risk is ongoing but with no new significant-harm
    # concern: decide whether a High Risk Planning Meeting is needed (R000.2c).
    HRPM_CONSIDERATION = "hrpm_consideration"
    NO_STRATEGY_DISCUSSION = "no_strategy_discussion"

    @property
    def convenes_strategy_discussion(self) -> bool:
        return self in {Pathway.STRATEGY_DISCUSSION, Pathway.STRATEGY_MEETING}


class Decision(StrEnum):
    """The outcome of a strategy discussion (R002.5, R002.13, R003.2)."""

    S47_SINGLE_AGENCY = "s47_single_agency"
    S47_JOINT = "s47_joint"
    SINGLE_ASSESSMENT = "single_assessment"
    CHILD_IN_NEED = "child_in_need"
    NO_FURTHER_ACTION = "no_further_action"

    @property
    def starts_s47(self) -> bool:
        return self in {Decision.S47_SINGLE_AGENCY, Decision.S47_JOINT}


class RecordSection(StrEnum):
    """Sections of the strategy discussion record, in agenda order.

    The agenda of seed 001 (R001.11-R001.14) and the record of seeds 002 and
    003 (R002.5-R002.7, R002.11, R003.3-R003.7). Record rules in the packs say
    which of them a decision needs before it can be authorised.
    """

    # Introduction (R001.11)
    ATTENDANCE = "attendance"  # who attended, apologies
    INTRODUCTION = "introduction"  # reason for convening, background (R002.7)
    # Information sharing (R001.12, R002.11)
    INFORMATION_SHARED = "information_shared"
    RISK_ASSESSMENT = "risk_assessment"  # R001.10
    ANALYSIS = "analysis"  # R003.3
    PROFESSIONAL_VIEWS = "professional_views"  # the key question to each professional, R003.6
    # Decision making (R001.13, R002.5, R002.11)
    DECISION = "decision"
    DECISION_REASONS = "decision_reasons"
    S47_PLAN = "s47_plan"  # the plan and the areas of risk to assess, R002.6
    CRIMINAL_INVESTIGATION = "criminal_investigation"
    ABE_INTERVIEW = "abe_interview"  # R003.7
    MEDICAL_ASSESSMENT = "medical_assessment"
    IMMEDIATE_PROTECTION = "immediate_protection"  # incl. interim services
    SAFE_DISCHARGE = "safe_discharge"  # child in hospital, R001.13
    CHILD_SEEN_ALONE = "child_seen_alone"  # and how wishes and feelings are gathered
    DIVERSITY_INTERPRETER = "diversity_interpreter"
    OTHER_CHILDREN = "other_children"
    FAMILY_COMMUNICATION = "family_communication"  # R001.13, R002.5, R003.5
    LADO_LEGAL = "lado_legal"
    ACTIONS = "actions"  # who does what, by when, for what purpose
    # Close (R001.14, R002.13)
    RECONVENE_DATE = "reconvene_date"  # next discussion, or that none is planned
    RECORD_DISTRIBUTION = "record_distribution"
    ICPC_ARRANGEMENTS = "icpc_arrangements"  # confirmed with the Head of Service
    HRPM_CONSIDERATION = "hrpm_consideration"  # child in care


class ClockKind(StrEnum):
    """Every timescale the procedures set; one clock row per started timescale."""

    CONVENE = "convene"  # the discussion/meeting is held by (R004.1-R004.3)
    # A manager decides the pathway of a concern by (R002.2): every concern is on a
    # clock from receipt; the urgent ones on their convene clock instead.
    TRIAGE = "triage"
    RECORD_DISTRIBUTED = "record_distributed"  # R002.8
    OUTCOME_NOTIFIED = "outcome_notified"  # referrer and absent agencies told, R002.9
    S47_VISIT = "s47_visit"  # R003.8
    ICPC = "icpc"  # R001.14, R002.12
    RECONVENE = "reconvene"  # at the end of a single assessment, R002.13
    HRPM = "hrpm"  # monthly, R000.3
    ACTION_DUE = "action_due"  # each agreed action's own due date
    # Each invited agency's check, due a lead time before the meeting starts (R001.7).
    AGENCY_CHECK = "agency_check"


class StartEvent(StrEnum):
    """Events that start a clock; the services pass the moment each happened."""

    REFERRAL_RECEIVED = "referral_received"  # always known: facts.received_at
    DISCUSSION_REQUESTED = "discussion_requested"
    DISCUSSION_HELD = "discussion_held"
    RECORD_AUTHORISED = "record_authorised"
    # The discussion at which S47 enquiries were decided (R002.12, R003.8).
    S47_DECIDED = "s47_decided"
    # Dates chosen in the record: the clock runs to the end of that day.
    RECONVENE_DATE = "reconvene_date"
    ACTION_DUE_DATE = "action_due_date"
    HRPM_HELD = "hrpm_held"


class Party(StrEnum):
    """People named by their relation to the case rather than by a role."""

    REFERRING_AGENCY = "referring_agency"
    CHILD_SETTING = "child_setting"  # school, nursery, children's centre
    INVOLVED_PROFESSIONALS = "involved_professionals"
    PARENTS_CARERS = "parents_carers"
    FAMILY_MEMBERS = "family_members"
    INVITED_AGENCIES = "invited_agencies"  # escalation: partners told social care is late
    ACTION_OWNER_AGENCY = "action_owner_agency"  # escalation: the lead of the late agency


class Requirement(StrEnum):
    """How strongly an attendance rule asks for someone."""

    MANDATORY = "mandatory"
    ADVISORY = "advisory"  # "where possible"
    EXCLUDED = "excluded"  # never invited (R002.10, R003.5)


class Basis(StrEnum):
    """Where the number in a timescale comes from."""

    STATED = "stated"  # the source states it
    INTERPRETED = "interpreted"  # the source states it ambiguously; the pack says how it reads it
    DEFAULT = "default"  # the source sets no number; a default chosen locally or by Convene
