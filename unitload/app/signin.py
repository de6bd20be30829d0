"""Who is asking, before any page runs: signed in through OpenID Connect, or the bannered local mode."""

from __future__ import annotations

import streamlit as st

from unitload.access.scope import AccessDenied, Scope, local_scope, scope_from_claims
from unitload.app.environment import data_path, is_bundled_sample, settings
from unitload.app.run import forget_run
from unitload.app.text import escaped


def auth_configured() -> bool:
    """True when the secrets have an `[auth]` section: Streamlit's OpenID Connect sign-in is set up.

    A secrets file that cannot be read stops the app with a message: it never falls back to local mode,
    which would serve the data to anyone.
    """
    try:
        return bool(st.secrets.load_if_toml_exists() and st.secrets.get("auth"))
    except Exception:  # Streamlit raises its own errors for a secrets file it cannot parse
        _only(_unreadable_secrets, "Sign-in cannot be read")  # its reason could quote a secret: not shown
        return False


def sign_in() -> Scope:
    """The scope of this run's user; signed out, only the sign-in is shown and the run stops.

    Whatever page its URL names, a signed-out run shows only the sign-in. A role comes only from the
    identity's claims through the settings' mapping. Without `[auth]`, the app runs in a bannered
    local mode, on the bundled sample unless the settings allow local mode on any data.
    """
    forget_run()
    access = settings().access
    if not auth_configured():
        if not is_bundled_sample(data_path()) and not access.local_any_data:
            _only(_unconfigured, "Sign-in is not configured")
        st.info(
            f"Local mode: nobody is signed in; you see the app as a {access.local_role}. "
            "Configure `[auth]` in the secrets before serving real extracts.",
            icon=":material/lock_open:",
        )
        return local_scope(access)
    if not st.user.is_logged_in:
        _only(_signed_out, "Sign in")
    try:
        scope = scope_from_claims(st.user.to_dict(), access)
    except AccessDenied as exc:
        st.session_state["_denied"] = str(exc)
        _only(_no_access, "No access")
    with st.sidebar:
        st.caption(f"Signed in as {escaped(scope.label)}")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out")
    return scope


def _only(page, title: str) -> None:
    """Show one page, whatever the URL asks for, with no navigation, and end the run."""
    st.navigation([st.Page(page, title=title, url_path="signin")], position="hidden").run()
    st.stop()


def _unreadable_secrets() -> None:
    st.title("Sign-in cannot be read")
    st.error(
        "The secrets file that configures sign-in could not be read, so nobody can be identified and no data "
        "is served. Check its TOML (for example with a TOML linter) and restart the server."
    )


def _unconfigured() -> None:
    st.title("Sign-in is not configured")
    st.error(
        "This server is pointed at an extract other than the bundled sample, but has no `[auth]` "
        "section in its secrets, so nobody could be identified or audited. Configure OpenID Connect "
        "sign-in, or set `access.local_any_data = true` in the settings to run without it."
    )


def _signed_out() -> None:
    st.title("Unit workload")
    st.write("This dashboard shows restricted policing data. Sign in with your organisation's account.")
    st.button("Sign in", type="primary", on_click=st.login, icon=":material/login:")


def _no_access() -> None:
    st.title("No access")
    denied = escaped(st.session_state.get("_denied"))
    st.error(f"Your account is signed in but has no access to this dashboard: {denied}.")
    st.button("Sign out", on_click=st.logout)
