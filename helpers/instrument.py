"""The questionnaire, defined once.

Every other part of the kit (validation, scoring, the codebook, the tables, the synthetic data
generator) reads the instrument from here, so a change to an item or a category is made in one
place.

The original study (Meera & Radhakrishnan) never published its questionnaire. The firm
characteristics and their categories are taken from the paper's Table 1, the platforms from its
Figure 1 and the text around it, and the six constructs from its path model (Figure 2, Table 5).
The wording of every Likert item is this kit's own reconstruction from the paper's descriptions
of each construct; it is not the authors' questionnaire.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

FIRM_ID = "firm_id"

LIKERT_SCALE: dict[int, str] = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
LIKERT_MIN = min(LIKERT_SCALE)
LIKERT_MAX = max(LIKERT_SCALE)

YES, NO = "Yes", "No"


@dataclass(frozen=True)
class Characteristic:
    """A firm characteristic of Table 1, answered by ticking one category.

    ``categories`` are the paper's labels, which are also the values in the data.
    ``printed_categories``, when given, words the same categories (in the same order) for the
    printed questionnaire, where a paper label would be unclear to a respondent; the answers are
    still typed in as ``categories``.
    """

    column: str
    label: str
    question: str
    categories: tuple[str, ...]
    printed_categories: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.printed_categories and len(self.printed_categories) != len(self.categories):
            raise ValueError(f"{self.column}: one printed wording per category")

    @property
    def wording_on_paper(self) -> dict[str, str]:
        """Each category (the data's label) with the words the printed questionnaire shows for it."""
        return dict(zip(self.categories, self.printed_categories or self.categories, strict=True))


@dataclass(frozen=True)
class Platform:
    """A digital platform the firm may use (Figure 1), answered Yes or No."""

    column: str
    label: str
    kind: str
    share_reported_in_paper: bool


@dataclass(frozen=True)
class Item:
    """One Likert statement. Reverse-worded items are recoded (6 - answer) before scoring."""

    column: str
    text: str
    reverse: bool = False


@dataclass(frozen=True)
class Construct:
    """A construct of the path model, measured by the mean of its items after recoding."""

    key: str
    label: str
    abbreviation: str
    role: str
    items: tuple[Item, ...]

    @property
    def item_columns(self) -> list[str]:
        return [item.column for item in self.items]


CHARACTERISTICS: tuple[Characteristic, ...] = (
    Characteristic(
        "firm_size",
        "Firm Size",
        "What is the size of your firm (MSME classification)?",
        ("Small", "Medium"),
    ),
    Characteristic(
        "business_type",
        "Type of Business",
        "What is the legal form of your business?",
        ("Proprietary/ OMC", "Partnership / LLP", "Pvt Ltd Co", "Others"),
    ),
    Characteristic(
        "business_age",
        "Age of Business",
        "How long has your business been operating?",
        ("Less than 3 year", "3-6 years", "6-9 years", "9-12 years", "more than 12 years"),
        # Table 1's ranges share their end points (is a 6-year-old firm "3-6" or "6-9"?). On paper
        # they are worded as half-open ranges; the data keep the paper's labels.
        (
            "Less than 3 years",
            "3 to under 6 years",
            "6 to under 9 years",
            "9 to under 12 years",
            "12 years or more",
        ),
    ),
    Characteristic(
        "business_nature",
        "Nature of Business",
        "What is the main nature of your business?",
        ("Manufacturing", "Processing", "Trading", "Tourism", "Others"),
    ),
)

PLATFORMS: tuple[Platform, ...] = (
    Platform("uses_website", "Website", "web presence", True),
    Platform("uses_whatsapp", "WhatsApp", "messaging", True),
    Platform("uses_facebook", "Facebook", "social networking", True),
    Platform("uses_youtube", "YouTube", "content sharing", False),
    Platform("uses_instagram", "Instagram", "content sharing", False),
    Platform("uses_linkedin", "LinkedIn", "professional networking", False),
    Platform("uses_x_twitter", "X (Twitter)", "social networking", False),
    Platform("uses_email", "E-mail", "messaging", False),
    Platform("uses_ecommerce_marketplace", "E-commerce marketplace", "marketplace", False),
)
PLATFORM_QUESTION = "Does your firm use this platform for its business: {label}?"
# The same nine questions asked as one checkbox question ("tick all that apply"), as an online
# form may ask them: survey tools export it as one column of the ticked platforms' labels, which
# helpers.survey_import turns into the nine yes/no columns.
PLATFORMS_CHECKBOX_QUESTION = "Which of these digital platforms does your firm use for its business?"
# The heading of the printed questionnaire's yes/no table of platforms (one row per platform); a
# form built from the printed page asks it as a grid, "heading [platform]", or as a checkbox.
PLATFORMS_HEADING = "Does your firm use this platform for its business?"

CONSTRUCTS: tuple[Construct, ...] = (
    Construct(
        "partnership_collaboration",
        "Partnership & Collaborations through Digital Platforms",
        "PCDP",
        "exogenous",
        (
            Item("pcdp_1", "We find new business partners through digital platforms."),
            Item(
                "pcdp_2",
                "We coordinate joint work with partner firms through online tools "
                "(messaging groups, shared documents, video calls).",
            ),
            Item(
                "pcdp_3",
                "Industry networks and trade associations we follow online give us useful "
                "market information.",
            ),
            Item(
                "pcdp_4",
                "Digital platforms help us build trust with partners we have never met in person.",
            ),
            Item(
                "pcdp_5",
                "Our business partnerships are formed almost entirely offline, without digital platforms.",
                reverse=True,
            ),
        ),
    ),
    Construct(
        "international_trade",
        "International Trade",
        "IT",
        "mediator",
        (
            Item("it_1", "Digital platforms have helped us sell to customers outside India."),
            Item("it_2", "We receive enquiries or orders from foreign buyers through online channels."),
            Item("it_3", "Our export activity has grown since we began using digital platforms."),
            Item("it_4", "Digital platforms make it easier for us to enter new foreign markets."),
        ),
    ),
    Construct(
        "global_logistics",
        "Global Logistics",
        "GL",
        "mediator",
        (
            Item("gl_1", "We use digital tools to arrange international shipping and freight."),
            Item("gl_2", "We track our cross-border shipments online."),
            Item("gl_3", "Online platforms help us handle customs and export documents."),
            Item(
                "gl_4",
                "Digital links with logistics partners have made our international deliveries more reliable.",
            ),
        ),
    ),
    Construct(
        "market_reach",
        "Market Reach",
        "MR",
        "outcome",
        (
            Item("mr_1", "Our customer base has widened through digital platforms."),
            Item("mr_2", "Our sales have grown because of the markets we now reach online."),
            Item("mr_3", "Our brand is known in more regions than before."),
            Item("mr_4", "We now serve customer groups we could not reach before."),
        ),
    ),
    Construct(
        "innovation_agility",
        "Innovation & Agility",
        "IA",
        "outcome",
        (
            Item("ia_1", "Feedback from online channels leads us to improve our products or services."),
            Item("ia_2", "We adapt quickly when market conditions change."),
            Item(
                "ia_3",
                "In the last three years we have introduced new products, services or ways "
                "of doing business.",
            ),
            Item("ia_4", "Data from digital platforms informs our business decisions."),
        ),
    ),
    Construct(
        "operational_efficiency",
        "Operational Efficiency",
        "OE",
        "outcome",
        (
            Item("oe_1", "Digital platforms have reduced our cost of doing business."),
            Item("oe_2", "We process orders faster than we used to."),
            Item(
                "oe_3",
                "Coordinating with suppliers and partners still costs us a lot of time and paperwork.",
                reverse=True,
            ),
            Item("oe_4", "Our day-to-day operations run more smoothly because of digital tools."),
        ),
    ),
)


def construct(key: str) -> Construct:
    """The construct with this key (e.g. ``"market_reach"``)."""
    for candidate in CONSTRUCTS:
        if candidate.key == key:
            return candidate
    known = ", ".join(c.key for c in CONSTRUCTS)
    raise KeyError(f"unknown construct {key!r}; the instrument has: {known}")


def construct_keys() -> list[str]:
    return [c.key for c in CONSTRUCTS]


def construct_labels() -> dict[str, str]:
    """Construct key -> the paper's name for it."""
    return {c.key: c.label for c in CONSTRUCTS}


def items() -> list[Item]:
    return [item for c in CONSTRUCTS for item in c.items]


def item_columns() -> list[str]:
    return [item.column for item in items()]


def reverse_item_columns() -> list[str]:
    return [item.column for item in items() if item.reverse]


def characteristic_columns() -> list[str]:
    return [c.column for c in CHARACTERISTICS]


def platform_columns() -> list[str]:
    return [p.column for p in PLATFORMS]


def survey_columns() -> list[str]:
    """Every column of a survey export, in the order the questionnaire asks them."""
    return [FIRM_ID, *characteristic_columns(), *platform_columns(), *item_columns()]


def constructs_table() -> pd.DataFrame:
    """The six constructs: the paper's name, the kit's short name, role in the model, item count."""
    rows = [
        {
            "construct": c.label,
            "abbreviation": c.abbreviation,
            "column": c.key,
            "role in the model": c.role,
            "items": len(c.items),
        }
        for c in CONSTRUCTS
    ]
    return pd.DataFrame(rows)


def items_table() -> pd.DataFrame:
    """The Likert part of the questionnaire: construct, item column, statement, reverse-worded."""
    rows = [
        {
            "construct": f"{c.label} ({c.abbreviation})",
            "item": item.column,
            "statement": item.text,
            "reverse_worded": "yes" if item.reverse else "",
        }
        for c in CONSTRUCTS
        for item in c.items
    ]
    return pd.DataFrame(rows)


def codebook() -> pd.DataFrame:
    """One row per survey column: question, type, allowed values, construct and notes."""
    likert = "; ".join(f"{code} = {label}" for code, label in LIKERT_SCALE.items())
    rows = [
        {
            "variable": FIRM_ID,
            "question": "Firm identifier assigned by the survey team",
            "type": "integer",
            "allowed_values": "unique positive whole number",
            "construct": "",
            "notes": "",
        }
    ]
    for characteristic in CHARACTERISTICS:
        rows.append(
            {
                "variable": characteristic.column,
                "question": characteristic.question,
                "type": "category",
                "allowed_values": "; ".join(characteristic.categories),
                "construct": f"Firm characteristics: {characteristic.label} (Table 1)",
                "notes": "categories as printed in the paper's Table 1",
            }
        )
    for platform in PLATFORMS:
        source = (
            "share stated in the paper's text on Figure 1"
            if platform.share_reported_in_paper
            else "assumed: the paper does not state this share; the synthetic value is the kit's choice"
        )
        rows.append(
            {
                "variable": platform.column,
                "question": PLATFORM_QUESTION.format(label=platform.label),
                "type": "yes/no",
                "allowed_values": f"{YES}; {NO}",
                "construct": f"Digital platform use (Figure 1): {platform.kind}",
                "notes": source,
            }
        )
    for c in CONSTRUCTS:
        for item in c.items:
            rows.append(
                {
                    "variable": item.column,
                    "question": item.text,
                    "type": "likert",
                    "allowed_values": likert,
                    "construct": f"{c.label} ({c.abbreviation})",
                    "notes": "reverse-worded: recoded as 6 - answer before scoring" if item.reverse else "",
                }
            )
    return pd.DataFrame(rows)


if __name__ == "__main__":
    # python -m helpers.instrument > data/codebook.csv  (the codebook is generated, never edited)
    import sys

    codebook().to_csv(sys.stdout, index=False, lineterminator="\n")
