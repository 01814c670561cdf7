//! The admin's user page: list accounts, add one or reset its password and role.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;

use super::{error_page, respond};
use crate::store::Role;
use crate::web::layout;
use crate::web::session::Authed;
use crate::web::AppState;

/// `GET /users`
pub async fn page(State(state): State<AppState>, authed: Authed) -> Response {
    if let Some(r) = authed.admin_refusal() {
        return r;
    }
    let users = match state.store.users().await {
        Ok(u) => u,
        Err(e) => return error_page(&e),
    };
    let body = html! {
        table id="users" {
            tr { th { "User" } th { "Role" } }
            @for u in &users { tr { td { (u.name) } td { (u.role.as_str()) } } }
        }
        h2 { "Add a user or reset a password" }
        form method="post" action="/users" {
            input type="hidden" name="csrf" value=(authed.0.csrf);
            input type="text" name="name" placeholder="name" required;
            input type="password" name="password" placeholder="password (8+ characters)" required;
            select name="role" { option value="viewer" { "viewer" } option value="admin" { "admin" } }
            button type="submit" { "Save" }
        }
    };
    respond(layout::page("Users", Some(&authed.0), body))
}

/// The add-user form.
#[derive(Debug, Deserialize)]
pub struct UserForm {
    pub name: String,
    pub password: String,
    pub role: String,
    pub csrf: String,
}

/// `POST /users`
pub async fn add(State(state): State<AppState>, authed: Authed, Form(f): Form<UserForm>) -> Response {
    if let Some(r) = authed.csrf_refusal(&f.csrf).or_else(|| authed.admin_refusal()) {
        return r;
    }
    let result = match Role::parse(&f.role) {
        Ok(role) => state.store.add_user(&f.name, &f.password, role).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to("/users").into_response(),
        Err(e) => error_page(&e),
    }
}
