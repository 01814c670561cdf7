//! Logging in and out. The login form is protected by a double-submit CSRF cookie (there is no
//! session yet); every later form carries the session's own token.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;

use super::{error_page, respond};
use crate::auth::{cookie, same_token, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::store::users::random_token;
use crate::web::layout;
use crate::web::session::Authed;
use crate::web::AppState;

/// `?next=` of the login page.
#[derive(Debug, Deserialize)]
pub struct Next {
    pub next: Option<String>,
}

/// The login form's fields.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub name: String,
    pub password: String,
    pub csrf: String,
    pub next: Option<String>,
}

/// Only local paths, so the login cannot be used to redirect elsewhere.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn form_page(next: &str, error: Option<&str>, status: StatusCode) -> Response {
    let token = random_token();
    let body = html! {
        @if let Some(e) = error { p class="error" id="login-error" { (e) } }
        form method="post" action="/login" id="login" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="next" value=(next);
            p { label { "User " input type="text" name="name" id="name" autofocus required; } }
            p { label { "Password " input type="password" name="password" id="password" required; } }
            p { button type="submit" id="login-submit" { "Log in" } }
        }
    };
    let cookie = format!("{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict");
    (status, [(header::SET_COOKIE, cookie)], respond(layout::page("Log in", None, body))).into_response()
}

/// `GET /login`
pub async fn form(Query(q): Query<Next>) -> Response {
    form_page(&safe_next(q.next.as_deref()), None, StatusCode::OK)
}

/// `POST /login`
pub async fn submit(State(state): State<AppState>, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let next = safe_next(f.next.as_deref());
    let expected =
        headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).and_then(|c| cookie(c, LOGIN_CSRF_COOKIE));
    if !expected.is_some_and(|t| same_token(t, &f.csrf)) {
        return form_page(&next, Some("The form expired; please log in again."), StatusCode::FORBIDDEN);
    }
    let user = match state.store.verify_login(&f.name, &f.password).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            return form_page(&next, Some("Unknown user or wrong password."), StatusCode::UNAUTHORIZED)
        }
        Err(e) => return error_page(&e),
    };
    let ttl = state.config.session_ttl.as_millis() as i64;
    let token = match state.store.create_session(&user, ttl).await {
        Ok(t) => t,
        Err(e) => return error_page(&e),
    };
    tracing::debug!(user = %user.name, "dashboard login");
    let cookie = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}", ttl / 1000);
    ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
}

/// The logout form's field.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

/// `POST /logout`
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    authed: Authed,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(r) = authed.csrf_refusal(&f.csrf) {
        return r;
    }
    if let Some(token) =
        headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).and_then(|c| cookie(c, SESSION_COOKIE))
    {
        if let Err(e) = state.store.delete_session(token).await {
            return error_page(&e);
        }
    }
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    ([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response()
}
