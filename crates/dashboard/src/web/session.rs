//! Who is asking: the session cookie (or HTTP basic auth for API clients) turned into a user, and
//! the CSRF check for forms.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::AppState;
use crate::auth::{cookie, same_token, SESSION_COOKIE};
use crate::store::{Role, SessionInfo};

/// A logged-in user; as an extractor it sends browsers to the login page and API clients a 401.
pub struct Authed(pub SessionInfo);

impl Authed {
    /// The 403 to send when a form's CSRF token is not the session's; `None` when it is. A
    /// session without a token (HTTP basic auth, which browsers resend on their own to any page,
    /// a forged form's target included) can never submit a form.
    pub fn csrf_refusal(&self, token: &str) -> Option<Response> {
        if !self.0.csrf.is_empty() && same_token(&self.0.csrf, token) {
            return None;
        }
        Some(
            (StatusCode::FORBIDDEN, "CSRF token missing or wrong; reload the page and try again")
                .into_response(),
        )
    }

    /// The 403 to send to a viewer; `None` for an admin.
    pub fn admin_refusal(&self) -> Option<Response> {
        if self.0.user.role == Role::Admin {
            return None;
        }
        Some((StatusCode::FORBIDDEN, "this needs the admin role").into_response())
    }
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Authed, Response> {
        let is_api = parts.uri.path().starts_with("/api/");
        if let Some(token) = parts
            .headers
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|c| cookie(c, SESSION_COOKIE))
        {
            match state.store.session(token).await {
                Ok(Some(session)) => return Ok(Authed(session)),
                Ok(None) => {}
                Err(e) => return Err(super::pages::error_page(&e)),
            }
        }
        if let Some(basic) = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
            if let Some(session) = basic_auth(state, basic).await {
                return Ok(Authed(session));
            }
        }
        if is_api {
            return Err((
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Basic realm=\"bunraku\"")],
                "login required",
            )
                .into_response());
        }
        let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        Err(Redirect::to(&format!("/login?next={next}")).into_response())
    }
}

async fn basic_auth(state: &AppState, header_value: &str) -> Option<SessionInfo> {
    use base64_decode as b64;
    let encoded = header_value.strip_prefix("Basic ")?;
    let decoded = b64(encoded.trim())?;
    let (name, password) = decoded.split_once(':')?;
    let user = state.store.verify_login(name, password).await.ok()??;
    // API clients have no forms: no token, and so no form submission (see `csrf_refusal`).
    Some(SessionInfo { user, csrf: String::new() })
}

/// Standard base64 decoding (a dozen lines rather than a dependency for one header).
fn base64_decode(s: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_basic_auth() {
        assert_eq!(super::base64_decode("YWRtaW46c2VjcmV0cGFzcw==").as_deref(), Some("admin:secretpass"));
    }
}
