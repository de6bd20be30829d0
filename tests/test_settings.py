"""Settings: defaults match the contract, every key is documented, bad files name the key."""

import tomllib
from pathlib import Path

import pytest

from unitload.review.definitions import definitions
from unitload.settings import Settings, SettingsError, load_settings

DOCUMENTED = Path(__file__).resolve().parent.parent / "docs" / "settings.toml"


def test_documented_example_is_exactly_the_defaults():
    assert load_settings(DOCUMENTED) == Settings()


def test_every_setting_is_documented():
    documented = tomllib.loads(DOCUMENTED.read_text())
    for section, model in Settings.model_fields.items():
        assert section in documented, f"[{section}] is not in docs/settings.toml"
        for key in model.annotation.model_fields:
            assert key in documented[section], f"{section}.{key} is not in docs/settings.toml"


def test_contract_defaults():
    s = Settings()
    assert (s.capacity.full_time_hours, s.capacity.points_per_fte, s.capacity.overload_pct) == (40, 12.0, 110)
    assert s.capacity.sustained_months == 2
    assert (s.capacity.long_absence_days, s.supervision.welfare_contact_days) == (28, 28)
    assert s.capacity.reducing_kinds == ["long_term_sickness", "parental", "secondment", "restricted_duties"]
    assert s.weights.risk == {"very_high": 2.0, "high": 1.5, "medium": 1.0, "low": 0.5}
    assert s.weights.complexity == {1: 1.0, 2: 1.5, 3: 2.0}
    assert s.progress.progressing_actions == [
        "enquiry",
        "interview",
        "arrest",
        "search",
        "forensic_submission",
        "safeguarding",
        "file_to_cps",
    ]
    assert (s.progress.stale_days, s.progress.review_days, s.progress.age_bands) == (28, 28, [28, 90, 180, 365])
    assert (s.forensics.age_bands, s.forensics.throughput_weeks) == ([30, 90, 180, 365], 12)
    assert (s.supervision.monthly_supervision_days, s.supervision.psychological_assessment_days) == (35, 365)


def test_partial_file_keeps_other_defaults(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[weights]\nrisk = { low = 0.25 }\ncomplexity = { "3" = 3.0 }\n[progress]\nstale_days = 60\n')
    s = load_settings(path)
    assert s.weights.risk["low"] == 0.25 and s.weights.risk["high"] == 1.5
    assert s.weights.complexity == {1: 1.0, 2: 1.5, 3: 3.0}
    assert s.progress.stale_days == 60 and s.progress.review_days == 28


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[capacity]\noverload_pct = -1\n", "capacity.overload_pct"),
        ("[capacity]\nfull_hours = 37\n", "capacity.full_hours"),
        ("[progress]\nprogressing_actions = ['coffee']\n", "progress.progressing_actions"),
        ("[progress]\nage_bands = [90, 28]\n", "progress.age_bands"),
        ("[weights]\nrisk = { extreme = 3.0 }\n", "weights.risk"),
        ("[capacity]\nreducing_kinds = ['holiday']\n", "capacity.reducing_kinds"),
        ("[capacity]\nlong_absence_days = 0\n", "capacity.long_absence_days"),
        ("[supervision]\nwelfare_contact_days = -3\n", "supervision.welfare_contact_days"),
        ("not toml = = 1", "not valid TOML"),
    ],
)
def test_bad_settings_name_the_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=message.replace(".", r"\.")):
        load_settings(path)


def test_definitions_quote_the_settings_in_force():
    custom = Settings.model_validate({"capacity": {"overload_pct": 125}, "progress": {"stale_days": 42}})
    texts = {d.term: d.text for d in definitions(custom)}
    assert "125 %" in texts["overloaded"]
    assert "42 days" in texts["unprogressed"]
