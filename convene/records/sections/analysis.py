"""Analysis (R003.3): the analysis questions."""

from __future__ import annotations

from convene.policy.vocab import RecordSection
from convene.records.sections._base import Content, Group, text_field
from convene.records.sections._text_parts import Question, text_part


class AnalysisContent(Content):
    """R003.3: the analysis questions."""

    harm_attributable: str = text_field()
    likely_to_continue: str = text_field()
    protective_factors: str = text_field()
    other_interventions: str = text_field()
    views_child: str = text_field()
    views_parents: str = text_field()
    views_agencies: str = text_field()
    history: str = text_field()
    not_for_family: bool = False


PART = text_part(
    RecordSection.ANALYSIS,
    title="Analysis",
    group=Group.INFORMATION,
    hint="Harm attributable to carers, likelihood of continuing, protective factors, other "
    "interventions, views, history",
    schema=AnalysisContent,
    questions=(
        Question(
            "harm_attributable",
            "Is the harm attributable to the parents or carers?",
            "Is the harm attributable to parents or carers?",
            required=True,
        ),
        Question(
            "likely_to_continue",
            "What is the evidence that the harm is likely to continue?",
            "Evidence the harm is likely to continue",
            hint="Describe the harm; consider persistence and severity",
            required=True,
        ),
        Question(
            "protective_factors",
            "What protective factors are in place, or could be used?",
            "Protective factors",
            required=True,
        ),
        Question(
            "other_interventions",
            "What other interventions could be effective?",
            "Other interventions that could be effective",
        ),
        Question("views_child", "The child's views", "Views of the child", required=True),
        Question("views_parents", "The views of parents and carers", "Views of parents and carers"),
        Question("views_agencies", "The views of partner agencies", "Views of partner agencies"),
        Question(
            "history",
            "What do the history and family context tell us?",
            "History and family context",
            required=True,
        ),
    ),
)
