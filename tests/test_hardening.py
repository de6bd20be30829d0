"""Hostile or broken input to the running app: each gets a notice, never a traceback, and never leaks."""

import json
import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import APP_WAIT, SAMPLE
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def app_on(folder: Path, monkeypatch, tmp_path) -> AppTest:
    monkeypatch.setenv("UNITLOAD_DATA", str(folder))
    settings = tmp_path / "settings.toml"
    settings.write_text(f'[access]\nlocal_any_data = true\n\n[audit]\npath = "{tmp_path / "audit.jsonl"}"\n')
    monkeypatch.setenv("UNITLOAD_SETTINGS", str(settings))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def copy_of_sample(folder: Path, extract_id: str, **manifest_changes) -> Path:
    shutil.copytree(SAMPLE, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update(extract_id=extract_id, **manifest_changes)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_one_malformed_manifest_never_stops_a_folder_of_extracts(tmp_path, monkeypatch):
    extracts = tmp_path / "extracts"
    copy_of_sample(extracts / "october", "unit-2026-10")
    broken = copy_of_sample(extracts / "november", "unit-2026-11", extracted_at="2026-11-20T06:00:00")
    manifest = json.loads((broken / "manifest.json").read_text())
    manifest["tables"]["cases"]["files"] = None
    (broken / "manifest.json").write_text(json.dumps(manifest))
    at = app_on(extracts, monkeypatch, tmp_path)
    assert any("unit-2026-11 failed validation" in e.value for e in at.error)  # shown as a failed extract
    assert at.title[0].value == "Monthly workload review"  # the last good extract is served


def test_duplicate_extract_ids_are_reported_and_the_newest_served(tmp_path, monkeypatch):
    extracts = tmp_path / "extracts"
    copy_of_sample(extracts / "a-later-copy", "unit-2026-10", extracted_at="2026-11-02T06:00:00")
    copy_of_sample(extracts / "b-first-copy", "unit-2026-10")
    at = app_on(extracts, monkeypatch, tmp_path)
    assert any("More than one folder holds extract id unit-2026-10" in w.value for w in at.warning)
    assert any("02 Nov 2026" in c.value for c in at.sidebar.caption)  # the later copy, not the later folder name


def test_markdown_in_an_extract_id_is_shown_as_text(tmp_path, monkeypatch):
    odd = copy_of_sample(tmp_path / "odd", "[click](https://example.invalid)")
    at = app_on(odd, monkeypatch, tmp_path)
    shown = [m.value for m in at.sidebar.markdown if "click" in m.value]
    assert shown == ["**\\[click\\]\\(https\u2060\\:\u2060//example\u2060.\u2060invalid\\)**"]  # no link: word joiners


def test_unreadable_sign_in_secrets_stop_the_app(monkeypatch):
    import streamlit as st

    def unreadable():  # what Streamlit raises for a secrets file whose TOML does not parse
        raise st.errors.StreamlitSecretNotFoundError('Error parsing secrets file: redirect_uri = "http://x')

    monkeypatch.setattr(st.secrets, "load_if_toml_exists", unreadable)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Sign-in cannot be read"
    assert not any("Local mode" in i.value for i in at.info)  # never a fallback to local mode
    assert "redirect_uri" not in " ".join(e.value for e in at.error)  # the file's text is not echoed


def test_the_apps_config_turns_off_streamlits_own_table_export():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True
    assert config["browser"]["gatherUsageStats"] is False


@pytest.mark.parametrize(
    ("role", "teams", "sections"),
    [
        ("sergeant", ("POLIT-A",), "metrics"),
        ("inspector", ("POLIT-A", "POLIT-B"), "metrics"),
        ("analyst", None, "metrics"),
        ("planner", None, "metrics"),
        ("superintendent", None, "all"),
    ],
)
def test_each_role_sees_only_its_settings_and_nobody_the_recipients(monkeypatch, tmp_path, role, teams, sections):
    """Addresses beside officer ids re-identify a pseudonymised id: never shown; the service's own settings
    (sign-in, audit, engine, notify) only to the superintendent."""
    from unitload.access.scope import role_scope
    from unitload.app import signin

    settings = tmp_path / "settings.toml"
    settings.write_text(
        '[notify]\nsender = "unitload@force.example"\n\n[notify.recipients]\n'
        '"ds.patel@force.example" = { role = "sergeant", teams = ["POLIT-B"], officer_id = "P1018" }\n\n'
        '[decisions]\nurl = "postgresql+psycopg://unitload:s3cret@127.0.0.1:9/records"\n'
    )
    monkeypatch.setenv("UNITLOAD_SETTINGS", str(settings))
    monkeypatch.setattr(signin, "local_scope", lambda access: role_scope(role, "local", teams))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.run()
    at.switch_page("pages/data_definitions.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (element,) = at.get("json")
    assert "ds.patel" not in element.proto.body and "P1018" not in element.proto.body
    assert "s3cret" not in element.proto.body  # the store's password, never
    shown = json.loads(element.proto.body)
    metrics = {"capacity", "weights", "progress", "forensics", "supervision", "validation"}
    if sections == "metrics":
        assert set(shown) == metrics
    else:
        assert set(shown) >= metrics | {"access", "audit", "engine", "notify"}
        assert shown["notify"]["sender"] == "unitload@force.example" and "recipients" not in shown["notify"]
        assert shown["decisions"]["url"] == "postgresql+psycopg://unitload:***@127.0.0.1:9/records"
