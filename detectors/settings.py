"""Detector settings: term lists, CPR mask and fingerprint key, context windows, weights and thresholds."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, NonNegativeFloat, PositiveFloat, PositiveInt

from gateway.config_paths import STRICT, ConfigPath

LevelLabel = Literal["almindelig", "fortrolig", "semifoelsom", "foelsom"]

CATEGORY_LEVELS: dict[str, LevelLabel] = {
    "cpr": "fortrolig",
    "grades": "fortrolig",
    "social": "fortrolig",
    "wellbeing": "fortrolig",
    "wellbeing_survey": "fortrolig",
    "hr_confidential": "fortrolig",
    "finances": "fortrolig",
    "education_readiness": "fortrolig",
    "unscannable": "fortrolig",
    "criminal": "semifoelsom",
    "health": "foelsom",
    "union": "foelsom",
    "religion": "foelsom",
    "politics": "foelsom",
    "ethnicity": "foelsom",
    "sexual_orientation": "foelsom",
}


class CprSettings(BaseModel):
    """How a CPR-shaped number is scored: a valid date is the base, context moves it."""

    model_config = STRICT

    base_score: float = Field(default=0.6, ge=0, le=1, description="valid date, no context")
    modulus11_bonus: NonNegativeFloat = 0.1
    context_bonus: NonNegativeFloat = 0.35
    negative_penalty: NonNegativeFloat = 0.5
    old_age_years: PositiveInt = Field(
        default=100, description="a birth this many years ago reads as a number dated this year (19xx)"
    )
    old_age_penalty: NonNegativeFloat = Field(default=0.25, description="taken off such a number")
    min_score: float = Field(default=0.5, ge=0, le=1, description="below this a number is not a CPR")
    context_before: PositiveInt = Field(default=6, description="tokens before the number")
    context_after: PositiveInt = Field(default=3, description="tokens after the number")
    window_chars: PositiveInt = Field(default=60, description="text analysed around a candidate")


class TermScoring(BaseModel):
    """How a term hit becomes a finding score."""

    model_config = STRICT

    tiers: dict[str, float] = {"strong": 0.7, "medium": 0.4, "weak": 0.25}
    person_bonus: NonNegativeFloat = Field(default=0.3, description="added when a person is near")
    without_person: NonNegativeFloat = Field(default=0.35, description="factor when no person is near")
    person_in_message: NonNegativeFloat = Field(
        default=0.75,
        description="share of the person bonus when the subject names someone or the mail has a CPR",
    )
    generic_factor: NonNegativeFloat = Field(
        default=0.3, description="factor near newsletter/policy/fiction words"
    )
    negative_factor: NonNegativeFloat = Field(default=0.3, description="factor near a category's negatives")
    positive_bonus: NonNegativeFloat = Field(default=0.15, description="added near a category's positives")
    person_tokens: PositiveInt = Field(default=16, description="tokens each side searched for a person")
    context_tokens: PositiveInt = Field(default=16, description="tokens each side searched for context")
    window_chars: PositiveInt = Field(default=120, description="text analysed around a candidate")
    max_hits_per_term: PositiveInt = Field(
        default=2, description="occurrences of one term per part analysed in depth"
    )


class CategoryRule(BaseModel):
    """rspamd-like: the category's findings are weighted, summed, capped and compared to a threshold."""

    model_config = STRICT

    weight: NonNegativeFloat = 1.0
    further: NonNegativeFloat = Field(default=0.25, description="share of each further distinct term")
    further_from: NonNegativeFloat = Field(
        default=0.35,
        description="further terms scored below this (no person near, a general text) add nothing: "
        "they say what a text is about, not whom",
    )
    threshold: PositiveFloat = 1.0
    cap: PositiveFloat = 3.0
    level: LevelLabel | None = Field(default=None, description="override the category's level")


DEFAULT_RULES = {
    "cpr": CategoryRule(threshold=0.5, further=1.0, cap=10.0),
    "unscannable": CategoryRule(threshold=0.01),
    "wellbeing": CategoryRule(further=0.4),
    "health": CategoryRule(further=0.45),
}
"""One CPR is enough; anything unreadable is enough; poor wellbeing and a health matter show as several
mild signals together (the same as config/mailvagt.yaml)."""


class DetectorSettings(BaseModel):
    model_config = STRICT

    hash_key: str | None = Field(
        default=None,
        description="Secret for CPR fingerprints (HMAC-SHA256); MAILVAGT_HASH_KEY overrides.",
    )
    cpr_mask: str = "******-****"
    terms_dir: ConfigPath = ConfigPath("terms")
    spacy_model: str | None = Field(
        default=None, description="A trained spaCy pipeline to use when installed."
    )
    cpr: CprSettings = CprSettings()
    terms: TermScoring = TermScoring()
    categories: dict[str, CategoryRule] = Field(
        default_factory=dict, description="per-category weight/threshold/cap/level overrides"
    )
    unscannable_level: LevelLabel = "fortrolig"
    min_finding_score: float = Field(default=0.05, ge=0, le=1, description="weaker findings are dropped")

    def rule(self, category: str) -> CategoryRule:
        return self.categories.get(category) or DEFAULT_RULES.get(category) or CategoryRule()

    def level_of(self, category: str) -> LevelLabel:
        """The data-protection level a category carries (config overrides the built-in table)."""
        override = self.rule(category).level
        if override is not None:
            return override
        if category == "unscannable":
            return self.unscannable_level
        return CATEGORY_LEVELS.get(category, "fortrolig")
