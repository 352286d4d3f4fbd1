"""The six stages, read from the framework text we were given (stages/seed/framework.txt).

The seed lost the headings of the first three stages: their activities, criterion and key
question are not stated, and stay empty. The reflection prompts are the product's own wording,
derived from the stage text, and are shown as such."""

import re
from pathlib import Path

SEED = Path(__file__).resolve().parent / "seed" / "framework.txt"

NAMES = ["Mobilising", "Designing", "Developing", "Integrating", "Growing", "System Change"]
MEASURE_KINDS = [
    "engagement",
    "short_term_process",
    "short_term_progress",
    "medium_term_local_impact",
    "long_term_change",
    "permanent_macro_system",
]
PROMPTS = {
    1: [
        "What triggered this, and what evidence shows the need?",
        "Which push and pull factors are at work?",
        "Who must be aware and engaged, and are they?",
        "Better for whom? How?",
    ],
    2: [
        "Have we defined the issue with the people it affects, children and families included?",
        "Why does this approach fit our local context?",
        "Design our own model, or adapt one?",
    ],
    3: [
        "What are the bounds of the pilot and what are we trying to learn?",
        "What have we changed because of testing?",
        "What wider changes would a full roll-out need?",
    ],
    4: [
        "Is ongoing delivery funded beyond the pilot?",
        "Is it standard practice yet?",
        "What do the people using the service tell us?",
    ],
    5: [
        "What is core and what must adapt in a new context?",
        "What evidence would persuade another organisation to adopt it?",
    ],
    6: [
        "Which policy, guidance or regulation has changed?",
        "What new prompts does that create, and where does the wheel turn next?",
    ],
}

FOCUS = "FOCUS AND PURPOSE OF THIS STAGE"
SUCCESS = "SUCCESS MEASURED BY..."
HEADER = re.compile(
    r"^(?P<name>[A-Z][A-Z ]+)\n\s*\n(?P<activities>[A-Z][A-Z -]+)\n\s*\n+"
    r"(?P<criterion>[A-Z][a-z]+)\n\s*\n(?P<question>[^\n]+\?)\s*$",
    re.MULTILINE,
)


def _paragraphs(text):
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())


def read_stages(text=None):
    """The six stages as dicts of Stage fields, in order."""
    text = SEED.read_text(encoding="utf-8") if text is None else text
    chunks = text.split(FOCUS)
    if len(chunks) != 7:
        raise ValueError(f"expected six '{FOCUS}' blocks, found {len(chunks) - 1}")
    stages, pending = [], {}
    for number in range(1, 7):
        focus, _, rest = chunks[number].partition(SUCCESS)
        header = HEADER.search(rest)
        stages.append(
            {
                "number": number,
                "slug": NAMES[number - 1].lower().replace(" ", "-"),
                "name": NAMES[number - 1],
                "activities": "",
                "criterion": "",
                "key_question": "",
                "focus_and_purpose": _paragraphs(focus),
                "success_measured_by": _paragraphs(rest[: header.start()] if header else rest),
                "measure_kind": MEASURE_KINDS[number - 1],
                "reflection_prompts": "\n".join(PROMPTS[number]),
            }
        )
        if header is not None:
            # A heading ends the block before its own stage's focus (Integrating onwards).
            following = NAMES[number]
            if header["name"].strip().lower() != following.lower():
                raise ValueError(f"heading {header['name']!r} does not name {following}")
            headed = {
                "activities": ", ".join(w.capitalize() for w in header["activities"].split()),
                "criterion": header["criterion"].strip(),
                "key_question": header["question"].strip(),
            }
            pending[number + 1] = headed
    for number, headed in pending.items():
        stages[number - 1].update(headed)
    return stages
